"""Read police.uk street-level crime files: single CSVs, folders of them, or the police.uk zip.

Only the four columns the figures need are parsed (pyarrow, columnar; month and crime type as
dictionary codes), so a year of a force's data reads in well under a second. Every file is checked
and parsed before any is turned into a frame: that first step needs pyarrow only, not pandas, so a
command can start it in a thread while pandas loads. Rows without coordinates are kept, flagged and
counted, never guessed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from geo.errors import HotspotDataError
from geo.io.arrow_numpy import arrow_of, numpy_of
from geo.io.safezip import open_zip
from geo.io.text_checks import check_csv_text
from geo.schema import ASB, POLICE_UK_HEADER

if TYPE_CHECKING:
    import pandas as pd

STREET_FILE = re.compile(r"-street\.csv$", re.IGNORECASE)
_NEEDED = ["Month", "Longitude", "Latitude", "Crime type"]
_MONTH_VALUE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_CODES = pa.dictionary(pa.int32(), pa.string())
PARSE_WORKERS = 2
"""Files parsed at once: one per core of the 2-core machines the app is measured on."""
_BLOCK_BYTES = 4 << 20
"""Bytes a parse on one core takes at a time: as fast as pyarrow's 1 MB, in a quarter of the
chunks (fewer pieces to join afterwards)."""


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
        """The file's raw bytes; a zip entry is read through safezip, its expansion counted."""
        if self.member is None:
            return self.path.read_bytes()
        archive = open_zip(self.path, read=lambda name: name == self.member)
        return bytes(archive.read(self.member))

    def read_into(self, buffer: ReadBuffer) -> bytes | bytearray:
        """The file's raw bytes, read into `buffer` when it is a file on disk (valid until the
        buffer's next read); a zip entry is read on its own."""
        if self.member is not None:
            return self.read_bytes()
        return buffer.read(self.path)


class ReadBuffer:
    """Memory one thread reads file after file into.

    The system hands out (and zeroes) a file's worth of memory once, not once per file: 0.3 s
    instead of 1.2 s of CPU for 1.5 GB. It is sized by its first file, in place, where growing
    an empty bytearray would write every byte three times (a zeroed temporary, its copy, the
    read); later files of other sizes resize it. Bytes still looked at when the next file comes
    are left to their reader, and the buffer starts afresh.
    """

    def __init__(self) -> None:
        self._memory = bytearray()

    def read(self, path: Path) -> bytearray:
        """The bytes of the file at `path`, as they are when read (it may change meanwhile)."""
        with path.open("rb") as file:
            memory = self._sized(os.fstat(file.fileno()).st_size)
            got = file.readinto(memory)
            del memory[got:]  # the file shrank since it was measured
            memory.extend(file.read())  # or grew
        return memory

    def _sized(self, size: int) -> bytearray:
        """The buffer, exactly `size` bytes long."""
        if self._memory:
            try:
                _resize(self._memory, size)
                return self._memory
            except BufferError:  # something still looks at the last file's bytes
                pass
        self._memory = bytearray(size)
        return self._memory


def _resize(buffer: bytearray, size: int) -> None:
    """Make `buffer` exactly `size` bytes long (its memory is kept when it only shrinks a bit)."""
    if len(buffer) > size:
        del buffer[size:]
    elif len(buffer) < size:
        buffer.extend(bytes(size - len(buffer)))


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
    return [path for path in files_below(folder) if STREET_FILE.search(path.name)]


def files_below(folder: Path, skip_hidden: bool = False) -> list[Path]:
    """Every file below `folder`, in name order, following linked folders once each: a link
    that loops back, or a second link to a folder (or file) already seen, adds nothing, so no
    month is counted twice. A broken link or a folder that cannot be read is refused."""

    def refuse(exc: OSError) -> None:
        raise HotspotDataError(
            f"cannot be read ({exc.strerror or exc}); fix or remove it", path=exc.filename
        )

    seen: set[tuple[int, int]] = set()
    found = []
    for root, dirs, names in os.walk(folder, followlinks=True, onerror=refuse):
        if _first_visit(Path(root), seen, refuse):
            dirs[:] = sorted(d for d in dirs if not (skip_hidden and d.startswith(".")))
        else:
            dirs[:] = []
            continue
        for name in names:
            if _first_visit(Path(root) / name, seen, refuse):
                found.append(Path(root) / name)
    return sorted(found)


