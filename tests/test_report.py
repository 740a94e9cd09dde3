"""geo.analysis.report: the period's table and the evaluation record `geo evaluate` writes.
(The command itself, and that its numbers are the app's, is tested in test_evaluate_cli.py.)"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from geo.analysis.evaluation import primary_reading
from geo.analysis.report import (
    HOTSPOT_KEYS,
    _number,
    evaluation_record,
    hotspot_frame,
    period_table,
)
from geo.app.load import load_dataset
from geo.period import Period
from tests.flagged_data import ASB, ASB_PER_MONTH, NO_ASB_MONTH, three_year_dataset
from tests.helpers import write_street_csv

BURGLARIES_PER_MONTH = 10  # three_year_dataset's other crime
YEAR = Period.parse("2024-01:2024-12")
LEFT_OUT = ["2023-03", NO_ASB_MONTH]


@pytest.fixture(scope="module")
def flagged(tmp_path_factory):
    return load_dataset(three_year_dataset(tmp_path_factory.mktemp("flagged") / "data"))


def _record(dataset, keep_flagged=False):
    context = dataset.context(YEAR, keep_flagged)
    table = period_table(dataset.hotspots, dataset.counts, dataset.areas, dataset.patrols, context)
    return evaluation_record(table, dataset.counts, dataset.areas, context)


def test_an_asb_flag_leaves_its_month_out_of_both_years_of_the_all_crime_figures_too(flagged):
    record = _record(flagged)
    assert record["period"]["asb_excluded_months"] == LEFT_OUT
    assert record["period"]["crime_excluded_months"] == LEFT_OUT
    assert record["period"]["excluded_months"] == LEFT_OUT
    eleven = 11 * (ASB_PER_MONTH + BURGLARIES_PER_MONTH)
    forcewide = record["forcewide"]
    assert (forcewide["crime_before"], forcewide["crime_after"]) == (eleven, eleven)
    assert forcewide["crime_change_pct"] == 0


def test_kept_flagged_months_count_in_both_years(flagged):
    record = _record(flagged, keep_flagged=True)
    assert record["period"]["excluded_months"] == []
    assert [a["month"] for a in record["anomalies"]] == [NO_ASB_MONTH]  # kept, still listed
    forcewide = record["forcewide"]
    before = 12 * (ASB_PER_MONTH + BURGLARIES_PER_MONTH)
    after = before - ASB_PER_MONTH
    assert (forcewide["crime_before"], forcewide["crime_after"]) == (before, after)
    assert forcewide["crime_change_pct"] == pytest.approx(100 * (after - before) / before)


def test_the_period_table_leaves_flagged_months_out_unless_kept(tmp_path):
    """One ASB a month in the hotspot's ring too (none in the flagged month): the ring's counts
    leave out the same months as the hotspot's."""
    folder = three_year_dataset(tmp_path / "data")
    for month in pd.period_range("2022-01", "2024-12", freq="M").astype(str):
        if month != NO_ASB_MONTH:
            ring = [(month, 1.0005, 50.5, ASB)]  # about 35 m east of hotspot A
            write_street_csv(folder / "crimes" / f"{month}-ring-street.csv", ring)
    ringed = load_dataset(folder)
    for keep, months in ((False, 11), (True, 12)):
        table = period_table(
            ringed.hotspots, ringed.counts, ringed.areas, ringed.patrols,
            ringed.context(YEAR, keep),
        )  # fmt: skip
        row = table.iloc[0]
        assert row["asb_before"] == months * ASB_PER_MONTH
        assert (row["ring_asb_before"], row["ring_asb_after"]) == (months, 11)


def test_the_record_is_strict_json_with_the_hotspots_in_the_csv_columns(flagged):
    record = _record(flagged)
    json.dumps(record, allow_nan=False)  # NaN and numpy values written as JSON knows them
    (hotspot,) = record["hotspots"]
    assert list(hotspot) == [*HOTSPOT_KEYS, "reading"]
    assert hotspot["too_few"] is False and isinstance(hotspot["asb_before"], int)
    frame = hotspot_frame(record)
    assert list(frame.columns) == [*HOTSPOT_KEYS, "reading"] and len(frame) == 1
    table = period_table(
        flagged.hotspots, flagged.counts, flagged.areas, flagged.patrols, flagged.context(YEAR)
    )
    assert hotspot["reading"] == primary_reading(table.iloc[0].to_dict())


@pytest.mark.parametrize(
    "value,plain",
    [(np.int64(3), 3), (np.bool_(True), True), (np.float32(0.5), 0.5), (2.5, 2.5), ("x", "x")],
)
def test_numbers_become_plain_python_values(value, plain):
    number = _number(value)
    assert number == plain and type(number) is type(plain)


@pytest.mark.parametrize("value", [math.nan, np.float64("nan"), math.inf, -np.inf])
def test_missing_and_infinite_numbers_become_none_never_zero(value):
    assert _number(value) is None
