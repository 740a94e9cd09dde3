"""Screen tokens: long random values that open the wall screen (`/briefing?screen=…`) read-only,
so an unattended screen needs no person's account.

Only a SHA-256 hash of each token is stored: in a folder store, in `.screen-tokens.json`
(geo.store.folder.tokens); in a PostgreSQL store, in its `screen_tokens` table
(geo.store.postgres.tokens). The token itself is shown
once, when it is made. A token is revoked by name, which takes effect
at the screen's next refresh. A token carries 256 random bits, so a plain hash is enough: there
is nothing to guess by trying likely values.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from geo.errors import HotspotDataError

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
