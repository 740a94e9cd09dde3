"""Property tests: whatever bytes arrive, the readers give the project's own error (naming the file)
or a valid result; never another exception. Random bytes, and random mutations of a valid file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.errors import HotspotDataError
from geo.io.crimes import CrimeSource, read_crime_data
from geo.io.patrols import read_patrols
from geo.schema import POLICE_UK_HEADER
from geo.store.crime_months import crime_parts
from geo.store.imports.hotspots import check_hotspots
from geo.store.imports.staged import InputFile
from tests.helpers import random_edit, street_rows

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis folder left in the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
LABEL = "fuzz-street.csv"


def _valid_file() -> bytes:
    rows = street_rows(
        [("2024-01", -1.35, 53.01, "Anti-social behaviour"), ("2024-01", -1.36, 53.02, "Drugs"),
         ("2024-01", None, None, "Burglary"), ("2024-02", 0.5, 51.5, "Other theft")]
    )  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(POLICE_UK_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


VALID = _valid_file()
TOKENS = [
    b",", b"\n", b"\r\n", b"\r", b'"', b'""', b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe9",
    b"\x96", b"inf", b"-inf", b"nan", b"1e999", b"-", b"2024-13", b"2024-1", b"99999-01", b" ",
    b"NULL", b"N/A", b"180.0001", b"-90.5", b"Crime ID", b"Month", b"\t", b"\\", b"\xf0\x9f\x98",
]  # fmt: skip


@st.composite
def mutated(draw) -> bytes:
    """The valid file with a few random edits: bytes replaced, inserted, deleted, or cut off."""
    data = bytearray(VALID)
    header_end = VALID.index(b"\n")
    for _ in range(draw(st.integers(1, 6))):
        end = max(len(data) - 1, 0)
        # half the edits land in the header line, where a file is first judged
        at = draw(st.integers(0, min(header_end, end)) | st.integers(0, end))
        random_edit(draw, data, at, TOKENS, longest_cut=40)
    return bytes(data)


def _check_result(data: bytes) -> None:
    """The property: HotspotDataError naming the file, or a valid table."""
    try:
        table = read_crime_data(data, CrimeSource(Path(LABEL)))
    except HotspotDataError as exc:
        assert str(exc).startswith(LABEL), str(exc)
        assert "\n" not in str(exc)
        return
    assert isinstance(table, pa.Table)
    assert table.column_names == ["month", "lon", "lat", "crime_type", "duplicate"]
    assert table.column("duplicate").type == pa.bool_()
    months = table.column("month").to_numpy()
    assert months.dtype == np.int32 and ((months >= -1970 * 12) & (months < 8030 * 12)).all()
    lon = table.column("lon").to_numpy(zero_copy_only=False)
    lat = table.column("lat").to_numpy(zero_copy_only=False)
    assert (np.isnan(lon) | (np.abs(lon) <= 180)).all()
    assert (np.isnan(lat) | (np.abs(lat) <= 90)).all()
    # the importer on the same bytes: its own error, or parts that hold every row once
    try:
        parts = crime_parts(data, LABEL, LABEL)
    except HotspotDataError:
        return
    assert sum(p.rows for p in parts) == table.num_rows
    assert len({p.key for p in parts}) == len(parts)


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(data):
    _check_result(data)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_after_a_valid_header(data):
    _check_result(VALID.split(b"\n", 1)[0] + b"\n" + data)


@FUZZ
@given(mutated())
@example(VALID.replace(b"Month,", b"Mo\rnth,", 1))  # a lone carriage return in the header
@example(VALID.split(b"\n", 1)[0] + b"\n")  # a header and no rows
@example(VALID.replace(b"-1.35", b"1e999", 1))  # an infinite longitude
@example(VALID.replace(b"\n", b"\r", 2))  # old Mac line ends
def test_mutations_of_a_valid_file(data):
    _check_result(data)


def test_the_valid_file_itself_reads():
    table = read_crime_data(VALID, CrimeSource(Path(LABEL)))
    assert table.num_rows == 4
    assert [p.month for p in crime_parts(VALID, LABEL, LABEL)] == ["2024-01", "2024-02"]


PATROLS = (
    b"hotspot_id,start,end,officers,arrests,engagements\n"
    b"A,2024-01-02T10:00,2024-01-02T11:00,2,1,7\n"
    b"B,2024-03-31T00:30,2024-03-31T03:00,1,0,0\n"
    b"A,2024-10-27T01:30+01:00,2024-10-27T01:10Z,1,0,3\n"
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(FUZZ, max_examples=100)
@given(st.one_of(st.binary(max_size=500), st.just(PATROLS)))
def test_patrol_log_random_bytes(scratch, data):
    _check_patrols(scratch, data)


@settings(FUZZ, max_examples=150)
@given(st.data())
def test_patrol_log_mutations(scratch, data):
    content = bytearray(PATROLS)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(content) - 1)) if content else 0
        token = data.draw(st.sampled_from([*TOKENS, b"T", b"+25:00", b"0", b"-1", b"2.5", b"Z"]))
        if data.draw(st.booleans()):
            content[at:at] = token
        else:
            del content[at : at + data.draw(st.integers(1, 10))]
    _check_patrols(scratch, bytes(content))


def _check_patrols(folder: Path, data: bytes) -> None:
    path = folder / "patrols.csv"
    path.write_bytes(data)
    try:
        frame = read_patrols(path, ["A", "B"])
    except HotspotDataError as exc:
        assert str(exc).startswith(str(path))
        return
    assert (frame["hours"] > 0).all() and (frame["officers"] >= 1).all()
    assert frame["hotspot_id"].isin(["A", "B"]).all()


@settings(FUZZ, max_examples=60)
@given(st.binary(max_size=600), st.sampled_from([".geojson", ".kml", ".gpkg", ".zip", ".json"]))
def test_hotspot_files_of_random_bytes(scratch, data, suffix):
    path = scratch / f"hotspots{suffix}"
    path.write_bytes(data)
    try:
        staged, _findings = check_hotspots(InputFile(path, f"upload{suffix}"))
    except HotspotDataError as exc:
        assert str(exc).startswith(f"upload{suffix}")
        return
    frame = staged.frame  # random bytes that happen to read: then a valid layer to store
    assert len(frame) and frame["hotspot_id"].is_unique and frame.geometry.is_valid.all()
