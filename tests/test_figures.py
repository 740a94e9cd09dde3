"""Aggregation and figures on hand-made cases whose answers can be counted by eye."""

import math

import pandas as pd
import pytest

from geo.analysis.context import EvaluationContext
from geo.analysis.coverage import check_period
from geo.analysis.figures import change_pct, hotspot_table, monthly_asb, programme_figures
from geo.counting.aggregate import count_crimes
from geo.errors import HotspotDataError
from geo.io.crimes import read_crimes
from geo.io.hotspots import read_hotspots
from geo.io.patrols import empty_patrols, read_patrols
from geo.period import Period
from tests.helpers import square_hotspots, write_patrols, write_street_csv

ASB, BURGLARY = "Anti-social behaviour", "Burglary"
# A at (0..1, 50..51); B overlaps A's right half; C far away with no ASB last year.
SQUARES = {"A": (0.0, 50.0, 1.0, 51.0), "B": (0.5, 50.0, 1.5, 51.0), "C": (5.0, 50.0, 6.0, 51.0)}
PERIOD = Period.parse("2024-01:2024-02")


@pytest.fixture
def figures(tmp_path):
    hotspots = read_hotspots(square_hotspots(tmp_path / "h.geojson", SQUARES))
    rows = [
        ("2023-01", 0.2, 50.5, ASB),  # A only, before
        ("2023-01", 0.2, 50.5, ASB),
        ("2023-02", 0.75, 50.5, ASB),  # A and B (overlap), before
        ("2023-02", 1.0, 50.5, BURGLARY),  # on A's right edge and inside B
        ("2024-01", 0.2, 50.5, ASB),  # A only, after
        ("2024-02", 0.75, 50.5, ASB),  # overlap, after
        ("2024-02", 0.75, 50.5, ASB),
        ("2024-02", 5.5, 50.5, ASB),  # C: nothing before
        ("2024-01", 3.0, 50.5, BURGLARY),  # outside every hotspot
        ("2024-01", None, None, BURGLARY),  # no location: forcewide only
        ("2023-01", 3.0, 50.5, BURGLARY),
    ]
    write_street_csv(tmp_path / "c" / "2024-street.csv", rows)
    counts = count_crimes(read_crimes([tmp_path / "c"]), hotspots)
    return hotspots, counts


def test_point_on_edge_counts_and_overlaps_count_in_each(figures):
    hotspots, counts = figures
    table = hotspot_table(
        hotspots, counts, empty_patrols(), EvaluationContext.of(PERIOD, hotspots)
    ).set_index("hotspot_id")
    assert table.loc["A", ["asb_before", "asb_after", "crime_before", "crime_after"]].tolist() == [
        3,
        3,
        4,
        3,
    ]
    assert table.loc["B", ["asb_before", "asb_after", "crime_before", "crime_after"]].tolist() == [
        1,
        2,
        2,
        2,
    ]
    assert table.loc["A", "asb_change_pct"] == 0.0
    assert table.loc["B", "asb_change_pct"] == 100.0


def test_zero_before_gives_empty_change_not_infinity(figures):
    hotspots, counts = figures
    table = hotspot_table(
        hotspots, counts, empty_patrols(), EvaluationContext.of(PERIOD, hotspots)
    ).set_index("hotspot_id")
    assert table.loc["C", "asb_before"] == 0 and table.loc["C", "asb_after"] == 1
    assert math.isnan(table.loc["C", "asb_change_pct"])
    assert table.loc["C", "asb_too_few"]


def test_table_of_some_hotspots_and_of_a_hotspot_without_crimes(figures, tmp_path):
    """A table of some hotspots (a town's) has their rows of the whole table, in their order;
    a hotspot no crime fell in has counts of 0 (whole numbers), not missing."""
    hotspots, counts = figures
    whole = hotspot_table(
        hotspots, counts, empty_patrols(), EvaluationContext.of(PERIOD, hotspots)
    ).set_index("hotspot_id")
    some = hotspots[hotspots["hotspot_id"].isin(["C", "A"])].iloc[::-1]
    table = hotspot_table(
        some, counts, empty_patrols(), EvaluationContext.of(PERIOD, some)
    ).set_index("hotspot_id")
    assert list(table.index) == ["C", "A"]
    pd.testing.assert_frame_equal(table, whole.loc[["C", "A"]])
    empty = square_hotspots(tmp_path / "d.geojson", {"D": (9.0, 50.0, 10.0, 51.0)})
    alone = hotspot_table(
        read_hotspots(empty),
        counts,
        empty_patrols(),
        EvaluationContext.of(PERIOD, read_hotspots(empty)),
    )
    counted = ["asb_before", "asb_after", "crime_before", "crime_after"]
    assert alone[counted].to_numpy().tolist() == [[0, 0, 0, 0]]
    assert all(alone[column].dtype == "int64" for column in counted)


