"""Count-change statistics: Poisson z, rate ratios, the small-count flag and the WDD test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.analysis.stats import (
    poisson_z,
    rate_ratio,
    rate_ratios,
    too_few,
    two_sided_p,
    wdd,
    wdd_reading,
)
from geo.errors import HotspotDataError

# Wheeler & Ratcliffe (2018) worked example, in (pre, post) order per area.
PAPER = {
    "treated": (207, 110),
    "control": (308, 318),
    "displacement": (178, 157),
    "displacement_control": (150, 140),
}


# Checks outputs


def test_poisson_z_by_hand():
    assert poisson_z(0, 0) == 0
    assert poisson_z(100, 81) == pytest.approx(2 * (9 - 10))
    assert poisson_z(16, 25) == pytest.approx(2.0)


def test_poisson_z_is_antisymmetric():
    assert poisson_z(37, 12) == pytest.approx(-poisson_z(12, 37))


def test_two_sided_p_of_196_is_five_percent():
    assert two_sided_p(1.959964) == pytest.approx(0.05, abs=1e-6)
    assert two_sided_p(-1.959964) == pytest.approx(0.05, abs=1e-6)
    assert two_sided_p(0.0) == 1.0


def test_rate_ratio_log_interval_by_hand():
    result = rate_ratio(100, 75)
    half = 1.959964 * math.sqrt(1 / 75 + 1 / 100)
    assert result.ratio == pytest.approx(0.75)
    assert result.low == pytest.approx(0.75 * math.exp(-half), rel=1e-6)
    assert result.high == pytest.approx(0.75 * math.exp(half), rel=1e-6)


def test_rate_ratio_level_widens_the_interval():
    narrow, wide = rate_ratio(50, 40, level=0.8), rate_ratio(50, 40, level=0.99)
    assert wide.low < narrow.low < narrow.ratio < narrow.high < wide.high


@pytest.mark.parametrize(("before", "after"), [(0, 5), (5, 0), (0, 0)])
def test_rate_ratio_is_nan_when_a_count_is_zero(before, after):
    result = rate_ratio(before, after)
    assert math.isnan(result.ratio) and math.isnan(result.low) and math.isnan(result.high)


def test_rate_ratios_match_the_scalar_version_and_keep_the_index():
    before = pd.Series([100, 0, 5, 30], index=["a", "b", "c", "d"])
    after = pd.Series([75, 3, 5, 12], index=before.index)
    table = rate_ratios(before, after)
    assert list(table.index) == ["a", "b", "c", "d"]
    for hotspot in ("a", "c", "d"):
        single = rate_ratio(int(before[hotspot]), int(after[hotspot]))
        assert table.loc[hotspot, "ratio"] == pytest.approx(single.ratio)
        assert table.loc[hotspot, "low"] == pytest.approx(single.low)
        assert table.loc[hotspot, "high"] == pytest.approx(single.high)
        assert table.loc[hotspot, "z"] == pytest.approx(poisson_z(before[hotspot], after[hotspot]))
    assert table.loc["b", ["ratio", "low", "high"]].isna().all()
    assert list(table["too_few"]) == [False, True, True, False]


def test_too_few_rule():
    assert too_few(9, 30)  # base under 10
    assert too_few(12, 7)  # 19 events in all
    assert not too_few(10, 10)
    assert not too_few(40, 0)
    assert too_few(40, 0, minimum=50)


def test_a_halving_on_too_few_events_is_within_chance():
    """The rule's reason: a halving from 12 to 6 (18 events) only just reaches |z| = 1.96."""
    assert abs(poisson_z(10, 5)) < 1.96
    assert abs(poisson_z(12, 6)) > 1.96


def test_wdd_reproduces_the_paper():
    """Wheeler & Ratcliffe (2018), Crime Science 7:17, worked example.

    Control (308, 318), treated (207, 110), displacement-control (150, 140), displacement
    (178, 157) give WDD = −118, variance 1568 (se ≈ 39.6), z = −2.98 and a 95% interval of −196
    to −40. The same numbers are the "Est & Variance Paper" case in the R package ptools,
    tests/testthat/test-wdd.R (github.com/apwheele/ptools).
    """
    result = wdd(**PAPER)
    assert result.estimate == -118
    assert result.se == pytest.approx(math.sqrt(1568))
    assert round(result.z, 2) == -2.98
    low, high = result.interval(0.95)
    assert (round(low), round(high)) == (-196, -40)
    assert result.p == pytest.approx(two_sided_p(result.z))
    assert result.p == pytest.approx(0.00288, abs=1e-5)


