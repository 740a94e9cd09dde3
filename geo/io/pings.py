"""Read GPS ping files: `officer_id,timestamp,longitude,latitude[,accuracy_m,unit,role]`.

A force's radios and body-worn devices report where each officer is every few seconds to minutes:
tens of millions of rows a month. Files are read one at a time, in pieces of about 64 MB parsed
by pyarrow, so memory stays bounded whatever the number and size of the files; each piece is
checked and handed on as numbers (officer code, UTC seconds, longitude, latitude, accuracy, role
code).

- `timestamp`: ISO 8601 with an offset (`2025-10-26T01:30:00+01:00`, `…Z`), or local time in
  Europe/London without one. A local time in the hour repeated when clocks go back is read as its
  first occurrence (British Summer Time) and counted, so it can be reported; a local time that
  does not exist (the hour skipped when clocks go forward) is refused.
- `role`: police, PCSO, warden or plain clothes (any case); empty when not known.
- `accuracy_m`: the device's estimate of its error in metres; empty when not known.
- A row with neither longitude nor latitude (no fix) is skipped and counted.
- A time before EARLIEST_PING, or more than CLOCK_SKEW after this computer's clock, is refused
  (a device's clock reset or wrong; stored, it would make a month of its own).

A refusal names the file, row and column, never a value of the row: an officer id may be among
them (in its column, or in another when columns are swapped).

Officer ids can be replaced by a keyed hash (`pseudonymise`): the same id and key always give the
same pseudonym, so visits still join up across files, but the id cannot be recovered without the
key.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo.errors import HotspotDataError
from geo.io.text_checks import check_csv_text
from geo.schema import LOCAL_TZ, ROLES
from geo.words import count_text, plural

PING_COLUMNS = ["officer_id", "timestamp", "longitude", "latitude"]
OPTIONAL_COLUMNS = ["accuracy_m", "unit", "role"]
NO_ROLE = 0
PSEUDONYM_CHARS = 16
"""Hex characters kept of the keyed hash (64 bits: no collisions among a force's officers)."""
BLOCK_BYTES = 64 * 1024**2
"""Files larger than this are parsed in blocks of about this size (bounded memory)."""
MAX_TEXT = 200
"""Longest officer id, unit or role accepted (characters)."""
READ_AHEAD = 3
"""Checked blocks a `PingFilesReader` may hold before its user takes them (bounded memory)."""
CLOCK_SKEW = timedelta(days=1)
"""How far past this computer's clock a ping's time may be (a device's clock or zone slips); a
time later than that is a wrong clock or a wrong date, and is refused."""
EARLIEST_PING = "2000-01-01"
"""The earliest date a ping may have (UTC): earlier ones are a device's clock reset to its
epoch, not patrols, and are refused."""

_OFFSET = r"(?:[Zz]|[+-]\d\d(?::?\d\d)?)$"
_EARLIEST_SECONDS = int(datetime.fromisoformat(EARLIEST_PING).replace(tzinfo=UTC).timestamp())
_CODES = pa.dictionary(pa.int32(), pa.string())
_SPACE = frozenset(b" \t\n\r\x0b\x0c")
_ROLE_CODES = {role.lower(): code for code, role in enumerate(ROLES, start=1)}


@dataclass
class Officers:
    """Officer ids seen so far, each given a small integer code (consistent across files)."""

    codes: dict[str, int] = field(default_factory=dict)

    def encode(self, ids: pa.DictionaryArray) -> np.ndarray:
        """Codes for a dictionary-encoded column of ids."""
        lookup = np.array(
            [self.codes.setdefault(value, len(self.codes)) for value in ids.dictionary.to_pylist()]
            or [0],
            dtype=np.int32,
        )
        return lookup[ids.indices.to_numpy(zero_copy_only=False)]


@dataclass(frozen=True)
class PingBlock:
    """Checked pings of one block of one file, as arrays of equal length.

    `seconds` are UTC seconds since 1970 (real elapsed time, whatever the clocks said);
    `accuracy` is NaN where not given; `role` holds codes (see ROLES).
    """

    officer: np.ndarray
    seconds: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    accuracy: np.ndarray
    role: np.ndarray
    no_fix: int = 0
    ambiguous: int = 0
    rows_read: int = 0

    def __len__(self) -> int:
        return len(self.seconds)


@dataclass
class PingStats:
    """What reading found, beyond the pings themselves: counted, to be reported."""

    rows: int = 0
    no_fix: int = 0
    ambiguous: int = 0
    files: int = 0

    def merge(self, other: PingStats) -> None:
        """Add another reading's counts (another file) to these."""
        self.rows += other.rows
        self.no_fix += other.no_fix
        self.ambiguous += other.ambiguous
        self.files += other.files

    def add(self, block: PingBlock) -> None:
        self.rows += len(block) + block.no_fix
        self.no_fix += block.no_fix
        self.ambiguous += block.ambiguous

    def notes(self) -> list[str]:
        """Plain sentences for what was counted rather than used."""
        notes = []
        if self.no_fix:
            notes.append(
                f"{count_text(self.no_fix, 'ping')} had no position (no GPS fix) and "
                f"{plural(self.no_fix, 'was', 'were')} skipped"
            )
        if self.ambiguous:
            notes.append(
                f"{count_text(self.ambiguous, 'ping')} had a local time in the hour repeated "
                "when the clocks went back, without an offset; "
                f"{plural(self.ambiguous, 'it was', 'they were')} read as the first occurrence "
                "(BST)"
            )
        return notes


def ping_files_in(paths: Iterable[str | Path]) -> list[Path]:
    """CSV files given directly, or found below folders (in name order)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    Path(root) / name
                    for root, dirs, names in os.walk(path, followlinks=True)
                    for name in names
                    if name.lower().endswith(".csv") and not name.startswith(".")
                    if not any(part.startswith(".") for part in Path(root).relative_to(path).parts)
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            raise HotspotDataError("file or folder not found", path=path)
    return found


def read_pings(
    path: str | Path,
    officers: Officers,
    label: str | None = None,
    block_bytes: int = BLOCK_BYTES,
    progress: Callable[[float], None] | None = None,
    buffer: ReadBuffer | None = None,
) -> Iterator[PingBlock]:
    """Checked blocks of one ping file; a bad value raises, naming the file, row and column.

    The file is read in pieces of about `block_bytes`, each parsed by pyarrow on every core while
    the piece before it is checked: memory stays bounded however large the file. `progress` is
    told the share of the file's bytes checked after each piece; `buffer` (one for many files)
    is where the pieces are read.
    """
    path = Path(path)
    name = label or str(path)
    if not path.is_file():
        raise HotspotDataError("file not found", path=name)
    size = max(path.stat().st_size, 1)
    with path.open("rb") as handle:
        head = handle.read(min(block_bytes, 1 << 16))
        _check_text(head, name, partial=True)
        header = _check_header(head, name)
        handle.seek(0)
        handle.readline()
        pieces = _Pieces(handle, header, name, block_bytes, buffer or ReadBuffer())
        with ThreadPoolExecutor(max_workers=1) as pool:  # the next piece parses meanwhile
            upcoming = pool.submit(pieces.next)
            while (piece := upcoming.result()) is not None:
                upcoming = pool.submit(pieces.next)
                offset, batch, end = piece
                yield _check_block(batch, officers, name, offset)
                if progress is not None:
                    progress(min(end / size, 1.0))


class PingFilesReader:
    """Ping files read one after another in a background thread from the moment this is made,
    each block checked there and held (at most `ahead` of them) until taken with `blocks`.

    Reading goes on while its user does other work (imports, the hotspots, the blocks before),
    and runs from one file into the next without a pause. Files are taken in order; a bad value
    raises, as `read_pings` would, when the user reaches it. Close it (or use `with`) to stop.
    """

    def __init__(
        self,
        paths: Iterable[Path],
        labels: dict[Path, str] | None = None,
        ahead: int = READ_AHEAD,
        block_bytes: int = BLOCK_BYTES,
    ) -> None:
        self.paths = list(paths)
        self.officers = [Officers() for _ in self.paths]
        """Each file's own officer codes (as `read_pings` gives them for a new `Officers`)."""
        self._labels = labels or {}
        self._block_bytes = block_bytes
        self._queue: queue.Queue = queue.Queue(maxsize=max(ahead, 1))
        self._stop = threading.Event()
        self._taken = 0
        self._thread = threading.Thread(target=self._read, name="ping reader", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        """Put each file's blocks, then None, on the queue; an error ends the reading."""
        buffer = ReadBuffer()
        try:
            for path, officers in zip(self.paths, self.officers, strict=True):
                label = self._labels.get(path)
                blocks = read_pings(
                    path, officers, label=label, block_bytes=self._block_bytes, buffer=buffer
                )
                try:
                    for block in blocks:
                        if not self._put(block):
                            return
                finally:
                    blocks.close()
                if not self._put(None):
                    return
        except BaseException as exc:  # handed to the user, who raises it where it was reached
            self._put(exc)

    def _put(self, item: PingBlock | BaseException | None) -> bool:
        """Queue an item for the user; False once reading is to stop."""
        if self._stop.is_set():
            return False
        self._queue.put(item)
        return not self._stop.is_set()

    def blocks(self, position: int) -> Iterator[PingBlock]:
        """The checked blocks of file `position` (files are taken in order, each once)."""
        if position != self._taken:
            raise ValueError(f"file {position} asked for while file {self._taken} is next")
        self._taken += 1
        while (item := self._queue.get()) is not None:
            if isinstance(item, BaseException):
                self._stop.set()
                raise item
            yield item

    def close(self) -> None:
        """Stop reading and wait for the reading thread to end."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(timeout=0.01)

    def __enter__(self) -> PingFilesReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass
class ReadBuffer:
    """The memory ping files are read into, piece by piece (one for many files)."""

    data: bytearray = field(default_factory=bytearray)


class _Pieces:
    """A ping file's lines in parsed pieces of about `block_bytes`, cut at line ends (a ping file
    has no line breaks inside values), each with the offset of its first row."""

    def __init__(
        self, handle: BinaryIO, header: list[str], name: str, block_bytes: int, buffer: ReadBuffer
    ) -> None:
        self.handle, self.header, self.name, self.block_bytes = handle, header, name, block_bytes
        self.offset = 0
        self.buffer = buffer

    def _read(self) -> memoryview:
        """The next `block_bytes` of the file and the rest of their last line, read into one
        buffer kept from piece to piece and file to file, never made smaller: its memory is
        touched once, not once a piece. The piece is a view of the buffer's start; the parsed
        batch holds no reference to it, but pyarrow's worker threads may for a moment after
        the parse. Whatever still holds it, Python says so by refusing to resize the buffer,
        and a new one is taken: held bytes are never overwritten."""
        data = self.buffer.data
        try:
            data.append(0)  # any resize is refused while something still holds the buffer
            del data[-1]
        except BufferError:
            data = self.buffer.data = bytearray(len(data))
        if len(data) < self.block_bytes:
            data = self.buffer.data = bytearray(self.block_bytes)
        with memoryview(data) as whole, whole[: self.block_bytes] as view:
            read = self.handle.readinto(view) or 0
        rest = self.handle.readline()  # up to the end of the line: no line is cut in two
        end = read + len(rest)
        if end > len(data):
            data.extend(bytes(end - len(data)))
        data[read:end] = rest
        return memoryview(data)[:end]

    def next(self) -> tuple[int, pa.RecordBatch, int] | None:
        """The next piece (row offset, parsed batch, byte position after it), or None at the end
        of the file."""
        while True:
            data = self._read()
            if not data:
                return None
            if data[0] not in _SPACE or not bytes(data).isspace():
                break
        offset, end = self.offset, self.handle.tell()
        _check_text(data, self.name, first_row=offset + 2)
        batch = _parsed(data, self.header, self.name, offset)
        self.offset += batch.num_rows
        return offset, batch, end


def _parsed(
    data: bytes | bytearray | memoryview, header: list[str], name: str, offset: int
) -> pa.RecordBatch:
    """Lines of the file as one batch: numbers and UTC times parsed by pyarrow where every value
    is clean; otherwise as text, so the checks can name the first bad value."""
    try:
        table = _parse(data, header, name, offset, typed=True)
        if table.column("timestamp").null_count:  # an empty time: named by the text checks
            raise HotspotDataError("a time is missing")
    except HotspotDataError:
        table = _parse(data, header, name, offset, typed=False)
    return (
        table.combine_chunks().to_batches(max_chunksize=None)[0]
        if table.num_rows
        else (pa.RecordBatch.from_pylist([], schema=table.schema))
    )


def _unreadable(exc: Exception, name: str, offset: int, header: list[str]) -> HotspotDataError:
    """pyarrow's parse error as a refusal naming the row and, where there is one, the column.
    pyarrow ends its message with the row's text, a raw officer id among it, so only the row
    and column numbers and the counts of values are taken from it."""
    detail = str(exc)
    found = re.search(r"[Rr]ow #(\d+)", detail)
    row = offset + int(found.group(1)) + 2 if found else None
    position = re.search(r"[Cc]olumn #(\d+)", detail)
    column = (
        header[int(position.group(1))]
        if position and int(position.group(1)) < len(header)
        else None
    )
    width = re.search(r"Expected (\d+) columns, got (\d+)", detail)
    if width is None:
        return HotspotDataError("cannot be read as CSV", path=name, row=row, column=column)
    expected, got = int(width.group(1)), int(width.group(2))
    return HotspotDataError(
        f"cannot be read as CSV: the row has {got} values where the header has {expected} "
        "columns (a value holding a comma must be in quotes, and a quote must be closed)",
        path=name,
        row=row,
        column=header[got] if got < min(expected, len(header)) else None,
    )


def _check_text(
    data: bytes | bytearray | memoryview, name: str, partial: bool = False, first_row: int = 1
) -> None:
    """UTF-8 text (a byte-order mark is fine); UTF-16 and binary data are refused.

    `partial`: the data may end inside a character; `first_row`: the row its first line is.
    A piece past the first row that is ASCII without a NUL byte (the usual one) is passed at
    once, without a copy.
    """
    if first_row > 1 and len(data):
        octets = np.frombuffer(data, dtype=np.uint8)
        if octets.min() > 0 and octets.max() < 0x80:
            return
    check_csv_text(
        bytes(data) if isinstance(data, memoryview) else data,
        name,
        partial=partial,
        first_row=first_row,
    )


def _check_header(head: bytes, name: str) -> list[str]:
    """The header's column names (trimmed, lower case); the four needed ones must be there."""
    end = head.find(b"\n")
    line = (head if end < 0 else head[:end]).decode("utf-8-sig", errors="replace").rstrip("\r")
    try:
        header = [c.strip().lower() for c in next(csv.reader([line]), [])]
    except csv.Error as exc:
        raise HotspotDataError(f"the header cannot be read ({exc})", path=name, row=1) from exc
    missing = [c for c in PING_COLUMNS if c not in header]
    if missing:
        raise HotspotDataError(
            f"lacks the {plural(len(missing), 'column')} {', '.join(missing)}; the header must "
            "have " + ",".join(PING_COLUMNS) + " (and may have " + ",".join(OPTIONAL_COLUMNS) + ")",
            path=name,
            row=1,
            column=missing[0],
        )
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    if repeated:
        raise HotspotDataError(
            f"the column '{repeated[0]}' appears twice", path=name, row=1, column=repeated[0]
        )
    return header


def _parse(
    data: bytes | bytearray | memoryview, header: list[str], name: str, offset: int, typed: bool
) -> pa.Table:
    """Parse lines of the file (no header) into the needed and present optional columns:
    `typed`, numbers and times as such (fast, all or nothing), else every value as text."""
    wanted = PING_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in header]
    number = pa.float64() if typed else pa.string()
    types = {
        "officer_id": _CODES,
        "timestamp": pa.timestamp("ms", tz="UTC") if typed else pa.string(),
        "longitude": number,
        "latitude": number,
        "accuracy_m": number,
        "unit": _CODES,
        "role": _CODES,
    }
    read = pacsv.ReadOptions(column_names=header, block_size=1 << 22, encoding="utf8")
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types={c: types[c] for c in wanted},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    parse = pacsv.ParseOptions(newlines_in_values=False)
    try:
        return pacsv.read_csv(
            pa.BufferReader(data), read_options=read, parse_options=parse, convert_options=convert
        )
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        error = _unreadable(exc, name, offset, header)
        if error.row is None:
            line = _line_of_wrong_width(data, len(header))
            if line is not None:
                error = HotspotDataError(
                    error.problem, path=name, row=offset + line + 2, column=error.column
                )
        raise error from exc


