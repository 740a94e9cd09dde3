"""GPS ping files in the dataset folder: `pings/YYYY-MM/<name>.csv`, officer ids pseudonymised.

An import checks every ping file with the reader the app uses, replaces each `officer_id` by its
keyed hash (see geo.io.pings.pseudonymise) and stores the file under the month (UK time) of its
first ping. A file of the same name in that month is replaced. The key is
`HOTSPOT_PSEUDONYM_KEY` when set (keep it somewhere else than the data for the strongest
protection), otherwise a random key made at the first import and kept in the dataset folder as
`.pseudonym-key` (readable by its owner only), so the same officer has the same pseudonym in every
month's file.
"""

from __future__ import annotations

import io
import os
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from geo.errors import HotspotDataError
from geo.io.pings import LOCAL_TZ, Officers, PingStats, ping_files_in, pseudonymised_csv, read_pings
from geo.io.sandbox import reply_type, report_progress
from geo.settings import setting
from geo.words import count_text, span

PING_FOLDER = "pings"
KEY_FILE = ".pseudonym-key"
KEY_ENV = "HOTSPOT_PSEUDONYM_KEY"
KEY_BYTES = 32


@reply_type
@dataclass(frozen=True)
class StagedPings:
    """One checked ping file, pseudonymised, with where it will be stored."""

    source: str
    target: str
    data: bytes
    rows: int
    """Every ping row of the file, stored as given."""
    officers: int
    first: pd.Timestamp
    last: pd.Timestamp
    notes: tuple[str, ...]
    skipped: int = 0
    """Rows with no position (no GPS fix): stored, but no figure counts them."""

    @property
    def counted(self) -> int:
        """The pings the figures count: those with a position."""
        return self.rows - self.skipped

    def what(self) -> str:
        """One line for the plan: pings counted, officers and dates, and those skipped."""
        skipped = self.skipped and f"; {count_text(self.skipped, 'ping')} without a position"
        return (
            f"{count_text(self.counted, 'ping')} of {count_text(self.officers, 'officer')}, "
            f"{span(f'{self.first:%d %b %Y}', f'{self.last:%d %b %Y}')}{skipped or ''}"
        )


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


def key_from_environment() -> bytes | None:
    """The key given in HOTSPOT_PSEUDONYM_KEY, or None when unset."""
    text = setting(KEY_ENV, strip=False)
    if not text:
        return None
    if len(text) < 16:
        raise HotspotDataError(f"{KEY_ENV} is too short; give at least 16 characters")
    return text.encode()


CHECK_SHARE = 0.8
"""Share of a ping file's check spent reading it (the rest pseudonymises it), for progress."""


def check_ping_file(
    path: Path,
    name: str,
    key: bytes,
    progress: Callable[[float, str], None] | None = None,
    out: Path | None = None,
) -> StagedPings:
    """Read and check one ping file; return it pseudonymised, with its target and totals.
    `progress` is told how far the check is (fraction, text); with `out`, the pseudonymised
    file is written there and `data` is left empty."""
    say = progress or (lambda _fraction, _text: None)
    officers = Officers()
    stats = PingStats()
    first = last = None
    reading = f"Checking {name}"
    for block in read_pings(
        path, officers, label=name, progress=lambda done: say(done * CHECK_SHARE, reading)
    ):
        stats.add(block)
        if len(block):
            low, high = int(block.seconds.min()), int(block.seconds.max())
            first = low if first is None else min(first, low)
            last = high if last is None else max(last, high)
    if first is None or last is None:
        raise HotspotDataError("holds no pings with a position, only a header", path=name)
    pseudonymising = f"Pseudonymising the officer ids of {name}"
    say(CHECK_SHARE, pseudonymising)

    def written(rows: int) -> None:
        say(CHECK_SHARE + (1 - CHECK_SHARE) * min(rows / max(stats.rows, 1), 1.0), pseudonymising)

    if out is None:
        buffer = io.BytesIO()
        pseudonymised_csv(path, buffer, key, name, written)
        data = buffer.getvalue()
    else:
        with open_private(out) as handle:
            pseudonymised_csv(path, handle, key, name, written)
        data = b""
    start = pd.Timestamp(first, unit="s", tz="UTC").tz_convert(LOCAL_TZ)
    end = pd.Timestamp(last, unit="s", tz="UTC").tz_convert(LOCAL_TZ)
    return StagedPings(
        source=name,
        target=f"{PING_FOLDER}/{start:%Y-%m}/{_safe_stem(name)}.csv",
        data=data,
        rows=stats.rows,
        officers=len(officers.codes),
        first=start,
        last=end,
        notes=tuple(stats.notes()),
        skipped=stats.no_fix,
    )


def check_ping_file_into(path: str, name: str, key: bytes, out: str) -> StagedPings:
    """`check_ping_file` as run in the sandbox's child process: progress goes to the parent and
    the pseudonymised file to `out` (returned without its bytes, which the parent reads)."""
    return check_ping_file(Path(path), name, key, report_progress, out=Path(out))


def same_targets(staged: Sequence[StagedPings]) -> list[tuple[StagedPings, StagedPings]]:
    """Pairs of files that would be stored under the same name (both cannot be kept)."""
    seen: dict[str, StagedPings] = {}
    pairs = []
    for item in staged:
        if item.target in seen:
            pairs.append((seen[item.target], item))
        seen.setdefault(item.target, item)
    return pairs


def stored_ping_files(folder: Path) -> list[Path]:
    """The dataset's ping files (`pings/**/*.csv`), in name order."""
    root = folder / PING_FOLDER
    return ping_files_in([root]) if root.is_dir() else []


def _safe_stem(name: str) -> str:
    """A file name stem from a user's file name: letters, digits, dot, dash, underscore."""
    base = re.split(r"[\\/!]", name)[-1]
    base = re.sub(r"\.csv$", "", base, flags=re.IGNORECASE)
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", base).strip("._") or "pings"
    return stem[:100]


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


def key_mode(path: Path) -> None:
    """Make the stored key readable by its owner only."""
    if path.is_file():
        os.chmod(path, 0o600)
