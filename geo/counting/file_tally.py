"""What one crime file adds to the counts without any hotspot: its rows by month, and its rows
and exact duplicates by month and crime type.

Worked out with numpy alone (no pandas), so a command can count each file in the thread that read
it, while its main thread is still loading pandas and the hotspots; the main thread then counts
only the rows near hotspots (geo.counting.aggregate.CrimeTally).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from geo.io.crimes import CrimeColumns, CrimeSource, ReadBuffer, crime_columns, read_crime_file

BLOCK = 1 << 16
"""Rows per block in the passes over every row: temporaries stay small and are reused."""


@dataclass(frozen=True)
class TypeMonths:
    """Rows and exact duplicate rows per month and crime type (only those that have rows), in
    month then type order: month ordinals, the types' names, rows, duplicates."""

    month: np.ndarray
    crime_type: np.ndarray
    rows: np.ndarray
    duplicates: np.ndarray


@dataclass(frozen=True)
class FileTally:
    """One crime file read and counted: its rows (crime types numbered in this file's own
    `names`), its rows by month (see month_tally) and by month and crime type."""

    columns: CrimeColumns
    names: list[str]
    by_month: tuple[int, np.ndarray]
    type_months: TypeMonths


def tally_crime_file(
    source: CrimeSource, buffer: ReadBuffer | None = None, use_threads: bool = True
) -> FileTally:
    """Read and check one street file (geo.io.crimes.read_crime_file) and count what needs no
    hotspot; a geo.io.crimes.FileReader, so files are counted in the threads that read them."""
    return tally_table(read_crime_file(source, buffer, use_threads))


def tally_table(table: pa.Table) -> FileTally:
    """`tally_crime_file` of a table read_crime_file gave."""
    names: dict[str, int] = {}
    rows = crime_columns(table, names)
    by_month = month_tally(rows.month, rows.asb, rows.lon, rows.lat)
    kinds = type_months(rows.month, rows.type_code, list(names), rows.duplicate)
    return FileTally(rows, list(names), by_month, kinds)


def month_tally(
    month: np.ndarray, asb: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> tuple[int, np.ndarray]:
    """Rows by month from the first month on (rows × 4: all, ASB, no location, both), with that
    first month; one counting pass."""
    if len(month) == 0:
        return 0, np.zeros((0, 4), dtype=np.int64)
    first, last = int(month.min()), int(month.max())
    tally = np.zeros(4 * (last - first + 1), dtype=np.int64)
    for start in range(0, len(month), BLOCK):
        end = start + BLOCK
        slot = (month[start:end].astype(np.int64) - first) * 4 + asb[start:end]
        slot += 2 * (np.isnan(lon[start:end]) | np.isnan(lat[start:end]))
        tally += np.bincount(slot, minlength=len(tally))
    return first, tally.reshape(-1, 4)


def type_months(
    month: np.ndarray, type_code: np.ndarray, names: list[str], duplicate: np.ndarray
) -> TypeMonths:
    """Rows and duplicates per month and crime type of rows whose types are numbers in `names`
    (-1: none, in no group)."""
    names_array = np.array(names, dtype=object)
    kinds = max(len(names), 1)
    first = int(month.min()) if len(month) else 0
    span = int(month.max()) - first + 1 if len(month) else 0
    slot = (month.astype(np.int64) - first) * kinds + type_code
    typed = type_code >= 0  # a row without a type is in no group
    if not typed.all():
        slot, duplicate = slot[typed], duplicate[typed]
    rows = np.bincount(slot, minlength=span * len(names))
    duplicates = np.bincount(slot[duplicate], minlength=len(rows))
    filled = np.flatnonzero(rows)
    return TypeMonths(
        (filled // kinds + first).astype(month.dtype),
        names_array[filled % kinds],
        rows[filled].astype(np.int64),
        duplicates[filled].astype(np.int64),
    )
