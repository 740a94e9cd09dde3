"""Significance, control readings and WDD per hotspot and programme."""

import math

import pandas as pd
import pytest

from geo.analysis.context import EvaluationContext
from geo.analysis.evaluation import (
    evaluation_table,
    hotspot_wdd,
    primary_reading,
    programme_wdd,
)
from geo.analysis.figures import hotspot_table, programme_figures
from geo.analysis.stats import exact_p, too_few, wdd
from geo.counting.aggregate import count_crimes
from geo.counting.areas import area_counts
from geo.io.patrols import empty_patrols
from geo.period import Period
from tests.helpers import squares_with_rings

PERIOD = Period.parse("2024-01:2024-01")


@pytest.fixture
def case(tmp_path):
    hotspots, crimes = squares_with_rings(tmp_path)
    return hotspots, count_crimes(crimes, hotspots), area_counts(crimes, hotspots, ring_m=200)


def test_hotspot_tests_and_no_control_reading_without_comparison_areas(case):
    """Exact test and interval per hotspot; with one untreated square there is no dispersion,
    so no control-adjusted reading or WDD is given rather than an over-sure one."""
    hotspots, counts, areas = case
    table = hotspot_table(hotspots, counts, empty_patrols(), EvaluationContext.of(PERIOD, hotspots))
    evaluated = evaluation_table(
        table, counts, areas, empty_patrols(), EvaluationContext.of(PERIOD)
    ).set_index("hotspot_id")
    row = evaluated.loc["A"]
    assert row["asb_p"] == pytest.approx(exact_p(30, 10))
    assert row["asb_rr"] == pytest.approx(1 / 3)
    assert row["asb_rr_low"] < 1 / 3 < row["asb_rr_high"] < 1
    assert row["asb_too_few"] == too_few(30) and evaluated.loc["B", "asb_too_few"]  # the rule's
    assert row["ring_asb_before"] == 4 and row["ring_asb_after"] == 6
    assert math.isnan(row["dispersion"]) and math.isnan(row["adjusted_ratio"])
    assert math.isnan(row["wdd_p"])
    assert "not known" in primary_reading(row.to_dict())


def test_hotspot_wdd_scales_the_control_with_delta_method_variance():
    """Treated 30 → 10 and ring 4 → 6 against one control 100 → 90, scaled to each baseline."""
    result = hotspot_wdd(30, 10, 4, 6, (100, 90))
    assert result.estimate == pytest.approx((10 - 30 * 0.9) + (6 - 4 * 0.9))
    variance = (10 + 30 * 0.81) + (6 + 4 * 0.81) + 34**2 * 90 / 100**2 * 1.9
    assert result.se == pytest.approx(math.sqrt(variance))
    assert hotspot_wdd(30, 10, 4, 6, (100, 90), dispersion=math.nan) is None


def test_programme_wdd_is_the_sum_of_areas(case):
    _hotspots, counts, areas = case
    result = programme_wdd(counts, areas, EvaluationContext.of(PERIOD), ["A", "B"])
    assert result.estimate == pytest.approx(hotspot_wdd(30, 10, 4, 6, (100, 90)).estimate)


def test_weight_one_is_the_published_test():
    plain = wdd((207, 110), (308, 318), (178, 157), (150, 140))
    weighted = wdd((207, 110), (308, 318), (178, 157), (150, 140), 1.0, 1.0)
    assert plain == weighted and plain.estimate == -118


def test_too_few_is_not_ranked_as_largest_reduction():
    table = pd.DataFrame(
        {"hotspot_id": ["a", "b"], "name": ["Big", "Tiny"], "asb_change_pct": [-30.0, -80.0],
         "asb_too_few": [False, True], "officer_hours": [0.0, 0.0], "visits": [0, 0],
         "arrests": [0, 0], "engagements": [0, 0]}
    )  # fmt: skip

    class NoCounts:
        force = pd.DataFrame({"crime": [], "asb": [], "no_location": []})
        membership = pd.DataFrame({"point": [], "hotspot_id": []})
        point_months = pd.DataFrame({"point": [], "month": [], "crime": [], "asb": []})

        def programme(self, ids):
            return pd.DataFrame({"crime": [], "asb": []}, index=pd.Index([], name="month"))

    result = programme_figures(table, NoCounts(), EvaluationContext.of(PERIOD))
    assert result.asb_largest_reduction_where == "Big"
    assert result.asb_mean_change_pct == pytest.approx(-30.0)  # too few: not averaged either
    assert result.asb_mean_over == 1
    assert result.too_few == 1
