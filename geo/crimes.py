"""Read police.uk street-level crime files: single CSVs, folders of them, or the police.uk zip.

Only the four columns the figures need are parsed (pyarrow, columnar), so a year of a force's data
reads in well under a second. Rows without coordinates are kept, flagged and counted, never guessed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo.errors import HotspotDataError

POLICE_UK_HEADER = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
]  # fmt: skip
ASB = "Anti-social behaviour"
STREET_FILE = re.compile(r"-street\.csv$", re.IGNORECASE)
_NEEDED = ["Month", "Longitude", "Latitude", "Crime type"]
_MONTH_VALUE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class CrimeSource:
    """One street-level CSV: a file on disk or an entry of a zip archive."""

    path: Path
    member: str | None = None

    @property
    def label(self) -> str:
        """How the file is named in messages."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    def read_bytes(self) -> bytes:
        """The file's raw bytes."""
        if self.member is None:
            return self.path.read_bytes()
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(self.member)


def find_crime_files(paths: Iterable[str | Path]) -> list[CrimeSource]:
    """Expand CSVs, folders (searched recursively) and zips into the street files they hold."""
    sources: list[CrimeSource] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            sources.extend(CrimeSource(p) for p in street_files_in(path))
        elif path.is_file() and path.suffix.lower() == ".zip":
            sources.extend(_zip_members(path))
        elif path.is_file():
            sources.append(CrimeSource(path))
        else:
            raise HotspotDataError("file or folder not found", path=path)
    return sources


def street_files_in(folder: Path) -> list[Path]:
    """Every `*-street.csv` below `folder`, following linked folders, in name order."""
    found = [
        Path(root) / name
        for root, _dirs, names in os.walk(folder, followlinks=True)
        for name in names
        if STREET_FILE.search(name)
    ]
    return sorted(found)


def _zip_members(path: Path) -> Iterator[CrimeSource]:
    """The street files inside a police.uk archive (outcomes and stop-and-search are not used)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if STREET_FILE.search(n))
    except zipfile.BadZipFile as exc:
        raise HotspotDataError("is not a readable zip file", path=path) from exc
    if not names:
        raise HotspotDataError("the zip holds no police.uk *-street.csv files", path=path)
    for name in names:
        yield CrimeSource(path, name)


def read_crimes(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Every row of every street file under `paths`: month, lon, lat, crime_type, asb."""
    sources = find_crime_files(paths)
    tables = [read_crime_file(source) for source in sources]
    if not tables:
        return _empty_frame()
    return _to_frame(pa.concat_tables(tables, promote_options="permissive"))


def read_crime_file(source: CrimeSource) -> pa.Table:
    """Read and check one street file; return month (int32 ordinal), lon, lat, crime_type."""
    data = source.read_bytes()
    _check_header(data, source)
    table = _parse(data, source)
    month = _month_ordinals(table.column("Month"), source)
    return pa.table(
        {
            "month": month,
            "lon": table.column("Longitude"),
            "lat": table.column("Latitude"),
            "crime_type": table.column("Crime type").cast(pa.string()).dictionary_encode(),
        }
    )


def _check_header(data: bytes, source: CrimeSource) -> None:
    """The police.uk columns must come first, in order; extra trailing columns are tolerated."""
    if not data.strip():
        raise HotspotDataError("the file is empty", path=source.label)
    if b"\x00" in data[:4096]:
        raise HotspotDataError("is not a text CSV file (it holds binary data)", path=source.label)
    first_line = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    header = next(csv.reader([first_line.rstrip("\r")]))
    for index, expected in enumerate(POLICE_UK_HEADER):
        found = header[index].strip() if index < len(header) else None
        if found != expected:
            what = f"'{found}'" if found is not None else "missing"
            raise HotspotDataError(
                f"header column {index + 1} is {what} where police.uk has '{expected}'; "
                "is this a police.uk street-level file?",
                path=source.label,
                row=1,
                column=expected,
            )


def _parse(data: bytes, source: CrimeSource) -> pa.Table:
    """Parse the needed columns; on a bad value, find and name its row and column."""
    options = pacsv.ConvertOptions(
        include_columns=_NEEDED,
        column_types={
            "Month": pa.string(),
            "Longitude": pa.float64(),
            "Latitude": pa.float64(),
            "Crime type": pa.string(),
        },
        strings_can_be_null=False,
    )
    try:
        return pacsv.read_csv(io.BytesIO(data), convert_options=options)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        _locate_bad_value(data, source)
        raise HotspotDataError(f"cannot be read as CSV ({exc})", path=source.label) from exc


def _locate_bad_value(data: bytes, source: CrimeSource) -> None:
    """Slow path after a failed fast parse: raise naming the first bad row and column."""
    text = data.decode("utf-8-sig", errors="strict") if _is_utf8(data) else None
    if text is None:
        raise HotspotDataError(
            "is not UTF-8 text (police.uk files are UTF-8); re-save it as UTF-8 CSV",
            path=source.label,
        )
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    positions = {name: header.index(name) for name in ("Longitude", "Latitude")}
    for row_number, row in enumerate(reader, start=2):
        if len(row) < len(POLICE_UK_HEADER):
            raise HotspotDataError(
                f"has {len(row)} columns where police.uk has {len(POLICE_UK_HEADER)} "
                "(is the file cut short?)",
                path=source.label,
                row=row_number,
            )
        for name, position in positions.items():
            value = row[position].strip()
            if value and not _is_number(value):
                raise HotspotDataError(
                    f"'{value}' is not a coordinate", path=source.label, row=row_number, column=name
                )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _month_ordinals(column: pa.ChunkedArray, source: CrimeSource) -> pa.Array:
    """`YYYY-MM` text to pandas monthly Period ordinals; an unreadable month names its row."""
    valid = pc.match_substring_regex(column, _MONTH_VALUE.pattern)
    if not pc.all(valid).as_py():
        row = int(pc.index(valid, False).as_py())
        raise HotspotDataError(
            f"'{column[row].as_py()}' is not a month (YYYY-MM)",
            path=source.label,
            row=row + 2,
            column="Month",
        )
    encoded = column.combine_chunks().dictionary_encode()
    months = encoded.dictionary.to_pylist()
    ordinals = np.array([pd.Period(m, freq="M").ordinal for m in months], dtype=np.int32)
    return pa.array(ordinals[encoded.indices.to_numpy(zero_copy_only=False)])


def _to_frame(table: pa.Table) -> pd.DataFrame:
    """The combined table as a pandas frame with a categorical crime type and an ASB flag."""
    frame = pd.DataFrame(
        {
            "month": table.column("month").to_numpy(),
            "lon": table.column("lon").to_numpy(),
            "lat": table.column("lat").to_numpy(),
            "crime_type": table.column("crime_type").to_pandas().astype("category"),
        }
    )
    frame["asb"] = (frame["crime_type"] == ASB).to_numpy()
    return frame


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": np.array([], dtype=np.int32),
            "lon": np.array([], dtype=float),
            "lat": np.array([], dtype=float),
            "crime_type": pd.Categorical([]),
            "asb": np.array([], dtype=bool),
        }
    )