def test_wdd_parts_of_the_paper_example():
    """Local ΔT − ΔCt = −97 − 10; displacement ΔD − ΔCd = −21 − (−10); they sum to the total."""
    result = wdd(**PAPER)
    assert result.local.estimate == -107
    assert result.local.se == pytest.approx(math.sqrt(207 + 110 + 308 + 318))
    assert result.displacement is not None
    assert result.displacement.estimate == -11
    assert result.displacement.se == pytest.approx(25.0)
    assert result.local.estimate + result.displacement.estimate == result.estimate


def test_wdd_matches_ptools_unit_cases():
    """ptools tests/testthat/test-wdd.R: local −10, displacement −10, total −20."""
    assert wdd((20, 10), (20, 20)).estimate == -10
    both = wdd((20, 10), (20, 20), (20, 10), (20, 20))
    assert both.displacement is not None and both.displacement.estimate == -10
    assert both.estimate == -20


def test_wdd_without_displacement_is_difference_in_differences():
    result = wdd((80, 20), (100, 50))
    assert result.estimate == -10
    assert result.se == pytest.approx(math.sqrt(250))
    assert result.displacement is None
    assert result.local.estimate == result.estimate


def test_wdd_of_no_change_anywhere_is_zero():
    result = wdd((40, 40), (25, 25), (13, 13), (7, 7))
    assert result.estimate == 0
    assert result.z == 0
    assert result.p == pytest.approx(1.0)


def test_wdd_of_all_zero_counts_is_no_evidence():
    result = wdd((0, 0), (0, 0))
    assert (result.estimate, result.se, result.z, result.p) == (0, 0, 0, 1)


def test_wdd_z_is_symmetric_in_time():
    forward = wdd((207, 110), (308, 318), (178, 157), (150, 140))
    backward = wdd((110, 207), (318, 308), (157, 178), (140, 150))
    assert backward.estimate == -forward.estimate
    assert backward.z == pytest.approx(-forward.z)
    assert backward.p == pytest.approx(forward.p)


def test_reading_of_the_paper_example():
    text = wdd_reading(wdd(**PAPER), what="ASB", ring_m=200)
    assert text.startswith(
        "ASB was 107 lower than the control trend predicts (z = −3.5, p < 0.001)"
    )
    assert "displacement into the surrounding 200 m was not seen" in text
    assert "ASB was 118 lower than the control trends predict (z = −3.0, p = 0.003)" in text


def test_reading_says_not_distinguishable_when_p_is_five_percent_or_more():
    result = wdd((100, 95), (100, 100))
    assert result.p >= 0.05
    text = wdd_reading(result)
    assert (
        text == "ASB was not distinguishable from the control trend (5 lower, z = −0.3, p = 0.801)."
    )


def test_reading_names_displacement_and_diffusion():
    moved = wdd_reading(wdd((100, 60), (100, 100), (50, 80), (50, 50)), ring_m=250)
    assert "in the surrounding 250 m ASB was 30 higher than its control trend" in moved
    assert "a sign of displacement" in moved
    assert "ASB was not distinguishable from the control trends" in moved
    spread = wdd_reading(wdd((100, 60), (100, 100), (50, 20), (50, 50)), what="Crime")
    assert "a diffusion of benefit rather than displacement" in spread
    assert spread.startswith("Crime was 40 lower")


def test_reading_of_a_rise():
    text = wdd_reading(wdd((50, 100), (50, 50)))
    assert text.startswith("ASB was 50 higher than the control trend predicts")


def test_reading_never_rounds_p_across_five_percent():
    result = wdd((31, 11), (31, 31))
    assert 0.0495 < result.p < 0.05
    assert "p = 0.049)" in wdd_reading(result)


# Checks inputs


@pytest.mark.parametrize(("before", "after"), [(-1, 3), (3, -1)])
def test_negative_counts_are_refused(before, after):
    with pytest.raises(HotspotDataError, match="0 or more"):
        poisson_z(before, after)
    with pytest.raises(HotspotDataError):
        rate_ratio(before, after)
    with pytest.raises(HotspotDataError):
        wdd((before, after), (1, 1))


def test_displacement_needs_its_control():
    with pytest.raises(HotspotDataError, match="both a displacement area and its control"):
        wdd((10, 5), (10, 10), displacement=(5, 5))


def test_a_pair_must_be_a_pair():
    with pytest.raises(HotspotDataError, match="pair"):
        wdd((10, 5, 3), (10, 10))  # type: ignore[arg-type]


def test_rate_ratios_need_matching_lengths():
    with pytest.raises(HotspotDataError, match="same length"):
        rate_ratios(np.array([1, 2]), np.array([1]))


@pytest.mark.parametrize("level", [0, 1, 95])
def test_confidence_level_must_be_a_fraction(level):
    with pytest.raises(HotspotDataError, match="between 0 and 1"):
        rate_ratio(10, 10, level=level)
