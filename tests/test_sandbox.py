"""geo.io.sandbox: a check of an untrusted file runs in a child process with time and memory
limits; its answer, its refusal or its failure comes back as a result or a HotspotDataError.

The functions below are the targets the child runs (by the name `tests.test_sandbox:NAME`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import HotspotDataError
from geo.io.hotspots import HotspotRead
from geo.io.sandbox import run_isolated
from geo.store.imports.pings import CHECK_SHARE
from tests.helpers import hotspot_frame
from tests.pings_helpers import at, every, stay, write_pings

HERE = "tests.test_sandbox"


def spin() -> None:
    """A loop that never ends (a GDAL query over an endless recursive view, in effect)."""
    while True:
        pass


def hog() -> bytes:
    """Memory without end (a geometry of billions of points, in effect)."""
    chunks = []
    while True:
        chunks.append(bytearray(256 * 1024**2))


def chatty(count: int) -> list[int]:
    """A result, after printing as some libraries do."""
    print("GDAL says hello")
    return list(range(count))


def refuse() -> None:
    raise HotspotDataError("has no hotspot_id column", path="h.gpkg", row=3, column="name")


def trip() -> None:
    raise ValueError("a library's own error\nwith a second line")


def crash() -> None:
    """A library that ends the process without a word (no core file is left, unlike abort)."""
    os._exit(3)


def echo(*values: object) -> tuple:
    """The values given, sent there and back again."""
    return values


def hotspots_read() -> HotspotRead:
    """A checked hotspot file's result, as the importer's target gives it."""
    frame = hotspot_frame()
    frame["started"] = pd.to_datetime(frame["started"]).astype("datetime64[us]")
    return HotspotRead(frame.astype({"hotspot_id": object, "name": object}), [2], "EPSG:27700")


def environment() -> dict[str, str]:
    keys = ("GDAL_SKIP", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    return {key: os.environ.get(key, "") for key in keys}


def test_a_check_that_never_ends_is_stopped_at_the_time_limit():
    started = time.monotonic()
    with pytest.raises(HotspotDataError, match=r"spin.gpkg: took more than 5 s") as caught:
        run_isolated("tests.test_sandbox:spin", label="spin.gpkg", time_limit=5)
    assert time.monotonic() - started < 30
    assert "refused" in str(caught.value)


def test_a_check_that_wants_all_the_memory_is_stopped_at_the_memory_limit():
    with pytest.raises(HotspotDataError, match=r"hog.gpkg: needs more than 1.5 GB of memory"):
        run_isolated("tests.test_sandbox:hog", label="hog.gpkg", time_limit=60)


def test_the_result_comes_back_and_what_the_child_prints_does_not_mix_with_it():
    assert run_isolated(f"{HERE}:chatty", 3, label="h.gpkg") == [0, 1, 2]


def test_values_of_every_kind_a_check_returns_come_back_equal():
    time = pd.Timestamp("2025-10-26T01:30:00Z").tz_convert("Europe/London")
    table = pd.DataFrame({"n": [1, 2], "text": ["a", None], "x": [0.5, float("nan")]})
    sent = (None, True, 3, 0.25, "text", [1, "two"], (3,), {"k": b"\x00\xff"}, Path("a/b"), time)
    back = run_isolated(f"{HERE}:echo", *sent, table, label="h.gpkg")
    assert back[:-1] == sent and back[-2].tz is not None and back[-2].unit == time.unit
    pd.testing.assert_frame_equal(back[-1], table)
    read = run_isolated(f"{HERE}:hotspots_read", label="h.gpkg")
    expected = hotspots_read()
    assert (read.repaired, read.declared_crs) == ([2], "EPSG:27700")
    pd.testing.assert_frame_equal(read.frame, expected.frame)
    assert read.frame.crs == expected.frame.crs and read.frame.geometry.name == "geometry"


def test_a_refusal_in_the_child_is_raised_here_with_its_file_row_and_column():
    with pytest.raises(HotspotDataError) as caught:
        run_isolated(f"{HERE}:refuse", label="upload.gpkg")
    refusal = caught.value
    assert (refusal.problem, refusal.path, refusal.row, refusal.column) == (
        "has no hotspot_id column", "h.gpkg", 3, "name",
    )  # fmt: skip


def test_a_library_error_is_a_refusal_naming_the_file_and_the_first_line_only():
    with pytest.raises(HotspotDataError) as caught:
        run_isolated(f"{HERE}:trip", label="upload.kml")
    assert caught.value.path == "upload.kml"
    assert caught.value.problem == "cannot be read (ValueError: a library's own error)"


def test_a_child_that_crashes_is_a_refusal_giving_its_status():
    with pytest.raises(HotspotDataError, match=r"upload.gpkg: could not be checked .*status 3\)"):
        run_isolated(f"{HERE}:crash", label="upload.gpkg")


def test_the_child_loads_only_the_drivers_it_needs_and_runs_one_thread():
    seen = run_isolated(f"{HERE}:environment", label="h.gpkg", driver="GPKG")
    skipped = seen["GDAL_SKIP"].split(",")
    assert "GPKG" not in skipped and "GeoJSON" not in skipped
    assert {"KML", "GML", "CSV", "OGR_VRT"} <= set(skipped)
    assert seen["OPENBLAS_NUM_THREADS"] == seen["OMP_NUM_THREADS"] == "1"
    assert run_isolated(f"{HERE}:environment", label="h.gpkg")["GDAL_SKIP"] == ""


def test_a_ping_check_reports_its_progress_from_the_child(tmp_path):
    path = write_pings(
        tmp_path / "p.csv", stay("PC 1", at(0), every("2025-10-06T10:00Z", "2025-10-06T11:00Z"))
    )
    out = tmp_path / "out.csv"
    reports = []
    staged = run_isolated(
        "geo.store.imports.pings:check_ping_file_into", str(path), "p.csv", b"k" * 32, str(out),
        label="p.csv", progress=lambda fraction, text: reports.append((fraction, text)),
    )  # fmt: skip
    assert staged.rows == 61 and staged.data == b"" and out.read_bytes().count(b"\n") == 62
    assert (CHECK_SHARE, "Checking p.csv") in reports
    assert (CHECK_SHARE, "Pseudonymising the officer ids of p.csv") in reports
    assert reports[-1] == (1.0, "Pseudonymising the officer ids of p.csv")
    assert [f for f, _ in reports] == sorted(f for f, _ in reports)


def test_a_refusal_in_the_child_names_file_row_and_column_with_progress_on(tmp_path):
    rows = stay("PC 1", at(0), every("2025-10-06T10:00Z", "2025-10-06T10:10Z"))
    rows[3]["longitude"] = "east"
    path = write_pings(tmp_path / "p.csv", rows)
    with pytest.raises(HotspotDataError) as refused:
        run_isolated(
            "geo.store.imports.pings:check_ping_file_into", str(path), "p.csv", b"k" * 32,
            str(tmp_path / "out.csv"), label="p.csv", progress=lambda *_: None,
        )  # fmt: skip
    assert (refused.value.path, refused.value.row, refused.value.column) == (
        "p.csv", 5, "longitude",
    )  # fmt: skip


def test_a_child_that_runs_too_long_is_stopped_with_progress_on():
    with pytest.raises(HotspotDataError, match="took more than 2 s"):
        run_isolated("time:sleep", 30, label="slow.csv", time_limit=2, progress=lambda *_: None)
