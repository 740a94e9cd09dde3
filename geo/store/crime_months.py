"""police.uk street files by month and force: the unit an import adds or replaces.

A street file holds one month of one force as police.uk publishes it, but files arrive renamed,
merged or repeated; these functions find the (month, force) keys a file holds and split a merged
file into one part per key (a folder's own files: geo.store.folder.crime_files), so that
importing a month that is already there replaces it instead of counting it twice.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from geo.counting.file_tally import type_months
from geo.errors import HotspotDataError
from geo.io.crimes import CrimeColumns, CrimeSource, crime_columns, read_crime_data
from geo.store.layout import CRIME_FOLDER

_POLICE_UK_NAME = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))-(.+)-street\.csv$", re.IGNORECASE)
_KEY_COLUMNS = ["Month", "Reported by"]


@dataclass(frozen=True)
class CrimePart:
    """The rows of one month of one force, ready to be written."""

    month: str
    force: str
    slug: str
    data: bytes
    source: str
    rows: int
    asb: int
    no_location: int
    located_asb: int = 0
    """ASB rows with a position."""
    types: tuple[tuple[str, int, int], ...] = ()
    """(crime type, rows, exact duplicate rows) of each crime type the part holds, counted as
    every figure counts them (geo.counting.file_tally.type_months): a store keeps these, not a
    rule of its own."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.month, self.force)

    @property
    def canonical(self) -> str:
        return f"{CRIME_FOLDER}/{self.month}/{self.month}-{self.slug}-street.csv"


def crime_parts(data: bytes, label: str, name: str = "") -> list[CrimePart]:
    """One street file's rows as parts, one per month and force ("Reported by")."""
    table = read_crime_data(data, CrimeSource(Path(label)))
    if table.num_rows == 0:
        raise HotspotDataError("holds no rows, only the header", path=label)
    keys = key_columns(data, label)
    names: dict[str, int] = {}
    columns = crime_columns(table, names)
    frame = pd.DataFrame(
        {
            "month": keys.column("Month").to_numpy(zero_copy_only=False),
            "force": [f.strip() for f in keys.column("Reported by").to_pylist()],
        }
    )
    groups = frame.groupby(["month", "force"], sort=True).indices
    kinds = list(names)
    if len(groups) == 1:
        (month, force), rows = next(iter(groups.items()))
        return [_part(month, force, data, label, name, columns, kinds, rows)]
    split = split_checked(data, label, {key: len(rows) for key, rows in groups.items()})
    return [
        _part(m, f, split[(m, f)], label, "", columns, kinds, rows)
        for (m, f), rows in groups.items()
    ]


def _part(
    month: str,
    force: str,
    data: bytes,
    label: str,
    name: str,
    columns: CrimeColumns,
    names: list[str],
    rows: np.ndarray,
) -> CrimePart:
    """The part of the rows at `rows`, with their counts: all, ASB, without a position, located
    ASB, and rows and duplicates by crime type."""
    asb = columns.asb[rows]
    unplaced = np.isnan(columns.lon[rows]) | np.isnan(columns.lat[rows])
    kinds = type_months(
        columns.month[rows], columns.type_code[rows], names, columns.duplicate[rows]
    )
    return CrimePart(
        month=month,
        force=force,
        slug=slug_for(month, force, name),
        data=data,
        source=label,
        rows=len(rows),
        asb=int(asb.sum()),
        no_location=int(unplaced.sum()),
        located_asb=int((asb & ~unplaced).sum()),
        types=tuple(
            (str(kind), int(n), int(d))
            for kind, n, d in zip(kinds.crime_type, kinds.rows, kinds.duplicates, strict=True)
        ),
    )


def key_columns(data: bytes, label: str) -> pa.Table:
    """The Month and Reported by of every row (the parse already succeeded for other columns)."""
    options = pacsv.ConvertOptions(
        include_columns=_KEY_COLUMNS,
        column_types={c: pa.string() for c in _KEY_COLUMNS},
        strings_can_be_null=False,
    )
    try:
        return pacsv.read_csv(io.BytesIO(data), convert_options=options)
    except pa.ArrowException as exc:
        raise HotspotDataError(f"cannot be read as CSV ({exc})", path=label) from exc


def _split_rows(data: bytes, label: str) -> dict[tuple[str, str], bytes]:
    """The file's rows grouped by (Month, Reported by), each group with the file's header."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    month_at, force_at = header.index("Month"), header.index("Reported by")
    groups: dict[tuple[str, str], list[list[str]]] = {}
    for row in reader:
        if not row:
            continue
        groups.setdefault((row[month_at], row[force_at].strip()), []).append(row)
    out = {}
    for key, rows in groups.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        out[key] = buffer.getvalue().encode("utf-8")
    return out


def slug_for(month: str, force: str, name: str) -> str:
    """police.uk's own force name from the file name when it matches, else one from the force."""
    match = _POLICE_UK_NAME.match(name)
    if match and match.group(1) == month and re.fullmatch(r"[a-z0-9-]+", match.group(2)):
        return match.group(2)
    return slugify_force(force)


def slugify_force(force: str) -> str:
    """'Derbyshire Constabulary' → 'derbyshire', as police.uk names its files."""
    words = re.findall(r"[a-z0-9]+", force.lower())
    kept = [w for w in words if w not in ("constabulary", "police", "service", "of", "the")]
    return "-".join(kept or words)[:60] or "unknown-force"


def same_rows(a: bytes, b: bytes) -> bool:
    def rows(data: bytes) -> list[str]:
        return sorted(data.decode("utf-8-sig").replace("\r\n", "\n").strip().split("\n")[1:])

    return rows(a) == rows(b)


def split_checked(data: bytes, label: str, expected: dict[tuple[str, str], int]) -> dict:
    """The rows of `expected` months and forces split out of a file, each checked by reading."""
    try:
        split = _split_rows(data, label)
        out = {key: split[key] for key in expected}
        ok = all(
            read_crime_data(out[key], CrimeSource(Path(label))).num_rows == rows
            for key, rows in expected.items()
        )
    except (KeyError, ValueError, csv.Error, UnicodeDecodeError):
        ok = False
    if not ok:
        raise HotspotDataError(
            "holds several months or forces and cannot be split reliably (quoted line "
            "breaks?); give one file per month and force",
            path=label,
        )
    return out
