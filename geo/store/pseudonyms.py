"""The key that turns officer ids into pseudonyms, as both stores take it: HOTSPOT_PSEUDONYM_KEY
when set (kept somewhere else than the data, the strongest protection), otherwise a random key
made at the first ping import and kept by the store; and files of pseudonymised pings, which
are still personal data, written readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from geo.errors import HotspotDataError
from geo.settings import setting

KEY_ENV = "HOTSPOT_PSEUDONYM_KEY"
KEY_BYTES = 32


def key_from_environment() -> bytes | None:
    """The key given in HOTSPOT_PSEUDONYM_KEY, or None when unset."""
    text = setting(KEY_ENV, strip=False)
    if not text:
        return None
    if len(text) < 16:
        raise HotspotDataError(f"{KEY_ENV} is too short; give at least 16 characters")
    return text.encode()


def open_private(path: Path) -> BinaryIO:
    """A file to write pseudonymised pings to, readable by its owner only (pseudonyms are still
    personal data): made so, or made so again if it was there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(path, flags, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    except OSError:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "wb")
