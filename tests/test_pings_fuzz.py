"""Property tests of the GPS ping reader: whatever bytes arrive, the reader gives the project's own
error (naming the file, on one line) or pings that are valid; never another exception."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from geo.errors import HotspotDataError
from geo.io.pings import ROLES, Officers, read_pings
from tests.helpers import random_edit
from tests.test_crimes_fuzz import FUZZ

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
