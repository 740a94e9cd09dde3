"""GPS ping files in a dataset folder: `pings/YYYY-MM/<name>.csv`, officer ids pseudonymised.

An import checks every ping file with the reader the app uses, replaces each `officer_id` by its
keyed hash (see geo.store.imports.pings) and stores the file under the month (UK time) of its
first ping. A file of the same name in that month is replaced. The key is
`HOTSPOT_PSEUDONYM_KEY` when set (keep it somewhere else than the data for the strongest
protection), otherwise a random key made at the first import and kept in the dataset folder as
`.pseudonym-key` (readable by its owner only), so the same officer has the same pseudonym in every
month's file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from geo.errors import HotspotDataError
from geo.io.pings import ping_files_in
from geo.store.layout import KEY_FILE, PING_FOLDER
from geo.store.pseudonyms import KEY_BYTES, key_from_environment


def pseudonym_key(folder: Path) -> tuple[bytes, bool]:
    """The key for officer pseudonyms, and whether it is new (to be stored with the import)."""
    given = key_from_environment()
    if given is not None:
        return given, False
    path = folder / KEY_FILE
    if path.is_file():
        key = path.read_bytes()
        if len(key) < 16:
            raise HotspotDataError("the pseudonym key file is damaged (too short)", path=path)
        return key, False
    return secrets.token_bytes(KEY_BYTES), True


def stored_ping_files(folder: Path) -> list[Path]:
    """The dataset's ping files (`pings/**/*.csv`), in name order."""
    root = folder / PING_FOLDER
    return ping_files_in([root]) if root.is_dir() else []


def key_mode(path: Path) -> None:
    """Make the stored key readable by its owner only."""
    if path.is_file():
        os.chmod(path, 0o600)