def _line_of_wrong_width(data: bytes | bytearray | memoryview, width: int) -> int | None:
    """The first line (0-based) whose number of fields is not the header's (slow path)."""
    text = bytes(data).decode("utf-8", errors="replace")
    for number, line in enumerate(text.split("\n")):
        if not line.strip("\r"):
            continue
        try:
            fields = next(csv.reader([line.rstrip("\r")]), [])
        except csv.Error:
            return number
        if len(fields) != width:
            return number
    return None


def _check_block(batch: pa.RecordBatch, officers: Officers, name: str, offset: int) -> PingBlock:
    """Check one block's values; return them as arrays (rows without a fix left out)."""

    def refuse(bad: np.ndarray, column: str, message: Callable[[int], str]) -> None:
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise HotspotDataError(message(first), path=name, row=offset + first + 2, column=column)

    columns = dict(zip(batch.schema.names, batch.columns, strict=True))
    ids = pc.utf8_trim_whitespace(columns["officer_id"].dictionary)
    ids_column = pa.DictionaryArray.from_arrays(columns["officer_id"].indices, ids)
    id_values = np.asarray(ids.to_pylist(), dtype=object)
    id_codes = columns["officer_id"].indices.to_numpy(zero_copy_only=False)
    bad_ids = np.array([not v or len(v) > MAX_TEXT for v in id_values] or [False])
    refuse(
        bad_ids[id_codes] if len(id_values) else np.zeros(0, bool),
        "officer_id",
        lambda i: "officer_id is empty" if not id_values[id_codes[i]] else "officer_id is too long",
    )
    lon = _numbers(columns["longitude"], "longitude", refuse)
    lat = _numbers(columns["latitude"], "latitude", refuse)
    if (np.abs(lon) <= 180.0).all() and (np.abs(lat) <= 90.0).all():  # the usual block: no
        no_fix = None  # empty or bad coordinate (NaN fails the test), so nothing more to look at
    else:
        no_fix = _coordinates_or_refuse(lon, lat, refuse)
    if pa.types.is_timestamp(columns["timestamp"].type):
        seconds, ambiguous = _to_seconds(columns["timestamp"]), np.zeros(batch.num_rows, bool)
    else:
        seconds, ambiguous = _utc_seconds(pc.utf8_trim_whitespace(columns["timestamp"]), refuse)
    _times_or_refuse(seconds, refuse)
    accuracy = np.full(batch.num_rows, np.nan)
    if "accuracy_m" in columns:
        accuracy = _numbers(columns["accuracy_m"], "accuracy_m", refuse)
        if not ((accuracy >= 0) & (accuracy < 1e6)).all():  # NaN (not given) is looked at here
            refuse(
                ~np.isnan(accuracy) & ~((accuracy >= 0) & (accuracy < 1e6)),
                "accuracy_m",
                lambda _i: "is not an accuracy in metres (0 or more, under 1,000 km)",
            )
    role = np.zeros(batch.num_rows, dtype=np.int8)
    if "role" in columns:
        role = _roles(columns["role"], refuse)
    if "unit" in columns:
        units = columns["unit"].dictionary.to_pylist()
        long_unit = np.array([len(u) > MAX_TEXT for u in units] or [False])
        codes = columns["unit"].indices.to_numpy(zero_copy_only=False)
        refuse(
            long_unit[codes] if units else np.zeros(0, bool), "unit", lambda _i: "unit is too long"
        )
    officer = officers.encode(ids_column)
    if no_fix is not None and no_fix.any():
        keep = ~no_fix
        officer, seconds, lon, lat = officer[keep], seconds[keep], lon[keep], lat[keep]
        accuracy, role, ambiguous = accuracy[keep], role[keep], ambiguous[keep]
    return PingBlock(
        officer=officer,
        seconds=seconds,
        lon=lon,
        lat=lat,
        accuracy=accuracy,
        role=role,
        no_fix=0 if no_fix is None else int(no_fix.sum()),
        ambiguous=int(ambiguous.sum()),
        rows_read=batch.num_rows,
    )


