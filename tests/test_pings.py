"""The GPS ping reader: values read right, every bad file refused naming file, row, column, and
property tests: whatever bytes arrive, the reader gives the project's own error (naming the file,
on one line) or pings that are valid; never another exception."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from geo.errors import HotspotDataError
from geo.io.pings import (
    CLOCK_SKEW,
    EARLIEST_PING,
    Officers,
    PingFilesReader,
    PingStats,
    pseudonymise,
    pseudonymised_csv,
    read_pings,
)
from geo.schema import ROLES
from tests.helpers import random_edit
from tests.test_crimes_fuzz import FUZZ

HEADER = "officer_id,timestamp,longitude,latitude,accuracy_m,unit,role\n"


def _read(tmp_path: Path, text: str | bytes, block_bytes: int | None = None) -> list:
    path = tmp_path / "pings.csv"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    extra = {"block_bytes": block_bytes} if block_bytes else {}
    return list(read_pings(path, Officers(), **extra))


def _refused(tmp_path: Path, text: str | bytes) -> HotspotDataError:
    with pytest.raises(HotspotDataError) as caught:
        _read(tmp_path, text)
    assert str(caught.value).startswith(str(tmp_path / "pings.csv"))
    return caught.value


def test_values(tmp_path):
    blocks = _read(
        tmp_path,
        HEADER
        + "PC 123,2025-10-26T01:30:00+01:00,-1.4,53.2,8.5,Chesterfield SNT,PCSO\n"
        + " PC 123 ,2025-10-26T01:30:00Z,-1.41,53.21,,Chesterfield SNT,\n"
        + "PC 9,2025-06-01 12:00,-1.42,53.22,3,,Plain Clothes\n",
    )
    (block,) = blocks
    assert list(block.officer) == [0, 0, 1]  # ids trimmed
    expected = np.array(["2025-10-26T00:30:00", "2025-10-26T01:30:00", "2025-06-01T11:00:00"])
    assert list(block.seconds) == list(expected.astype("datetime64[s]").astype(np.int64))
    assert np.isnan(block.accuracy[1]) and block.accuracy[0] == 8.5
    assert list(block.role) == [2, 0, 4]


def test_rows_without_a_fix_are_skipped_and_counted(tmp_path):
    (block,) = _read(
        tmp_path, HEADER + "a,2025-01-01T10:00Z,,,,,\na,2025-01-01T10:01Z,-1.4,53.2,,,\n"
    )
    stats = PingStats()
    stats.add(block)
    assert (len(block), stats.no_fix, stats.rows) == (1, 1, 2)
    assert stats.notes() == ["1 ping had no position (no GPS fix) and was skipped"]
    stats.add(block)
    assert stats.notes() == ["2 pings had no position (no GPS fix) and were skipped"]


def test_streamed_in_blocks_gives_the_same_pings(tmp_path):
    rows = "".join(
        f"o{i % 7},2025-01-01T10:{i % 60:02d}:00Z,-1.{i:04d},53.2,,,\n" for i in range(3000)
    )
    whole = _read(tmp_path, HEADER + rows)
    blocks = _read(tmp_path, HEADER + rows, block_bytes=20_000)
    assert len(blocks) > 3
    for name in ("officer", "seconds", "lon"):
        assert np.array_equal(
            np.concatenate([getattr(b, name) for b in whole]),
            np.concatenate([getattr(b, name) for b in blocks]),
        )


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        ("o1,2025-01-01T10:00:00Z,-1.4,530.2,,,\n", "latitude"),
        ("o1,9999-01-01T10:00:00Z,-1.4,53.2,,,\n", "timestamp"),  # a time in the future
    ],
)
def test_a_bad_value_in_a_later_block_names_its_row(tmp_path, bad, column):
    rows = [f"o1,2025-01-01T10:00:{i % 60:02d}Z,-1.4,53.2,,,\n" for i in range(3000)]
    rows[2500] = bad
    with pytest.raises(HotspotDataError) as caught:
        _read(tmp_path, HEADER + "".join(rows), block_bytes=20_000)
    assert (caught.value.row, caught.value.column) == (2502, column)


@pytest.mark.parametrize(
    ("bad", "words"),
    [(b"o\xe9", "not UTF-8"), (b"o\x00", "binary data"), ("Jos\u00e9".encode(), None)],
)
def test_text_in_a_later_block_is_checked_as_in_the_first(tmp_path, bad, words):
    """A later piece that is not plain ASCII gets the full text check: UTF-8 passes, the rest
    is refused naming its row."""
    rows = [f"o1,2025-01-01T10:00:{i % 60:02d}Z,-1.4,53.2,,,\n".encode() for i in range(3000)]
    rows[2500] = bad + b",2025-01-01T10:00:00Z,-1.4,53.2,,,\n"
    if words is None:
        blocks = _read(tmp_path, HEADER.encode() + b"".join(rows), block_bytes=20_000)
        assert len(blocks) > 3 and sum(len(b) for b in blocks) == 3000
        return
    with pytest.raises(HotspotDataError, match=words) as caught:
        _read(tmp_path, HEADER.encode() + b"".join(rows), block_bytes=20_000)
    assert caught.value.row == 2502 or words == "binary data"


@pytest.mark.parametrize(
    ("row", "row_number", "column", "words"),
    [
        (",2025-01-01T10:00Z,-1.4,53.2,,,", 3, "officer_id", "empty"),
        ("a,yesterday,-1.4,53.2,,,", 3, "timestamp", "ISO 8601"),
        ("a,,-1.4,53.2,,,", 3, "timestamp", "ISO 8601"),
        ("a,2025-13-01T10:00Z,-1.4,53.2,,,", 3, "timestamp", "ISO 8601"),
        ("a,2025-03-30T01:30,-1.4,53.2,,,", 3, "timestamp", "did not happen"),
        ("a,2025-01-01T10:00Z,west,53.2,,,", 3, "longitude", "not a number"),
        ("a,2025-01-01T10:00Z,-181,53.2,,,", 3, "longitude", "range"),
        ("a,2025-01-01T10:00Z,-1.4,inf,,,", 3, "latitude", "range"),
        ("a,2025-01-01T10:00Z,-1.4,,,,", 3, "latitude", "empty"),
        ("a,2025-01-01T10:00Z,-1.4,53.2,-5,,", 3, "accuracy_m", "accuracy"),
        ("a,2025-01-01T10:00Z,-1.4,53.2,,,sergeant", 3, "role", "not a role"),
    ],
)
def test_bad_values_name_row_and_column(tmp_path, row, row_number, column, words):
    good = "a,2025-01-01T09:00Z,-1.4,53.2,,,\n"
    error = _refused(tmp_path, HEADER + good + row + "\n")
    assert (error.row, error.column) == (row_number, column)
    assert words in error.problem


def _from_now(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("time", "words"),
    [
        ("9999-12-31T10:00Z", "in the future"),
        ("9999-12-31 10:00", "in the future"),  # local time, read on the slower path
        (_from_now(CLOCK_SKEW + timedelta(hours=1)), "in the future"),
        ("1999-12-31T23:59:59Z", f"before {EARLIEST_PING}"),
        ("1970-01-01T00:00:00+01:00", f"before {EARLIEST_PING}"),
    ],
)
def test_times_beyond_the_present_or_long_past_are_refused(tmp_path, time, words):
    good = "a,2025-01-01T09:00Z,-1.4,53.2,,,\n"
    error = _refused(tmp_path, HEADER + good + f"a,{time},-1.4,53.2,,,\n")
    assert (error.row, error.column) == (3, "timestamp")
    assert words in error.problem and time[:4] not in error.problem


def test_a_clock_a_little_ahead_and_the_earliest_time_are_accepted(tmp_path):
    rows = [f"a,{_from_now(CLOCK_SKEW - timedelta(hours=1))},-1.4,53.2,,,\n"]
    rows.append(f"a,{EARLIEST_PING}T00:00:00Z,-1.4,53.2,,,\n")
    (block,) = _read(tmp_path, HEADER + "".join(rows))
    assert len(block) == 2


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\xff\xfeo\x00", "UTF-16"),
        (b"officer_id,timestamp,lon,lat\n", "lacks the columns longitude, latitude"),
        (b"officer_id,timestamp,longitude,latitude,role,role\na,b,c,d,e,f\n", "appears twice"),
        (HEADER.encode() + b"a\xe9,2025-01-01T10:00Z,-1.4,53.2,,,\n", "not UTF-8"),
        (HEADER.encode() + b"a,2025-01-01T10:00Z,-1.4\n", "cannot be read as CSV"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
    ],
)
def test_bad_files(tmp_path, data, words):
    assert words in _refused(tmp_path, data).problem


def test_optional_columns_may_be_absent(tmp_path):
    (block,) = _read(
        tmp_path, "Officer_ID , TIMESTAMP,longitude,latitude\nx,2025-01-01T10:00Z,-1.4,53.2\n"
    )
    assert len(block) == 1 and block.role[0] == 0 and np.isnan(block.accuracy[0])


def test_pseudonyms_are_keyed_and_stable():
    one = pseudonymise(["PC 123", "PC 124"], b"k" * 32)
    assert one == pseudonymise([" PC 123", "PC 124"], b"k" * 32)
    assert one != pseudonymise(["PC 123", "PC 124"], b"j" * 32)
    assert len(set(one)) == 2 and "123" not in "".join(one)


def test_pseudonymised_file_keeps_everything_else(tmp_path):
    source = tmp_path / "p.csv"
    source.write_bytes((HEADER + "PC 123,2025-01-01T10:00Z,-1.4,53.2,5,SNT,police\n").encode())
    buffer = io.BytesIO()
    assert pseudonymised_csv(source, buffer, b"k" * 32, "p.csv") == 1
    out = buffer.getvalue().decode()
    assert "PC 123" not in out
    assert pseudonymise(["PC 123"], b"k" * 32)[0] in out
    assert "2025-01-01T10:00Z" in out and "SNT" in out


def test_pseudonymising_a_block_at_a_time_keeps_every_row_and_one_name_each(tmp_path, monkeypatch):
    import csv

    from geo.io import pings

    monkeypatch.setattr(pings, "PSEUDONYMISE_BLOCK_BYTES", 4096)
    officers = [f"PC {n}" for n in (1, 22, 333)]
    lines = [
        f"{officers[i % 3]},2025-01-01T10:{i % 60:02d}Z,-1.4,53.2,5,SNT,police" for i in range(2000)
    ]
    source = tmp_path / "p.csv"
    source.write_text(HEADER + "\n".join(lines) + "\n")
    buffer = io.BytesIO()
    told = []
    assert pseudonymised_csv(source, buffer, b"k" * 32, "p.csv", told.append) == 2000
    assert len(told) > 5 and told[-1] == 2000  # written in many blocks
    rows = list(csv.reader(io.StringIO(buffer.getvalue().decode())))
    assert len(rows) == 2001 and rows[0][0] == "officer_id"
    names = dict(zip(officers, pseudonymise(officers, b"k" * 32)))
    assert [r[0] for r in rows[1:]] == [names[officers[i % 3]] for i in range(2000)]


def test_a_short_row_is_named(tmp_path):
    rows = "a,2025-01-01T10:00Z,-1.4,53.2,,,\n" * 5 + "a,2025-01-01T10:00Z\n"
    error = _refused(tmp_path, HEADER + rows)
    assert error.row == 7
    with pytest.raises(HotspotDataError) as caught:
        _read(tmp_path, HEADER + rows, block_bytes=70)
    assert caught.value.row == 7


def test_pieces_reuse_their_buffer_unless_something_still_holds_it(tmp_path):
    """The buffer's own rule, apart from the parser: whether pyarrow's worker threads have let go
    of the last piece when the next is read depends on timing, so parsing is not part of it."""
    from geo.io.pings import ReadBuffer, _Pieces

    rows = "".join(f"PC {i},2025-01-01T10:00Z,-1.4,53.2,5,SNT,police\n" for i in range(300))
    paths = [tmp_path / "p.csv", tmp_path / "q.csv"]
    for path in paths:
        path.write_text(HEADER + rows)
    header = HEADER.strip().split(",")
    shared = ReadBuffer()
    with paths[0].open("rb") as handle:
        handle.readline()
        pieces = _Pieces(handle, header, "p.csv", 2048, shared)
        with pieces._read() as first:
            assert bytes(first).startswith(b"PC 0,") and bytes(first).endswith(b"\n")
        buffer = shared.data
        with pieces._read():
            assert shared.data is buffer  # nothing held it: the same memory again
        held = pieces._read()  # as a parse still reading the bytes would
        before = bytes(held)
        assert pieces._read() and shared.data is not buffer
        assert bytes(held) == before  # what is held is never overwritten
        held.release()
        buffer = shared.data
    with paths[1].open("rb") as handle:  # the next file: the same memory again
        handle.readline()
        pieces = _Pieces(handle, header, "q.csv", 2048, shared)
        with pieces._read() as piece:
            assert bytes(piece).startswith(b"PC 0,") and shared.data is buffer


def test_pieces_parse_every_row_once(tmp_path):
    from geo.io.pings import ReadBuffer, _Pieces

    rows = "".join(f"PC {i},2025-01-01T10:00Z,-1.4,53.2,5,SNT,police\n" for i in range(300))
    path = tmp_path / "p.csv"
    path.write_text(HEADER + rows)
    with path.open("rb") as handle:
        handle.readline()
        pieces = _Pieces(handle, HEADER.strip().split(","), "p.csv", 2048, ReadBuffer())
        offsets, officers = [], []
        while (piece := pieces.next()) is not None:
            offsets.append(piece[0])
            officers += piece[1].column("officer_id").to_pylist()
    assert offsets[0] == 0 and len(offsets) > 2
    assert [str(o) for o in officers] == [f"PC {i}" for i in range(300)]


VALID = (
    b"officer_id,timestamp,longitude,latitude,accuracy_m,unit,role\n"
    b"PC 1,2025-10-26T01:30:00+01:00,-1.4201,53.2301,8,SNT,police\n"
    b"PC 1,2025-10-26T01:10:00Z,-1.4202,53.2302,,SNT,PCSO\n"
    b"PC 2,2025-10-26 01:30,-1.4203,53.2303,60,,warden\n"
    b"PC 2,2025-03-30T00:59:59,,,,,\n"
    b"PC 3,2025-06-01T12:00:00.5+01:00,0.1,51.5,3.5,Met,Plain clothes\n"
)


TOKENS = [
    b",", b"\n", b"\r\n", b"\r", b'"', b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe9", b"inf",
    b"nan", b"1e999", b"-", b"Z", b"+01:00", b"T", b"2025-03-30T01:30", b"24:00", b" ", b"police",
]  # fmt: skip


@st.composite
def mutated(draw) -> bytes:
    """The valid file with a few random edits: bytes replaced, inserted, deleted, or cut off."""
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        random_edit(draw, data, at, TOKENS, longest_cut=30)
    return bytes(data)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-pings") / "fuzz-pings.csv"


def _check(data: bytes, path: Path) -> None:
    path.write_bytes(data)
    try:
        blocks = list(read_pings(path, Officers()))
    except HotspotDataError as exc:
        assert str(exc).startswith(str(path)), str(exc)
        assert "\n" not in str(exc)
        return
    for block in blocks:
        assert len(block.officer) == len(block.seconds) == len(block.lon) == len(block.role)
        assert (np.abs(block.lon) <= 180).all() and (np.abs(block.lat) <= 90).all()
        assert (np.isnan(block.accuracy) | (block.accuracy >= 0)).all()
        assert ((block.role >= 0) & (block.role <= len(ROLES))).all()
        assert block.seconds.dtype == np.int64


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(scratch, data):
    _check(data, scratch)


@FUZZ
@given(st.binary(max_size=1500))
def test_random_bytes_after_a_valid_header(scratch, data):
    _check(VALID.split(b"\n", 1)[0] + b"\n" + data, scratch)


@FUZZ
@given(mutated())
@example(VALID.replace(b"-1.4201", b"1e999", 1))
@example(VALID.split(b"\n", 1)[0] + b"\n")
@example(VALID.replace(b"\n", b"\r"))
def test_mutations_of_a_valid_file(scratch, data):
    _check(data, scratch)


def test_the_valid_file_itself_reads(scratch):
    scratch.write_bytes(VALID)
    (block,) = list(read_pings(scratch, Officers()))
    assert len(block) == 4 and block.no_fix == 1 and block.ambiguous == 1


def _files(tmp_path: Path, count: int, rows: int = 300) -> list[Path]:
    """`count` ping files of `rows` rows each, officers and times differing between them."""
    paths = []
    for number in range(count):
        lines = [
            f"PC {(number * 7 + row) % 13},2025-0{number + 1}-01T10:{row // 60:02}:{row % 60:02}Z,"
            f"-1.{row:04},53.{number:04},5,,police\n"
            for row in range(rows)
        ]
        path = tmp_path / f"p{number}.csv"
        path.write_text(HEADER + "".join(lines))
        paths.append(path)
    return paths


def _same(left: list, right: list) -> bool:
    fields = ("officer", "seconds", "lon", "lat", "accuracy", "role")
    return len(left) == len(right) and all(
        np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True)
        for a, b in zip(left, right, strict=True)
        for f in fields
    )


def test_the_files_reader_gives_what_read_pings_gives_file_by_file(tmp_path):
    paths = _files(tmp_path, 3)
    with PingFilesReader(paths, ahead=2, block_bytes=4096) as reader:
        got = [list(reader.blocks(position)) for position in range(3)]
    for path, blocks, officers in zip(paths, got, reader.officers, strict=True):
        own = Officers()
        expected = list(read_pings(path, own, block_bytes=4096))
        assert len(expected) > 2 and _same(blocks, expected)  # several blocks per file
        assert officers.codes == own.codes


def test_the_files_reader_raises_a_bad_file_when_it_is_reached(tmp_path):
    good, bad = _files(tmp_path, 2)
    bad.write_text(HEADER + "PC 1,2025-01-01T10:00Z,-1.4,53.2,5,,sergeant\n")
    with PingFilesReader([good, bad]) as reader:
        assert sum(len(block) for block in reader.blocks(0)) == 300  # the good file in full
        with pytest.raises(HotspotDataError, match="not a role") as caught:
            list(reader.blocks(1))
    assert str(caught.value).startswith(str(bad))


def test_the_files_reader_takes_files_in_order_and_stops_when_closed(tmp_path):
    paths = _files(tmp_path, 3)
    reader = PingFilesReader(paths, ahead=1, block_bytes=4096)
    with pytest.raises(ValueError, match="file 1 asked for while file 0 is next"):
        next(reader.blocks(1))
    next(reader.blocks(0))  # the reading thread is now waiting for room to put more blocks
    reader.close()
    assert not reader._thread.is_alive()
