"""The sandbox's progress channel: a child's reports reach the parent, and its limits hold."""

from __future__ import annotations

import pytest

from geo.errors import HotspotDataError
from geo.io.sandbox import run_isolated
from geo.store.pings_store import CHECK_SHARE
from tests.pings_helpers import at, every, stay, write_pings


def test_a_ping_check_reports_its_progress_from_the_child(tmp_path):
    path = write_pings(
        tmp_path / "p.csv", stay("PC 1", at(0), every("2025-10-06T10:00Z", "2025-10-06T11:00Z"))
    )
    out = tmp_path / "out.csv"
    reports = []
    staged = run_isolated(
        "geo.store.pings_store:check_ping_file_into", str(path), "p.csv", b"k" * 32, str(out),
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
            "geo.store.pings_store:check_ping_file_into", str(path), "p.csv", b"k" * 32,
            str(tmp_path / "out.csv"), label="p.csv", progress=lambda *_: None,
        )  # fmt: skip
    assert (refused.value.path, refused.value.row, refused.value.column) == (
        "p.csv", 5, "longitude",
    )  # fmt: skip


def test_a_child_that_runs_too_long_is_stopped_with_progress_on():
    with pytest.raises(HotspotDataError, match="took more than 2 s"):
        run_isolated("time:sleep", 30, label="slow.csv", time_limit=2, progress=lambda *_: None)