def _coordinates_or_refuse(lon: np.ndarray, lat: np.ndarray, refuse) -> np.ndarray:
    """Which rows have no fix (both coordinates empty); a row with one coordinate empty, or
    one outside its range, is refused."""
    no_fix = np.isnan(lon) & np.isnan(lat)
    for values, column, limit in ((lon, "longitude", 180.0), (lat, "latitude", 90.0)):
        refuse(
            np.isnan(values) & ~no_fix,
            column,
            lambda _i, column=column: f"{column} is empty while the other coordinate is given",
        )
        refuse(
            ~no_fix & ~(np.abs(values) <= limit),
            column,
            lambda _i, column=column, limit=limit: (
                f"is outside the {column} range (±{limit:.0f} degrees)"
            ),
        )
    return no_fix


def _numbers(values: pa.Array, column: str, refuse) -> np.ndarray:
    """Decimal numbers (empty → NaN); anything else is refused, naming its row."""
    if pa.types.is_floating(values.type):
        return values.to_numpy(zero_copy_only=False).astype(float, copy=False)
    text = pc.utf8_trim_whitespace(values)
    empty = pc.equal(text, "").to_numpy(zero_copy_only=False)
    filled = pc.if_else(pc.equal(text, ""), "nan", text)
    try:
        return pc.cast(filled, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        bad = np.array([not _is_number(v) for v in filled.to_pylist()]) & ~empty
        refuse(bad, column, lambda _i: "is not a number")
        raise


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip().lower() not in ("inf", "-inf", "+inf", "infinity", "-infinity")


def _roles(column: pa.DictionaryArray, refuse) -> np.ndarray:
    names = [
        " ".join(v.strip().lower().replace("_", " ").split()) for v in column.dictionary.to_pylist()
    ]
    lookup = np.array([_ROLE_CODES.get(n, -1) if n else NO_ROLE for n in names] or [0], np.int8)
    codes = lookup[column.indices.to_numpy(zero_copy_only=False)]
    refuse(
        codes < 0,
        "role",
        lambda _i: f"is not a role; give one of {', '.join(ROLES)} (or leave it empty)",
    )
    return codes


def _utc_seconds(text: pa.Array, refuse) -> tuple[np.ndarray, np.ndarray]:
    """UTC seconds of ISO 8601 times; local ones (no offset) read in Europe/London.

    Returns the seconds and a mask of local times that fell in the repeated autumn hour.
    """
    ambiguous = np.zeros(len(text), dtype=bool)
    try:
        utc = pc.cast(text, pa.timestamp("ms", tz="UTC"))
        return _to_seconds(utc), ambiguous
    except pa.ArrowInvalid:
        pass
    has_offset = pc.match_substring_regex(text, _OFFSET).to_numpy(zero_copy_only=False)
    seconds = np.zeros(len(text), dtype=np.int64)
    if has_offset.any():
        part = text.filter(pa.array(has_offset))
        cast = _cast_or_refuse(part, pa.timestamp("ms", tz="UTC"), has_offset, refuse)
        seconds[has_offset] = _to_seconds(cast)
    local = ~has_offset
    if local.any():
        part = text.filter(pa.array(local))
        naive = _cast_or_refuse(part, pa.timestamp("ms"), local, refuse)
        earliest = _assume_local(naive, "earliest", local, refuse)
        latest = pc.assume_timezone(
            naive, timezone=LOCAL_TZ, ambiguous="latest", nonexistent="raise"
        )
        seconds[local] = earliest
        ambiguous[local] = earliest != _to_seconds(latest)
    return seconds, ambiguous


def _cast_or_refuse(part: pa.Array, kind: pa.DataType, rows: np.ndarray, refuse) -> pa.Array:
    try:
        return pc.cast(part, kind)
    except pa.ArrowInvalid:
        bad = _first_failing(part, lambda piece: pc.cast(piece, kind))
        mask = np.zeros(len(rows), dtype=bool)
        mask[np.flatnonzero(rows)[bad]] = True
        refuse(
            mask,
            "timestamp",
            lambda _i: "is not an ISO 8601 time (e.g. 2025-10-03T18:30:05+01:00)",
        )
        raise


def _assume_local(naive: pa.Array, ambiguous: str, rows: np.ndarray, refuse) -> np.ndarray:
    def convert(piece: pa.Array) -> pa.Array:
        return pc.assume_timezone(
            piece, timezone=LOCAL_TZ, ambiguous=ambiguous, nonexistent="raise"
        )

    try:
        return _to_seconds(convert(naive))
    except pa.ArrowInvalid:
        bad = _first_failing(naive, convert)
        mask = np.zeros(len(rows), dtype=bool)
        mask[np.flatnonzero(rows)[bad]] = True
        refuse(
            mask,
            "timestamp",
            lambda _i: (
                "is a local time that did not happen in the UK (the clocks went forward); give "
                "the time with its offset"
            ),
        )
        raise


def _first_failing(values: pa.Array, convert: Callable[[pa.Array], object]) -> int:
    """The position of the first value `convert` fails on (bisection: a few dozen calls)."""
    low, high = 0, len(values)
    while high - low > 1:
        middle = (low + high) // 2
        try:
            convert(values.slice(low, middle - low))
        except pa.ArrowInvalid:
            high = middle
        else:
            low = middle
    return low


def _times_or_refuse(seconds: np.ndarray, refuse) -> None:
    """Refuse a time before EARLIEST_PING or more than CLOCK_SKEW after this computer's clock:
    stored, it would make a month of its own (a 9999-12 folder of pings)."""
    latest = int((datetime.now(UTC) + CLOCK_SKEW).timestamp())
    if not len(seconds) or (seconds.min() >= _EARLIEST_SECONDS and seconds.max() <= latest):
        return  # the usual block: two passes over the numbers, nothing more
    early = seconds < _EARLIEST_SECONDS
    hours = CLOCK_SKEW / timedelta(hours=1)
    refuse(
        early | (seconds > latest),
        "timestamp",
        lambda i: (
            f"is before {EARLIEST_PING}; check the device's clock and the time's date"
            if early[i]
            else f"is in the future (more than {hours:.0f} hours ahead of this computer's "
            "clock); check the device's clock and the time's date"
        ),
    )


def _to_seconds(times: pa.Array) -> np.ndarray:
    return times.cast(pa.int64()).to_numpy(zero_copy_only=False) // 1000


def pseudonymise(ids: Iterable[str], key: bytes) -> list[str]:
    """Keyed hashes (HMAC-SHA256, first PSEUDONYM_CHARS hex) of officer ids."""
    return [
        hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_CHARS]
        for value in ids
    ]


