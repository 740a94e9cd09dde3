"""Patrol dosage per hotspot: hours per week, visits per day, minutes per visit, Koper share."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.analysis.dosage import DOSAGE_COLUMNS, dosage, period_days
from geo.errors import HotspotDataError
from geo.io.patrols import empty_patrols, read_patrols
from geo.period import Period

JAN_FEB_2024 = Period.parse("2024-01:2024-02")  # 31 + 29 = 60 days


def _log(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """A patrol log as read_patrols gives it, from (hotspot_id, start, end, officers)."""
    frame = pd.DataFrame(rows, columns=["hotspot_id", "start", "end", "officers"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    elapsed = (frame["end"] - frame["start"]).dt.total_seconds() / 3600
    frame["arrests"] = 0
    frame["engagements"] = 0
    frame["hours"] = elapsed * frame["officers"]
    return frame


LOG = _log([
    ("A", "2024-01-05 18:00", "2024-01-05 18:30", 2),  # 30 min, 1 officer hour
    ("A", "2024-01-20 19:00", "2024-01-20 19:10", 1),  # 10 min, 1/6 officer hour
    ("A", "2024-02-10 20:00", "2024-02-10 20:15", 3),  # exactly 15 min, 0.75 officer hours
    ("A", "2024-03-01 10:00", "2024-03-01 11:00", 1),  # after the period
    ("A", "2023-12-31 23:50", "2024-01-01 00:20", 1),  # starts before the period
    ("B", "2024-02-29 23:30", "2024-03-01 00:30", 2),  # starts on the last day: inside
    ("X", "2024-01-10 12:00", "2024-01-10 13:00", 1),  # not one of the hotspots asked for
])  # fmt: skip


# Checks outputs


def test_period_days():
    assert period_days(JAN_FEB_2024) == 60
    assert period_days(Period.parse("2023-01:2023-12")) == 365


def test_rows_are_the_hotspots_asked_for_in_order():
    table = dosage(LOG, JAN_FEB_2024, ["C", "B", "A"])
    assert list(table.index) == ["C", "B", "A"]
    assert table.index.name == "hotspot_id"
    assert list(table.columns) == DOSAGE_COLUMNS


def test_dosage_by_hand():
    row = dosage(LOG, JAN_FEB_2024, ["A", "B", "C"]).loc["A"]
    officer_hours = 1.0 + 1 / 6 + 0.75
    assert row["visits"] == 3
    assert row["officer_hours"] == pytest.approx(officer_hours)
    assert row["hours_per_week"] == pytest.approx(officer_hours / (60 / 7))
    assert row["visits_per_day"] == pytest.approx(3 / 60)
    assert row["minutes_per_visit"] == pytest.approx((30 + 10 + 15) / 3)
    assert row["share_15_min"] == pytest.approx(2 / 3)


def test_minutes_are_elapsed_not_times_officers():
    row = dosage(LOG, JAN_FEB_2024, ["B"]).loc["B"]
    assert row["visits"] == 1
    assert row["officer_hours"] == pytest.approx(2.0)
    assert row["minutes_per_visit"] == pytest.approx(60.0)
    assert row["share_15_min"] == 1.0


def test_hotspot_without_visits_has_zero_dose_and_no_visit_length():
    row = dosage(LOG, JAN_FEB_2024, ["C"]).loc["C"]
    assert row["visits"] == 0
    assert row["officer_hours"] == 0
    assert row["hours_per_week"] == 0
    assert row["visits_per_day"] == 0
    assert math.isnan(row["minutes_per_visit"])
    assert math.isnan(row["share_15_min"])


def test_an_empty_log_gives_zeros():
    table = dosage(empty_patrols(), JAN_FEB_2024, ["A", "B"])
    assert list(table["visits"]) == [0, 0]
    assert list(table["hours_per_week"]) == [0.0, 0.0]
    assert table["minutes_per_visit"].isna().all()


def test_no_hotspots_gives_an_empty_table():
    table = dosage(LOG, JAN_FEB_2024, [])
    assert table.empty
    assert list(table.columns) == DOSAGE_COLUMNS


def test_visit_across_the_clock_change_counts_real_time(tmp_path):
    """00:30 to 02:30 on 31 March 2024 is one real hour: the clocks went forward at 01:00."""
    path = tmp_path / "patrols.csv"
    path.write_text(
        "hotspot_id,start,end,officers,arrests,engagements\n"
        "A,2024-03-31T00:30,2024-03-31T02:30,2,0,4\n"
        "A,2024-03-12T18:00,2024-03-12T18:12,1,1,0\n",
        encoding="utf-8",
    )
    row = dosage(read_patrols(path), Period.parse("2024-03:2024-03"), ["A"]).loc["A"]
    assert row["officer_hours"] == pytest.approx(2.0 + 0.2)
    assert row["minutes_per_visit"] == pytest.approx((60 + 12) / 2)
    assert row["share_15_min"] == pytest.approx(0.5)
    assert row["hours_per_week"] == pytest.approx(2.2 / (31 / 7))


# Checks inputs


def test_a_log_without_hours_is_refused():
    with pytest.raises(HotspotDataError, match="hours"):
        dosage(LOG.drop(columns="hours"), JAN_FEB_2024, ["A"])
