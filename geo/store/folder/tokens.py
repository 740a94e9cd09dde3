"""Wall-screen tokens of a folder store, kept as hashes in its `.screen-tokens.json` (the rules
of a token are geo.store.screen_tokens), changed under the folder's import lock."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from geo.errors import HotspotDataError
from geo.store.folder.writes import lock
from geo.store.screen_tokens import (
    NAME_SHAPE,
    ScreenToken,
    checked_name,
    matches,
    new_token,
    no_such_token,
    token_hash,
    well_formed,
)

TOKEN_FILE = ".screen-tokens.json"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
