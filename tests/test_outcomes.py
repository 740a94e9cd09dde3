"""Patrol outcomes from the patrol log: only recorded columns, per hotspot and programme."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.analysis.outcomes import (
    OPTIONAL_OUTCOMES,
    OUTCOME_LABELS,
    outcome_totals,
    programme_outcomes,
    recorded_outcomes,
    with_hotspot_outcomes,
)
from geo.io.patrols import read_patrols
from geo.period import Period

JAN, FEB = Period.parse("2024-01:2024-01"), Period.parse("2024-02:2024-02")


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "patrols.csv"
    path.write_text(
        "hotspot_id,start,end,officers,arrests,engagements,stop_searches,asb_powers,notes\n"
        "A,2024-01-02T10:00,2024-01-02T11:00,2,1,7,3,,secret note\n"
        "A,2024-01-09T10:00,2024-01-09T11:00,1,0,2,2,1,\n"
        "B,2024-01-03T10:00,2024-01-03T11:00,1,2,5,,,\n"
        "B,2024-02-03T10:00,2024-02-03T11:00,1,0,1,4,,\n"
        "A,2023-12-31T23:30,2024-01-01T00:30,1,5,0,9,9,\n"
    )
    return read_patrols(path)


def test_only_columns_the_log_records_are_given(log):
    assert recorded_outcomes(log) == ["arrests", "stop_searches", "asb_powers", "engagements"]
    assert "missing_found" not in outcome_totals(log, JAN).columns  # absent: left out, not 0
    assert [o.column for o in programme_outcomes(log, JAN, columns=OPTIONAL_OUTCOMES)] == [
        "stop_searches", "asb_powers",
    ]  # fmt: skip


def test_totals_sum_the_period_for_the_hotspots_asked(log):
    totals = outcome_totals(log, JAN).iloc[0]
    january = log[log["start"].dt.month == 1]
    for column in ("arrests", "engagements", "stop_searches", "asb_powers"):
        assert totals[column] == january[column].sum()  # the December visit is not counted
    only_b = outcome_totals(log, JAN, hotspot_ids=["B"]).iloc[0]
    assert only_b["arrests"] == 2 and np.isnan(only_b["stop_searches"])  # blank: not recorded


def test_per_hotspot_totals_leave_unrecorded_cells_missing(log):
    table = outcome_totals(log, JAN, hotspot_ids=["A", "B", "C"], by_hotspot=True)
    assert list(table.index) == ["A", "B", "C"]
    assert table.loc["A", "stop_searches"] == 5 and table.loc["A", "asb_powers"] == 1
    assert np.isnan(table.loc["B", "asb_powers"]) and table.loc["C"].isna().all()
    assert table.loc["B", "engagements"] == 5


def test_an_outcome_blank_throughout_a_period_is_missing_not_zero(log):
    (stops, powers) = programme_outcomes(log, FEB, columns=OPTIONAL_OUTCOMES)
    assert stops.total == 4 and stops.value() == "4"
    assert np.isnan(powers.total) and powers.value() == "—"


def test_notes_are_never_an_outcome(log):
    assert "notes" not in OUTCOME_LABELS and "notes" not in outcome_totals(log, JAN).columns


def test_no_log_gives_no_outcomes():
    assert programme_outcomes(None, JAN) == []
    assert outcome_totals(pd.DataFrame(), JAN).empty


def test_the_hotspot_table_gains_a_column_per_recorded_outcome(log):
    table = pd.DataFrame({"hotspot_id": ["B", "C", "A"], "arrests": [2.0, np.nan, 1.0]})
    out, added = with_hotspot_outcomes(table, log, JAN)
    assert added == ["stop_searches", "asb_powers"]  # the log has neither missing_found nor drugs
    assert list(out["hotspot_id"]) == ["B", "C", "A"]  # the table's order is kept
    assert out["stop_searches"].iloc[2] == 5 and out["asb_powers"].iloc[2] == 1
    assert np.isnan(out["stop_searches"].iloc[0])  # B recorded no stop and search: not 0
    assert out.iloc[1][added].isna().all()  # C had no patrols at all
    assert out["arrests"].equals(table["arrests"])  # the table's own columns are left alone


def test_no_log_or_no_optional_column_adds_nothing(log):
    table = pd.DataFrame({"hotspot_id": ["A"]})
    out, added = with_hotspot_outcomes(table, None, JAN)
    assert out is table and added == []
    plain = log.drop(columns=["stop_searches", "asb_powers"])
    assert with_hotspot_outcomes(table, plain, JAN)[1] == []
