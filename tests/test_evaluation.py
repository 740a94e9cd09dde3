"""Significance, displacement rings, control, WDD per hotspot and programme, bivariate classes."""

import math

import numpy as np
import pandas as pd
import pytest

from geo.analysis.aggregate import count_crimes
from geo.analysis.areas import area_counts, rings
from geo.analysis.evaluation import (
    evaluation_table,
    hotspot_wdd,
    primary_reading,
    programme_wdd,
)
from geo.analysis.figures import hotspot_table, programme_figures
from geo.analysis.stats import exact_p, wdd
from geo.crs import BRITISH_NATIONAL_GRID
from geo.io.crimes import read_crimes
from geo.io.hotspots import read_hotspots
from geo.io.patrols import empty_patrols
from geo.period import Period
from tests.helpers import square_hotspots, write_street_csv

ASB = "Anti-social behaviour"
PERIOD = Period.parse("2024-01:2024-01")
# Two ~110 m squares near Heanor, far apart; a 200 m ring round each.
SQUARES = {"A": (-1.3550, 53.0130, -1.3535, 53.0140), "B": (-1.3000, 53.0130, -1.2985, 53.0140)}
IN_A, RING_A, FAR = (-1.3542, 53.0135), (-1.3560, 53.0135), (-1.20, 53.10)


@pytest.fixture
def case(tmp_path):
    hotspots = read_hotspots(square_hotspots(tmp_path / "h.geojson", SQUARES))
    rows = (
        [("2023-01", *IN_A, ASB)] * 30 + [("2024-01", *IN_A, ASB)] * 10
        + [("2023-01", *RING_A, ASB)] * 4 + [("2024-01", *RING_A, ASB)] * 6
        + [("2023-01", *FAR, ASB)] * 100 + [("2024-01", *FAR, ASB)] * 90
        + [("2024-01", None, None, ASB)] * 7
    )  # fmt: skip
    write_street_csv(tmp_path / "c" / "x-street.csv", rows)
    crimes = read_crimes([tmp_path / "c"])
    return hotspots, count_crimes(crimes, hotspots), area_counts(crimes, hotspots, ring_m=200)


def test_ring_surrounds_but_excludes_every_hotspot(case):
    hotspots, _, _ = case
    ring = rings(hotspots, 200).to_crs(BRITISH_NATIONAL_GRID)
    metres = hotspots.to_crs(BRITISH_NATIONAL_GRID)
    assert ring.intersection(metres.union_all()).area.max() < 0.5  # m², reprojection noise
    expected = metres.buffer(200).area - metres.area
    assert np.allclose(ring.area, expected, rtol=1e-3)


def test_ring_and_control_counts(case):
    _hotspots, _counts, areas = case
    ring_counts = areas.rings.hotspot.set_index(["hotspot_id", "month"])["asb"]
    assert ring_counts.groupby("hotspot_id").sum().to_dict() == {"A": 10}
    control = areas.control["asb"].tolist()
    assert control == [100, 90]  # located rows outside hotspots and rings; 7 unlocated left out


def test_hotspot_tests_and_no_control_reading_without_comparison_areas(case):
    """Exact test and interval per hotspot; with one untreated square there is no dispersion,
    so no control-adjusted reading or WDD is given rather than an over-sure one."""
    hotspots, counts, areas = case
    table = hotspot_table(hotspots, counts, empty_patrols(), PERIOD)
    evaluated = evaluation_table(table, counts, areas, empty_patrols(), PERIOD).set_index(
        "hotspot_id"
    )
    row = evaluated.loc["A"]
    assert row["asb_p"] == pytest.approx(exact_p(30, 10))
    assert row["asb_rr"] == pytest.approx(1 / 3)
    assert row["asb_rr_low"] < 1 / 3 < row["asb_rr_high"] < 1
    assert not row["asb_too_few"] and evaluated.loc["B", "asb_too_few"]
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
    result = programme_wdd(counts, areas, PERIOD, ["A", "B"])
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

    result = programme_figures(table, NoCounts(), PERIOD)
    assert result.asb_largest_reduction_where == "Big"
    assert result.asb_mean_change_pct == pytest.approx(-30.0)  # too few: not averaged either
    assert result.asb_mean_over == 1
    assert result.too_few == 1
