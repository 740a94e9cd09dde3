"""Checking GPS ping files for import: each read with the app's reader in the sandbox's child
process, its officer ids replaced by keyed pseudonyms (geo.io.pings.pseudonymise), and given the
name it is stored under: `pings/YYYY-MM/<name>.csv`, the month (UK time) of its first ping."""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from geo.errors import HotspotDataError
from geo.io.pings import Officers, PingStats, pseudonymised_csv, read_pings
from geo.io.sandbox import TIME_LIMIT_S, report_progress, run_isolated
from geo.schema import LOCAL_TZ
from geo.store.imports.files import check_size, collected, relabelled
from geo.store.imports.staged import Finding, InputFile, Progress, Staged, StagedPings
from geo.store.layout import PING_FOLDER
from geo.store.pseudonyms import open_private

PING_CHECK_SECONDS_PER_MB = 1.0
"""Time a ping file's check may take per MB, beyond the sandbox's TIME_LIMIT_S (a 200 MB file
gets 260 s, over twenty times what such a check takes on two busy cores)."""


def check_pings(
    staged: Staged,
    files: Sequence[InputFile],
    say: Progress,
    max_bytes: int,
    key: tuple[bytes, bool],
) -> None:
    """Check GPS ping files; each becomes a file pseudonymised with the store's `key` (and
    whether it is new, to be kept by the commit), or an error finding."""
    staged.ping_key = key
    for number, file in enumerate(files):
        say(number / len(files), f"Reading {file.name}")

        def step(file: InputFile = file, number: int = number) -> StagedPings:
            check_size(file, max_bytes)
            with relabelled(file):
                return check_ping_file_isolated(
                    file, key[0], lambda done, text: say((number + done) / len(files), text)
                )

        result = collected(staged, step, file.name)
        if result is not None:
            staged.pings.append(result)
            staged.findings.extend(Finding("warning", file.name, note) for note in result.notes)
    for earlier, later in same_targets(staged.pings):
        staged.findings.append(
            Finding(
                "error",
                later.source,
                f"would be stored as {later.target}, like {earlier.source}; rename one of them",
            )
        )


def check_ping_file_isolated(file: InputFile, key: bytes, progress: Progress) -> StagedPings:
    """Check one ping file in the sandbox's child process (see geo.io.sandbox), with a time
    limit that grows with the file (PING_CHECK_SECONDS_PER_MB)."""
    size_mb = file.path.stat().st_size / 1024**2
    with tempfile.TemporaryDirectory(prefix="hotspot-pings-") as tmp:
        out = Path(tmp) / "pseudonymised.csv"
        staged = run_isolated(
            "geo.store.imports.pings:check_ping_file_into", str(file.path), file.name, key,
            str(out), label=file.name, progress=progress,
            time_limit=TIME_LIMIT_S + size_mb * PING_CHECK_SECONDS_PER_MB,
        )  # fmt: skip
        return replace(staged, data=out.read_bytes())


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


def _safe_stem(name: str) -> str:
    """A file name stem from a user's file name: letters, digits, dot, dash, underscore."""
    base = re.split(r"[\\/!]", name)[-1]
    base = re.sub(r"\.csv$", "", base, flags=re.IGNORECASE)
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", base).strip("._") or "pings"
    return stem[:100]
