"""Screen tokens: long random values that open the wall screen (`/briefing?screen=…`) read-only,
so an unattended screen needs no person's account.

Only a SHA-256 hash of each token is stored: in a folder store, in `.screen-tokens.json`; in a
PostgreSQL store, in its `screen_tokens` table (geo.store.pg_tokens). The token itself is shown
once, when it is made. A token is revoked by name, which takes effect
at the screen's next refresh. A token carries 256 random bits, so a plain hash is enough: there
is nothing to guess by trying likely values.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from geo.errors import HotspotDataError
from geo.store.folder_writes import lock

TOKEN_FILE = ".screen-tokens.json"
TOKEN_PARAM = "screen"
"""The query parameter that carries a token: `/briefing?screen=TOKEN`."""
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{40,64}")
"""What `secrets.token_urlsafe(TOKEN_BYTES)` makes; anything else is refused before hashing."""
NAME_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}")
NAME_RULE = (
    "1 to 60 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit"
)


@dataclass(frozen=True)
class ScreenToken:
    """One token as stored: its name, its hash, when it was made and when revoked (or None)."""

    name: str
    sha256: str
    created: str
    revoked: str | None = None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def checked_name(name: str) -> str:
    """A screen's name as given, refused unless it has NAME_RULE's shape."""
    if not isinstance(name, str) or not NAME_SHAPE.fullmatch(name):
        raise HotspotDataError(f"a screen token's name must be {NAME_RULE}; got {name!r}")
    return name


def new_token() -> str:
    """A fresh token: TOKEN_BYTES random bytes, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: object) -> bool:
    """Whether an untrusted value from a link has a token's shape (checked before hashing)."""
    return isinstance(token, str) and TOKEN_SHAPE.fullmatch(token) is not None


def matches(hashes: list[tuple[str, bool]], token: str) -> bool:
    """Whether `token` is among (hash, active) pairs: every entry compared in constant time."""
    digest = token_hash(token)
    found = False
    for stored, active in hashes:
        if hmac.compare_digest(stored, digest) and active:
            found = True
    return found


def no_such_token(name: str, active: list[str]) -> HotspotDataError:
    """The refusal of a revocation naming no active token."""
    return HotspotDataError(
        f"no active screen token is named {name!r}; active: "
        f"{', '.join(sorted(active)) if active else 'none'}"
    )


def list_tokens(folder: Path) -> list[ScreenToken]:
    """Every token made for this dataset, revoked ones included; refuses an unreadable file."""
    path = Path(folder) / TOKEN_FILE
    if not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["tokens"]
        tokens = [ScreenToken(**entry) for entry in entries]
        for token in tokens:
            if not (
                isinstance(token.name, str)
                and NAME_SHAPE.fullmatch(token.name)
                and isinstance(token.sha256, str)
                and re.fullmatch(r"[0-9a-f]{64}", token.sha256)
                and isinstance(token.created, str)
                and (token.revoked is None or isinstance(token.revoked, str))
            ):
                raise ValueError("an entry is not a name, a hash and dates")
        return tokens
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HotspotDataError(
            f"cannot be read ({type(exc).__name__}); fix or remove it, then make new tokens",
            path=path,
        ) from exc


def _write(folder: Path, tokens: list[ScreenToken]) -> None:
    """Replace the token file in one step, readable by this account only."""
    text = json.dumps({"tokens": [asdict(t) for t in tokens]}, indent=1) + "\n"
    handle, temp = tempfile.mkstemp(prefix=".screen-tokens-", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, folder / TOKEN_FILE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def create_token(folder: Path, name: str) -> str:
    """Make a token named `name` for the dataset's wall screen; returns the token (shown once)."""
    folder = Path(folder)
    checked_name(name)
    if not folder.is_dir():
        raise HotspotDataError("dataset folder not found", path=folder)
    with lock(folder.resolve()):
        tokens = list_tokens(folder)
        if any(t.name == name and t.revoked is None for t in tokens):
            raise HotspotDataError(
                f"a screen token named '{name}' exists already; revoke it first or pick a new name"
            )
        token = new_token()
        _write(folder, [*tokens, ScreenToken(name, token_hash(token), _now())])
    return token


def revoke_token(folder: Path, name: str) -> int:
    """Revoke every active token named `name`; returns how many (refuses an unknown name)."""
    folder = Path(folder)
    with lock(folder.resolve()):
        tokens = list_tokens(folder)
        hits = [t for t in tokens if t.name == name and t.revoked is None]
        if not hits:
            raise no_such_token(name, list({t.name for t in tokens if t.revoked is None}))
        when = _now()
        _write(
            folder,
            [ScreenToken(t.name, t.sha256, t.created, when) if t in hits else t for t in tokens],
        )
    return len(hits)


def token_valid(folder: Path, token: object) -> bool:
    """Whether `token` (from a link: untrusted) is an active token of this dataset; any problem
    reading the token file means no."""
    if not well_formed(token):
        return False
    try:
        tokens = list_tokens(Path(folder))
    except HotspotDataError:
        return False
    return matches([(t.sha256, t.revoked is None) for t in tokens], token)
