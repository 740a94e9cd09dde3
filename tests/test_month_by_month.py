"""Month by month: each hotspot's ASB per month against the same month a year before, with a
month that has no data, a flagged month and a hotspot not yet started shown as what they are."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.analysis.figures import monthly_asb
from geo.analysis.month_by_month import COUNTED, FLAGGED, NO_DATA, month_by_month
from geo.app.load import load_dataset
from geo.period import Period
from tests.flagged_data import ASB_PER_MONTH, NO_ASB_MONTH, three_year_dataset

GAP = "2023-06"
"""A month whose file is removed: no crime data at all."""
PERIOD = Period.parse("2023-05:2024-04")
"""Twelve months holding the gap itself and the month flagged for its ASB."""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The three-year dataset with the crime file of GAP removed, and a second hotspot B that
    started in 2024-02."""
    folder = three_year_dataset(tmp_path / "data")
    (folder / "crimes" / f"{GAP}-test-street.csv").unlink()
    path = folder / "hotspots.geojson"
    data = json.loads(path.read_text())
    late = json.loads(json.dumps(data["features"][0]))
    late["properties"].update(hotspot_id="B", name="Hotspot B", started="2024-02-01")
    data["features"].append(late)
    path.write_text(json.dumps(data))
    return folder


def test_each_month_is_counted_or_says_why_not(folder):
    dataset = load_dataset(folder)
    readings = month_by_month(dataset.counts, ["A", "B"], dataset.context(PERIOD))
    statuses = {str(s.month): s for s in readings.months}
    assert [str(m) for m in PERIOD.months] == list(statuses)
    assert statuses[GAP].status == NO_DATA and str(statuses[GAP].because_of) == GAP
    flagged = statuses[NO_ASB_MONTH]
    assert flagged.status == FLAGGED and str(flagged.because_of) == NO_ASB_MONTH
    assert flagged.flags and all(str(a.month) == NO_ASB_MONTH for a in flagged.flags)
    others = [s for m, s in statuses.items() if m not in (GAP, NO_ASB_MONTH)]
    assert all(s.status == COUNTED and s.because_of is None for s in others)


def test_a_month_not_counted_is_not_known_never_zero(folder):
    dataset = load_dataset(folder)
    readings = month_by_month(dataset.counts, ["A", "B"], dataset.context(PERIOD))
    months = [str(s.month) for s in readings.months]
    for month in (GAP, NO_ASB_MONTH):
        row = months.index(month)
        assert np.isnan(readings.this_year[row]).all()
        assert np.isnan(readings.year_before[row]).all()
        assert np.isnan(readings.change_pct()[row]).all()


def test_counted_months_hold_the_hotspot_counts_a_year_apart(folder):
    dataset = load_dataset(folder)
    readings = month_by_month(dataset.counts, ["A", "B"], dataset.context(PERIOD))
    shown = monthly_asb(dataset.counts, "A", PERIOD)  # the detail chart's own counts
    for row, status in enumerate(readings.months):
        if status.status != COUNTED:
            continue
        assert readings.this_year[row, 0] == shown["this_year"][row]
        assert readings.year_before[row, 0] == shown["last_year"][row]
    counted = [r for r, s in enumerate(readings.months) if s.status == COUNTED]
    assert (readings.this_year[counted, 0] == ASB_PER_MONTH).all()
    assert (readings.change_pct()[counted, 0] == 0).all()


def test_a_hotspot_has_no_months_before_it_started(folder):
    dataset = load_dataset(folder)
    readings = month_by_month(dataset.counts, ["A", "B"], dataset.context(PERIOD))
    months = [s.month for s in readings.months]
    before = np.array([m < pd.Period("2024-02", freq="M") for m in months])
    assert (readings.started[:, 1] == ~before).all() and readings.started[:, 0].all()
    assert np.isnan(readings.this_year[before, 1]).all()
    counted = np.array([s.status == COUNTED for s in readings.months])
    assert not np.isnan(readings.this_year[~before & counted, 1]).any()


def test_a_flagged_month_kept_on_request_is_counted_as_its_reports(folder):
    dataset = load_dataset(folder)
    context = dataset.context(PERIOD, keep_flagged=True)
    readings = month_by_month(dataset.counts, ["A"], context)
    row = [str(s.month) for s in readings.months].index(NO_ASB_MONTH)
    assert readings.months[row].status == COUNTED
    assert readings.this_year[row, 0] == 0 and readings.year_before[row, 0] == ASB_PER_MONTH
    gap = [str(s.month) for s in readings.months].index(GAP)
    assert readings.months[gap].status == NO_DATA  # a month with no data is never counted


def test_the_month_a_year_after_a_gap_has_nothing_to_compare_with(folder):
    dataset = load_dataset(folder)
    period = Period.parse("2024-01:2024-12")
    readings = month_by_month(dataset.counts, ["A"], dataset.context(period))
    after = next(s for s in readings.months if str(s.month) == "2024-06")
    assert after.status == NO_DATA and str(after.because_of) == GAP
