"""GPS pings to visits to dosage, on synthetic traces whose answers are worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from geo.analysis.gps_dosage import GPS_DOSAGE_COLUMNS, gps_dosage
from geo.counting.ping_files import visits_from_files
from geo.counting.visits import VisitRules
from geo.period import Period
from tests.pings_helpers import at, every, hotspots, stay, write_pings

OCTOBER = Period.parse("2025-10:2025-10")
IDS = ["A", "B", "C", "D", "E", "F"]


def _october_rows() -> list[dict]:
    rows = []
    # A: two officers overlapping (10:00-10:20 and 10:10-10:30) and one driving through (1 min)
    rows += stay("o1", at(0), every("2025-10-06T10:00:00+01:00", "2025-10-06T10:20:00+01:00"))
    rows += stay(
        "o2", at(0, 60, 60), every("2025-10-06T10:10:00+01:00", "2025-10-06T10:30:00+01:00")
    )
    rows += stay("o3", at(0, 10, 50), ["2025-10-06T10:50:00+01:00"])
    rows += stay("o3", at(0, 50, 50), ["2025-10-06T10:50:30+01:00"])
    rows += stay("o3", at(0, 90, 50), ["2025-10-06T10:51:00+01:00"])
    # B: a 5-minute stop 10 m outside the edge (counts) and a 10-minute one 30 m outside (not)
    rows += stay(
        "o4", at(1, -10, 50), every("2025-10-07T12:00:00+01:00", "2025-10-07T12:05:00+01:00")
    )
    rows += stay(
        "o5", at(1, 130, 50), every("2025-10-07T13:00:00+01:00", "2025-10-07T13:10:00+01:00")
    )
    # C: a 4-minute gap joins (14:00-14:06 + 14:10-14:16 is one 16-minute visit) and a 6-minute
    # gap splits (16:00-16:05 and 16:11-16:14 are visits of 5 and 3 minutes)
    for start, end in [
        ("14:00", "14:06"),
        ("14:10", "14:16"),
        ("16:00", "16:05"),
        ("16:11", "16:14"),
    ]:
        rows += stay(
            "o1", at(2), every(f"2025-10-08T{start}:00+01:00", f"2025-10-08T{end}:00+01:00")
        )
    rows += stay(
        "o1", at(5, 500, 500), every("2025-10-08T14:07:00+01:00", "2025-10-08T14:09:00+01:00")
    )
    # D: across midnight into November (12 minutes, October's), and a visit starting in November
    rows += stay("o2", at(3), every("2025-10-31T23:55:00Z", "2025-11-01T00:07:00Z"))
    rows += stay("o2", at(3), every("2025-11-01T00:30:00Z", "2025-11-01T00:40:00Z"))
    # E: across the autumn clock change, with offsets: 01:50 BST to 01:10 GMT is 20 minutes
    rows += stay("o6", at(4), every("2025-10-26T01:50:00+01:00", "2025-10-26T01:59:00+01:00"))
    rows += stay("o6", at(4), every("2025-10-26T01:00:00+00:00", "2025-10-26T01:10:00+00:00"))
    # F: accuracy over 50 m ignored (a 30-minute stop), 40 m kept (a 3-minute stop)
    rows += stay(
        "o7", at(5), every("2025-10-09T09:00:00+01:00", "2025-10-09T09:30:00+01:00"), accuracy_m=80
    )
    rows += stay(
        "o7", at(5), every("2025-10-09T11:00:00+01:00", "2025-10-09T11:03:00+01:00"), accuracy_m=40
    )
    return rows


@pytest.fixture
def october(tmp_path: Path):
    write_pings(tmp_path / "pings.csv", _october_rows())
    result = visits_from_files([tmp_path], hotspots(IDS))
    return gps_dosage(result, OCTOBER).set_index("hotspot_id")


def test_columns_and_order(october):
    assert list(october.index) == IDS
    assert list(october.reset_index().columns) == GPS_DOSAGE_COLUMNS


def test_overlapping_officers_and_a_drive_through(october):
    a = october.loc["A"]
    assert a["visits"] == 2
    assert a["pass_throughs"] == 1
    assert a["officer_minutes"] == pytest.approx(40)
    assert a["presence_minutes"] == pytest.approx(30)
    assert a["median_visit_minutes"] == pytest.approx(20)
    assert a["share_15_min_plus"] == 1.0
    assert a["share_10_15_min"] == 0.0
    assert a["visits_per_day"] == pytest.approx(2 / 31)
    assert a["longest_gap_hours"] != a["longest_gap_hours"]  # one block of presence: no gap


@pytest.mark.parametrize(
    "hotspot,minutes",
    [
        pytest.param("B", 5, id="a stop within 20 m counts, one outside does not"),
        pytest.param("D", 12, id="across midnight, in the month it starts"),
        pytest.param("E", 20, id="across the autumn clock change, real elapsed time"),
    ],
)
def test_one_visit_of_known_length(october, hotspot, minutes):
    row = october.loc[hotspot]
    assert row["visits"] == 1
    assert row["officer_minutes"] == pytest.approx(minutes)


def test_gaps_join_and_split(october):
    c = october.loc["C"]
    assert c["visits"] == 3
    assert c["officer_minutes"] == pytest.approx(16 + 5 + 3)
    assert c["median_visit_minutes"] == pytest.approx(5)
    assert c["share_15_min_plus"] == pytest.approx(1 / 3)
    assert c["longest_gap_hours"] == pytest.approx((16 * 60 - (14 * 60 + 16)) / 60)


def test_inaccurate_pings_are_ignored(october):
    f = october.loc["F"]
    assert f["visits"] == 1
    assert f["officer_minutes"] == pytest.approx(3)


def test_hotspot_without_visits_has_no_median(tmp_path):
    write_pings(
        tmp_path / "p.csv", stay("o1", at(0), every("2025-10-06T10:00:00Z", "2025-10-06T10:05:00Z"))
    )
    table = gps_dosage(visits_from_files([tmp_path], hotspots(["A", "B"])), OCTOBER)
    b = table.set_index("hotspot_id").loc["B"]
    assert b["visits"] == 0 and b["officer_minutes"] == 0
    assert all(math.isnan(b[c]) for c in ("median_visit_minutes", "share_15_min_plus"))


def test_spring_clock_change_in_local_time(tmp_path):
    times = every("2025-03-30T00:50:00", "2025-03-30T00:59:00") + every(
        "2025-03-30T02:00:00", "2025-03-30T02:10:00"
    )
    write_pings(tmp_path / "p.csv", stay("o1", at(0), times))
    result = visits_from_files([tmp_path], hotspots(["A"]))
    row = gps_dosage(result, Period.parse("2025-03:2025-03")).iloc[0]
    assert row["visits"] == 1
    assert row["officer_minutes"] == pytest.approx(20)  # 00:59 GMT to 02:00 BST is one minute


def test_rules_are_configurable(tmp_path):
    rows = stay("o1", at(0, -30, 50), every("2025-10-06T10:00:00Z", "2025-10-06T10:05:00Z"))
    rows += stay("o2", at(0), every("2025-10-06T11:00:00Z", "2025-10-06T11:01:00Z"))
    write_pings(tmp_path / "p.csv", rows)
    default = gps_dosage(visits_from_files([tmp_path], hotspots(["A"])), OCTOBER).iloc[0]
    wider = VisitRules(tolerance_m=40, min_visit_min=1)
    changed = gps_dosage(visits_from_files([tmp_path], hotspots(["A"]), wider), OCTOBER).iloc[0]
    assert (default["visits"], default["pass_throughs"]) == (0, 1)
    assert (changed["visits"], changed["pass_throughs"]) == (2, 0)


def test_roles(tmp_path):
    rows = stay("o1", at(0), every("2025-10-06T10:00:00Z", "2025-10-06T10:10:00Z"), role="PCSO")
    rows += stay(
        "o2", at(0), every("2025-10-06T12:00:00Z", "2025-10-06T12:04:00Z"), role="Plain clothes"
    )
    write_pings(tmp_path / "p.csv", rows)
    row = gps_dosage(visits_from_files([tmp_path], hotspots(["A"])), OCTOBER).iloc[0]
    assert row["officer_minutes_pcso"] == pytest.approx(10)
    assert row["officer_minutes_plain_clothes"] == pytest.approx(4)
    assert row["officer_minutes_police"] == 0


def test_by_month_splits_the_period_by_the_month_visits_start(tmp_path):
    from geo.analysis.gps_dosage import gps_dosage_by_month

    write_pings(tmp_path / "pings.csv", _october_rows())
    result = visits_from_files([tmp_path], hotspots(IDS))
    months = gps_dosage_by_month(result, Period.parse("2025-10:2025-11")).set_index(
        ["hotspot_id", "month"]
    )
    assert months.loc[("D", "2025-10"), "officer_minutes"] == pytest.approx(12)
    assert months.loc[("D", "2025-11"), "officer_minutes"] == pytest.approx(10)
    assert months.loc[("D", "2025-11"), "visits_per_day"] == pytest.approx(1 / 30)
    whole = gps_dosage(result, Period.parse("2025-10:2025-11")).set_index("hotspot_id")
    assert (months.groupby(level=0)["visits"].sum() == whole["visits"]).all()