PSEUDONYMISE_BLOCK_BYTES = 16 * 1024**2
"""Bytes of a ping file pseudonymised at a time: memory stays bounded however large the file."""


def pseudonymised_csv(
    source: str | Path,
    out: BinaryIO,
    key: bytes,
    label: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the ping file to `out` with each officer_id replaced by its keyed hash, other columns
    as given, a block at a time; `progress` is told the rows written so far. Returns the rows."""
    with Path(source).open("rb") as handle:
        head = handle.read(1 << 16)
    _check_text(head, label, partial=True)
    header = _check_header(head, label)
    position = header.index("officer_id")
    known: dict[str, str] = {}
    rows = 0
    writer = None
    try:  # the file was checked; a parse error still names no value of it
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(
                column_names=header, skip_rows=1, block_size=PSEUDONYMISE_BLOCK_BYTES
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in header if c}, strings_can_be_null=False
            ),
        )
        for batch in reader:
            ids = batch.column(position).dictionary_encode()
            names = ids.dictionary.to_pylist()
            fresh = [name for name in names if name not in known]
            known.update(zip(fresh, pseudonymise(fresh, key)))
            hashed = pa.array([known[name] for name in names], pa.string())
            columns = list(batch.columns)
            columns[position] = pc.take(hashed, ids.indices)
            batch = pa.RecordBatch.from_arrays(columns, schema=batch.schema)
            if writer is None:
                writer = pacsv.CSVWriter(out, batch.schema)
            writer.write_batch(batch)
            rows += batch.num_rows
            if progress is not None:
                progress(rows)
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        raise _unreadable(exc, label, rows, header) from exc
    if writer is None or rows == 0:
        raise HotspotDataError("holds no pings, only a header", path=label)
    writer.close()
    return rows