def test_programme_counts_each_crime_once_and_force_counts_every_row(figures):
    hotspots, counts = figures
    table = hotspot_table(hotspots, counts, empty_patrols(), EvaluationContext.of(PERIOD, hotspots))
    result = programme_figures(table, counts, EvaluationContext.of(PERIOD))
    assert (result.asb_before, result.asb_after) == (3, 4)  # overlap counted once
    assert (result.crime_before, result.crime_after) == (4, 4)
    assert (result.force_crime_before, result.force_crime_after) == (5, 6)
    # Every hotspot has too few reports to tell: no mean is given rather than one of noise.
    assert math.isnan(result.asb_mean_change_pct)
    assert result.asb_mean_over == 0 and result.too_few == 3
    assert math.isnan(result.asb_largest_reduction_pct)


def test_a_period_reaching_past_the_data_is_refused(figures):
    _, counts = figures
    with pytest.raises(HotspotDataError, match="no crime data for 2024-03 in the period;"):
        check_period(Period.parse("2024-01:2024-03"), counts.months)
    check_period(PERIOD, counts.months)  # inside the data: accepted


def test_monthly_asb_lines_up_months_with_last_year(figures):
    _, counts = figures
    monthly = monthly_asb(counts, "A", PERIOD)
    assert monthly["this_year"].tolist() == [1, 2]
    assert monthly["last_year"].tolist() == [2, 1]


def test_patrol_totals_in_period(figures, tmp_path):
    hotspots, counts = figures
    log = write_patrols(
        tmp_path / "p.csv",
        [
            ("A", "2024-01-05T18:00", "2024-01-05T18:30", 2, 1, 10),
            ("A", "2024-02-10T20:00", "2024-02-10T21:15", 1, 0, 4),
            ("B", "2023-12-31T23:50", "2024-01-01T00:20", 3, 0, 2),  # starts before the period
        ],
    )
    patrols = read_patrols(log, hotspots["hotspot_id"])
    table = hotspot_table(
        hotspots, counts, patrols, EvaluationContext.of(PERIOD, hotspots)
    ).set_index("hotspot_id")
    assert table.loc["A", ["officer_hours", "visits", "arrests", "engagements"]].tolist() == [
        2.25,
        2,
        1,
        14,
    ]
    assert table.loc["B", "visits"] == 0


def test_change_pct_definition():
    assert change_pct(100, 75) == -25.0
    assert math.isnan(change_pct(0, 5))
    assert change_pct(pd.Series([10, 0]), pd.Series([5, 0])).tolist()[0] == -50.0


def test_months_before_a_hotspot_started_are_not_after_for_it(figures):
    hotspots, counts = figures
    hotspots = hotspots.copy()
    hotspots["started"] = pd.NaT
    hotspots.loc[hotspots["hotspot_id"] == "A", "started"] = pd.Timestamp("2024-02-10")
    table = hotspot_table(hotspots, counts, None, EvaluationContext.of(PERIOD, hotspots)).set_index(
        "hotspot_id"
    )
    # A: January is before its start, so only February counts, against February 2023
    assert table.loc["A", ["asb_before", "asb_after"]].tolist() == [1, 2]
    assert table.loc["B", ["asb_before", "asb_after"]].tolist() == [1, 2]  # no date: unchanged
    only_a = programme_figures(
        table.reset_index(), counts, EvaluationContext.of(PERIOD, hotspots), ["A"]
    )
    assert (only_a.asb_before, only_a.asb_after) == (1, 2)
    assert only_a.late_starters == 1
    # the point shared with B (no start date) counts throughout when B is in the programme
    both = programme_figures(
        table.reset_index(), counts, EvaluationContext.of(PERIOD, hotspots), ["A", "B"]
    )
    assert (both.asb_before, both.asb_after) == (1, 2)


def test_without_a_patrol_log_patrol_figures_are_unknown_not_zero(figures):
    hotspots, counts = figures
    table = hotspot_table(hotspots, counts, None, EvaluationContext.of(PERIOD, hotspots))
    assert table[["officer_hours", "visits", "arrests", "engagements"]].isna().all().all()
    result = programme_figures(table, counts, EvaluationContext.of(PERIOD), patrol_log=False)
    assert math.isnan(result.officer_hours) and math.isnan(result.arrests)
    logged = hotspot_table(
        hotspots, counts, empty_patrols(), EvaluationContext.of(PERIOD, hotspots)
    )
    with_log = programme_figures(logged, counts, EvaluationContext.of(PERIOD))
    assert with_log.officer_hours == 0 and with_log.visits == 0  # an empty log is a real zero