def _first_visit(path: Path, seen: set[tuple[int, int]], refuse) -> bool:
    """Whether the file or folder `path` leads to was not met before (by device and inode)."""
    try:
        stat = path.stat()
    except OSError as exc:
        refuse(OSError(exc.errno, "a link to nothing, or unreadable", str(path)))
        return False
    key = (stat.st_dev, stat.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def _zip_members(path: Path) -> Iterator[CrimeSource]:
    """The street files inside a police.uk archive (outcomes and stop-and-search are not used),
    after the archive's table of contents passed the checks of any zip from outside."""
    archive = open_zip(path, read=lambda name: bool(STREET_FILE.search(name)))
    names = sorted(n for n in archive.names if STREET_FILE.search(n))
    if not names:
        raise HotspotDataError("the zip holds no police.uk *-street.csv files", path=path)
    for name in names:
        yield CrimeSource(path, name)


def read_crimes(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Every row of every street file under `paths`: month, lon, lat, crime_type, asb and
    duplicate (an exact copy of an earlier row of its file)."""
    tables, problem = read_files(find_crime_files(paths), read_crime_file)
    if problem is not None:
        raise problem
    return crimes_frame(tables)


T = TypeVar("T")
FileReader = Callable[[CrimeSource, ReadBuffer | None, bool], T]
"""Reads one street file (into a checked table, as read_crime_file does): the source, the buffer
the thread keeps for its files (None: a lone file, read into fresh memory), and whether the parse
may use every core."""


class FileReads(Generic[T]):
    """Files being read with `read` in threads from the moment this is made, given back in
    order; pyarrow and numpy only (no pandas), so a command reads while its modules load.

    With several files, `PARSE_WORKERS` threads take a file each (each parse on one core); one
    file is parsed on every core. Iterating raises the first bad file's problem in its place.
    Leaving the `with` block drops the files not yet started.
    """

    def __init__(self, sources: list[CrimeSource], read: FileReader[T]) -> None:
        lone = len(sources) == 1
        buffers = threading.local()

        def read_one(source: CrimeSource) -> T:
            buffer = None if lone else buffers.__dict__.setdefault("buffer", ReadBuffer())
            return read(source, buffer, lone)

        self._pool = ThreadPoolExecutor(max_workers=1 if lone else PARSE_WORKERS)
        self._futures = [self._pool.submit(read_one, source) for source in sources]

    def __iter__(self) -> Iterator[T]:
        for future in self._futures:
            yield future.result()

    def __enter__(self) -> FileReads[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def read_files(
    sources: list[CrimeSource], read: FileReader[T]
) -> tuple[list[T], HotspotDataError | None]:
    """Read files (see FileReads) in order up to the first bad one: what `read` gave for each,
    and the problem of the first bad file, if any."""
    done: list[T] = []
    with FileReads(sources, read) as reads:
        try:
            done.extend(reads)
        except HotspotDataError as exc:
            return done, exc
    return done, None


@dataclass(frozen=True)
class CrimeColumns:
    """Rows of crime (see read_crime_file) as numpy arrays: month ordinal, lon, lat, crime type
    (its number in a list of names shared by the files; -1 for none), asb, duplicate."""

    month: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    type_code: np.ndarray
    asb: np.ndarray
    duplicate: np.ndarray


def crime_columns(table: pa.Table, names: dict[str, int]) -> CrimeColumns:
    """One file's table as arrays; its crime types are numbered in `names` (new ones added), so
    the files' separate dictionaries become one set of codes."""
    codes = _type_codes(table.column("crime_type"), names)
    return CrimeColumns(
        month=numpy_of(table.column("month")),
        lon=numpy_of(table.column("lon")),
        lat=numpy_of(table.column("lat")),
        type_code=codes,
        asb=codes == names.get(ASB, -1),
        duplicate=numpy_of(table.column("duplicate")),
    )


def crimes_frame(tables: list[pa.Table]) -> pd.DataFrame:
    """Per-file tables (see read_crime_file) as one frame: month, lon, lat, crime_type (its
    categories in order of first appearance), asb, duplicate.

    Each column is joined once, from the tables' own buffers (10M rows: 0.2 s, where Arrow's
    concatenation and conversion through pandas took 0.6 s)."""
    import pandas as pd  # here, not at the top: files are parsed while pandas loads

    if not tables:
        return _empty_frame()
    names: dict[str, int] = {}
    parts = [crime_columns(table, names) for table in tables]
    joined = {
        field: np.concatenate([getattr(part, field) for part in parts])
        for field in ("month", "lon", "lat", "type_code", "asb", "duplicate")
    }
    return pd.DataFrame(
        {
            "month": joined["month"],
            "lon": joined["lon"],
            "lat": joined["lat"],
            "crime_type": pd.Categorical.from_codes(
                joined["type_code"], categories=pd.Index(list(names), dtype=object)
            ),
            "asb": joined["asb"],
            "duplicate": joined["duplicate"],
        },
        copy=False,  # the arrays are fresh: no second copy into one float block
    )


def _type_codes(column: pa.ChunkedArray, names: dict[str, int]) -> np.ndarray:
    """Each row's crime type as its number in `names` (new types added); -1 for none."""
    if not pa.types.is_dictionary(column.type):  # e.g. a cache file written otherwise
        column = column.dictionary_encode()
    parts = [np.array([], dtype=np.int32)]
    for chunk in column.chunks:
        ours = [
            -1 if n is None else names.setdefault(n, len(names))
            for n in chunk.dictionary.to_pylist()
        ]
        indices = chunk.indices
        if indices.null_count:
            ours.append(-1)
            indices = indices.fill_null(len(ours) - 1)
        parts.append(np.array(ours, dtype=np.int32)[numpy_of(indices)])
    return np.concatenate(parts)


def read_crime_file(
    source: CrimeSource, buffer: ReadBuffer | None = None, use_threads: bool = True
) -> pa.Table:
    """Read and check one street file: month (int32 ordinal), lon, lat, crime_type, duplicate
    (read into `buffer` when given; parsed on one core with `use_threads=False`)."""
    data = source.read_bytes() if buffer is None else source.read_into(buffer)
    return read_crime_data(data, source, use_threads)


def read_crime_data(data: bytes, source: CrimeSource, use_threads: bool = True) -> pa.Table:
    """`read_crime_file` on bytes already read (an upload, or a zip entry read under a size cap)."""
    return _finish(_parse_checked(data, source, use_threads), source)


def _parse_checked(data: bytes, source: CrimeSource, use_threads: bool = True) -> pa.Table:
    """Check the text and the header, then parse the needed columns and mark duplicate rows."""
    _check_encoding(data, source)
    _check_header(data, source)
    table = _parse(data, source, use_threads)
    return table.append_column("duplicate", arrow_of(duplicate_rows(data, table.num_rows)))


def duplicate_rows(data: bytes | bytearray, rows: int) -> np.ndarray:
    """Per data row: True when the row is an exact copy of an earlier row of the same file.

    Worked out on the raw lines (every column, not only those the figures read), so a file
    published with rows repeated can be told from one with many similar reports. Only lines that
    share their length and some sampled bytes with another line can be copies; those few are
    compared in full as one Arrow array over the file's own bytes (no copy). Quoted line breaks
    fall back to the csv module.
    """
    starts, ends, keys = _lines(data)
    is_row = ends - starts - _ends_in_return(data, starts, ends) > 0  # blank lines are not rows
    is_row[:1] = False  # the header
    if int(is_row.sum()) != rows:
        return _csv_duplicates(data, rows)
    starts, lengths, keys = starts[is_row], (ends - starts)[is_row], keys[is_row]
    duplicate = np.zeros(rows, dtype=bool)
    odd = (lengths <= _INLINE) | (lengths >= _VIEW_SPAN)
    maybe = np.flatnonzero(~odd)
    maybe = maybe[_shared(keys[maybe])]
    duplicate[maybe] = _repeats(_line_view(data, starts[maybe], lengths[maybe]))
    for row in _odd_repeats(data, np.flatnonzero(odd), starts, lengths):
        duplicate[row] = True
    return duplicate


_SCAN = 1 << 20
"""Bytes looked at together: line ends are found and lines sampled while they are in cache."""
_INLINE = 12
"""Arrow keeps values this short inside the view itself; such lines are compared in Python."""
_VIEW_SPAN = 1 << 30
"""Arrow views address their bytes with 32-bit offsets: the file is seen through windows of
2 × this many bytes starting every this many bytes, so a line shorter than this fits one."""
_SAMPLES = 6
"""8-byte words sampled from each line (first, last, evenly between) for its key."""
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BITMAP_BITS = 22
"""Top bits of the keys marked in the bitmap of repeated keys (4 MB, in cache)."""


def _lines(data: bytes | bytearray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end (before the line feed) and key of every line: equal lines have equal keys,
    and lines with equal keys share their length and sampled bytes. A last line without a line
    feed counts; nothing after the last line feed does."""
    raw = np.frombuffer(data, dtype=np.uint8)
    words = np.ndarray((max(len(raw) - 7, 0),), dtype="<u8", buffer=data, strides=(1,))
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    start = 0
    for at in range(0, len(raw), _SCAN):
        ends = np.flatnonzero(raw[at : at + _SCAN] == ord("\n")) + at
        if at + _SCAN >= len(raw) and raw[-1] != ord("\n"):
            ends = np.append(ends, len(raw))
        if len(ends):
            starts = np.concatenate(([start], ends[:-1] + 1))
            start = int(ends[-1]) + 1
            parts.append((starts, ends, _line_keys(words, starts, ends - starts)))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint64)
    starts, ends, keys = (np.concatenate(column) for column in zip(*parts))
    return starts.astype(np.int64, copy=False), ends.astype(np.int64, copy=False), keys


def _line_keys(words: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """A 64-bit key per line from its length and `_SAMPLES` 8-byte words inside it (lines
    shorter than 8 bytes: from the length alone)."""
    key = lengths.astype(np.uint64) * _MIX
    if len(words) == 0:  # a file of under 8 bytes
        return key
    long = lengths >= 8
    first = np.where(long, starts, 0)
    span = np.where(long, lengths - 8, 0)
    picked = words[first[:, None] + span[:, None] * np.arange(_SAMPLES) // (_SAMPLES - 1)]
    picked[~long] = 0
    for column in picked.T:
        key ^= column
        key *= _MIX
        key ^= key >> np.uint64(29)
    return key


def _ends_in_return(data: bytes | bytearray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """1 where a line ends in a carriage return (a CRLF file), else 0."""
    if data.find(b"\r") < 0:  # most files have none: one quick scan instead of a look per line
        return np.zeros(len(starts), dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.uint8)
    return ((ends > starts) & (raw[np.maximum(ends - 1, 0)] == ord("\r"))).astype(np.int64)


def _shared(keys: np.ndarray) -> np.ndarray:
    """Lines whose key may occur more than once (all that do, and a few that do not): only
    they can be exact copies. Sorted keys show the repeated ones; a bitmap of their top bits
    then picks the lines, cheaper than a hash table of every key."""
    ordered = np.sort(keys)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    bitmap = np.zeros(1 << _BITMAP_BITS, dtype=bool)
    bitmap[repeated >> np.uint64(64 - _BITMAP_BITS)] = True
    return bitmap[keys >> np.uint64(64 - _BITMAP_BITS)]


def _line_view(data: bytes | bytearray, starts: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """The lines as an Arrow binary view array over `data` itself (each 13 bytes to 1 GB)."""
    views = np.empty((len(starts), 4), dtype=np.int32)
    views[:, 0] = lengths
    prefix = np.ndarray((max(len(data) - 3, 0),), dtype="<i4", buffer=data, strides=(1,))
    views[:, 1] = prefix[starts] if len(starts) else 0
    views[:, 2] = starts // _VIEW_SPAN
    views[:, 3] = starts % _VIEW_SPAN
    whole = pa.py_buffer(data)
    windows = [
        whole.slice(at, min(2 * _VIEW_SPAN, len(data) - at))
        for at in range(0, max(len(data), 1), _VIEW_SPAN)
    ]
    return pa.Array.from_buffers(
        pa.binary_view(), len(starts), [None, pa.py_buffer(views), *windows]
    )


def _repeats(lines: pa.Array) -> np.ndarray:
    """Per line: True when an equal line came before it (codes count up in order of first
    appearance, so a line is new exactly when its code passes every earlier one)."""
    codes = numpy_of(lines.dictionary_encode().indices).astype(np.int64)
    if len(codes) == 0:
        return np.zeros(0, dtype=bool)
    seen = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    return codes <= seen


def _odd_repeats(
    data: bytes | bytearray, rows: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> Iterator[int]:
    """Rows among `rows` (very short or very long lines) equal to an earlier one of them."""
    seen: set[bytes] = set()
    for row in rows.tolist():
        line = bytes(data[starts[row] : starts[row] + lengths[row]])
        if line in seen:
            yield row
        seen.add(line)


def _csv_duplicates(data: bytes | bytearray, rows: int) -> np.ndarray:
    """`duplicate_rows` for files whose rows are not one line each (quoted line breaks): rows
    read by the csv module; no duplicates marked if even that does not give `rows` rows."""
    codes = _csv_row_codes(bytes(data))
    duplicate = np.zeros(rows, dtype=bool)
    if len(codes) == rows:
        duplicate[:] = True
        duplicate[np.unique(codes, return_index=True)[1]] = False
    return duplicate


def _csv_row_codes(data: bytes) -> np.ndarray:
    """A number per CSV data row, equal for equal rows (rows read by the csv module)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace")))
    next(reader, None)
    rows = ["\x1f".join(row) for row in reader if row]
    return np.unique(np.array(rows, dtype=object), return_inverse=True)[1] if rows else np.array([])


def _finish(table: pa.Table, source: CrimeSource) -> pa.Table:
    """Check coordinates; months as ordinals: month, lon, lat, crime_type, duplicate."""
    _check_coordinates(table, source)
    month = _month_ordinals(table.column("Month"), source)
    return pa.table(
        {
            "month": month,
            "lon": table.column("Longitude"),
            "lat": table.column("Latitude"),
            "crime_type": table.column("Crime type"),
            "duplicate": table.column("duplicate"),
        }
    )


def _check_encoding(data: bytes, source: CrimeSource) -> None:
    """UTF-8 text (a byte-order mark is fine); other encodings are refused, naming the row."""
    check_csv_text(data, source.label, hint="police.uk files are UTF-8: ")


def _check_header(data: bytes, source: CrimeSource) -> None:
    """The police.uk columns must come first, in order; extra trailing columns are tolerated."""
    end = data.find(b"\n")
    first_line = (data if end < 0 else data[:end]).decode("utf-8-sig", errors="replace")
    try:
        header = next(csv.reader([first_line.rstrip("\r")]), [])
    except csv.Error as exc:
        raise HotspotDataError(
            f"the header cannot be read ({exc})", path=source.label, row=1
        ) from exc
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


def _parse(data: bytes, source: CrimeSource, use_threads: bool = True) -> pa.Table:
    """Parse the needed columns (on every core, or `use_threads=False`: on this thread only); on
    a bad value, find and name its row and column."""
    options = pacsv.ConvertOptions(
        include_columns=_NEEDED,
        column_types={
            "Month": _CODES,
            "Longitude": pa.float64(),
            "Latitude": pa.float64(),
            "Crime type": _CODES,
        },
        strings_can_be_null=False,
    )
    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(
                use_threads=use_threads, block_size=_BLOCK_BYTES if not use_threads else None
            ),
            convert_options=options,
        )
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        try:
            _locate_bad_value(data, source)
        except HotspotDataError:
            raise
        except (csv.Error, ValueError, StopIteration):
            pass  # the slow path cannot place the problem either: say what the parser said
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HotspotDataError(f"cannot be read as CSV ({detail})", path=source.label) from exc


def _check_coordinates(table: pa.Table, source: CrimeSource) -> None:
    """Longitude and latitude, where given, must be degrees (police.uk's WGS84)."""
    for name, limit in (("Longitude", 180.0), ("Latitude", 90.0)):
        values = numpy_of(table.column(name))
        bad = ~np.isnan(values) & ~(np.abs(values) <= limit)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise HotspotDataError(
                f"{values[row]} is outside the {name.lower()} range (±{limit:.0f} degrees)",
                path=source.label,
                row=row + 2,
                column=name,
            )


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
    """`YYYY-MM` codes to pandas monthly Period ordinals; an unreadable month names its row."""
    parts = [np.array([], dtype=np.int32)]
    offset = 0
    for chunk in column.chunks:
        months = chunk.dictionary.to_pylist()
        codes = numpy_of(chunk.indices)
        bad = [code for code, month in enumerate(months) if not _MONTH_VALUE.fullmatch(month)]
        if bad:
            first = int(np.flatnonzero(np.isin(codes, bad))[0])
            raise HotspotDataError(
                f"'{months[codes[first]]}' is not a month (YYYY-MM)",
                path=source.label,
                row=offset + first + 2,
                column="Month",
            )
        ordinals = np.array([_month_ordinal(m) for m in months], dtype=np.int32)
        parts.append(ordinals[codes])
        offset += len(codes)
    return arrow_of(np.concatenate(parts))


def _month_ordinal(month: str) -> int:
    """`YYYY-MM` as a pandas monthly Period ordinal: months since 1970-01."""
    return (int(month[:4]) - 1970) * 12 + int(month[5:7]) - 1


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "month": np.array([], dtype=np.int32),
            "lon": np.array([], dtype=float),
            "lat": np.array([], dtype=float),
            "crime_type": pd.Categorical([]),
            "asb": np.array([], dtype=bool),
            "duplicate": np.array([], dtype=bool),
        }
    )
