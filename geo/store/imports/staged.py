"""What an import is before it is committed: the files given, checked and normalised content
waiting to be written, and what the checks found. Made by the checks (geo.store.imports.check),
written by either store's commit."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import HotspotDataError
from geo.io.sandbox import reply_type
from geo.store.crime_months import CrimePart
from geo.words import count_text, span

SKIPPED_PINGS = "skipped (no position)"
"""The column of a ping file's rows that no figure counts, for want of a position."""

Progress = Callable[[float, str], None]
"""Told (fraction done, what is being read) while files are read."""


@dataclass(frozen=True)
class FileRecord:
    """A file given to an import: the name it was given under, its SHA-256 and size."""

    name: str
    sha256: str | None
    bytes: int | None


def file_record(name: str, path: Path) -> FileRecord:
    """Name, checksum and size of a file (read in chunks); None when it cannot be read."""
    digest = hashlib.sha256()
    size = 0
    try:
        with Path(path).open("rb") as handle:
            while chunk := handle.read(1024**2):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        return FileRecord(name, None, None)
    return FileRecord(name, digest.hexdigest(), size)


@dataclass(frozen=True)
class InputFile:
    """A file to import: where it is now, and the name to use for it in messages."""

    path: Path
    name: str

    @classmethod
    def of(cls, path: str | Path) -> InputFile:
        return cls(Path(path), str(path))


@dataclass(frozen=True)
class Finding:
    """One thing found while checking: an `error` blocks the import, a `warning` does not."""

    level: str
    file: str
    message: str
    row: int | None = None
    column: str | None = None

    @classmethod
    def from_error(cls, exc: HotspotDataError, file: str | None = None) -> Finding:
        return cls("error", exc.path or file or "", exc.problem, exc.row, exc.column)

    def line(self) -> str:
        """The one-line form: file, row, column and message."""
        return str(HotspotDataError(self.message, path=self.file, row=self.row, column=self.column))


@dataclass(frozen=True)
class StagedHotspots:
    frame: gpd.GeoDataFrame
    data: bytes
    source: str
    crs: str


@dataclass(frozen=True)
class StagedPatrols:
    frame: pd.DataFrame
    data: bytes
    source: str


@dataclass
class Staged:
    """Checked, normalised content waiting to be committed, and what the checks found."""

    hotspots: StagedHotspots | None = None
    crimes: list[CrimePart] = field(default_factory=list)
    patrols: StagedPatrols | None = None
    findings: list[Finding] = field(default_factory=list)
    inputs: list[FileRecord] = field(default_factory=list)
    """The files given, with their checksums, for the audit log."""
    pings: list[StagedPings] = field(default_factory=list)
    ping_key: tuple[bytes, bool] | None = None
    kinds: list[str] = field(default_factory=list)
    """What kinds of file were given ('hotspots', 'crimes', 'patrols', 'pings'), for the log."""

    @property
    def kind(self) -> str:
        """The kinds of file given, as the audit log names the import: 'hotspots, patrols'."""
        return ", ".join(self.kinds)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level != "error"]

    @property
    def empty(self) -> bool:
        return self.hotspots is None and not self.crimes and self.patrols is None and not self.pings

    def refusal(self) -> HotspotDataError | None:
        """The first error as one line, saying how many more there are; None when none."""
        if not self.errors:
            return None
        first, more = self.errors[0], len(self.errors) - 1
        message = first.message + (f" (and {count_text(more, 'more problem')})" if more else "")
        return HotspotDataError(message, path=first.file, row=first.row, column=first.column)

    def raise_first(self) -> None:
        """Raise the first error as one line, saying how many more there are."""
        refusal = self.refusal()
        if refusal is not None:
            raise refusal

    def findings_table(self) -> pd.DataFrame:
        """Every finding as a row: level, file, row, column, problem."""
        return pd.DataFrame(
            [
                {
                    "level": f.level,
                    "file": f.file,
                    "row": f.row,
                    "column": f.column or "",
                    "problem": f.message,
                }
                for f in self.findings
            ],
            columns=["level", "file", "row", "column", "problem"],
        ).astype({"row": "Int64"})

    def crimes_table(self) -> pd.DataFrame:
        """One row per month and force to be imported."""
        return pd.DataFrame(
            [
                {
                    "month": p.month,
                    "force": p.force,
                    "rows": p.rows,
                    "asb": p.asb,
                    "no_location": p.no_location,
                    "from": p.source,
                }
                for p in sorted(self.crimes, key=lambda p: p.key)
            ],
            columns=["month", "force", "rows", "asb", "no_location", "from"],
        )

    def pings_table(self) -> pd.DataFrame:
        """One row per ping file to be stored: the pings the figures count, those skipped for
        want of a position, officers, and when (officer ids are never listed)."""
        return pd.DataFrame(
            [
                {"file": p.source, "stored as": p.target, "pings": p.counted,
                 SKIPPED_PINGS: p.skipped, "officers": p.officers,
                 "first": f"{p.first:%Y-%m-%d}", "last": f"{p.last:%Y-%m-%d}"}
                for p in self.pings
            ],
            columns=["file", "stored as", "pings", SKIPPED_PINGS, "officers", "first", "last"],
        )  # fmt: skip


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


def staged_rows(staged: Staged) -> dict[str, int]:
    """How many hotspots, crime rows and patrol visits an import holds (for the audit log)."""
    rows = {}
    if staged.hotspots is not None:
        rows["hotspots"] = len(staged.hotspots.frame)
    if staged.crimes:
        rows["crime rows"] = sum(p.rows for p in staged.crimes)
    if staged.patrols is not None:
        rows["patrol visits"] = len(staged.patrols.frame)
    return rows


def given_kinds(**given: Sequence[object]) -> list[str]:
    """The kinds of which at least one file was given."""
    return [kind for kind, files in given.items() if any(f is not None for f in files)]
