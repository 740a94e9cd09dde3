"""Count-change statistics: the exact test, rate ratios, too-few flag, BH, Mann–Kendall, WDD."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from geo.analysis.stats import (
    ALPHA,
    TOO_FEW_BEFORE,
    TOO_FEW_RULE,
    benjamini_hochberg,
    exact_p,
    exact_ps,
    mann_kendall,
    placebo_ratio,
    rate_ratio,
    rate_ratios,
    scaled_wdd,
    too_few,
    too_few_flags,
    two_sided_p,
    wdd,
    wdd_reading,
)
from geo.errors import HotspotDataError
from tests.conftest import ROOT

# Wheeler & Ratcliffe (2018) worked example, in (pre, post) order per area.
PAPER = {
    "treated": (207, 110),
    "control": (308, 318),
    "displacement": (178, 157),
    "displacement_control": (150, 140),
}


# Checks outputs


def _binomial_tail(k: int, n: int, share: float) -> float:
    """P(X ≤ k) for X ~ binomial(n, share), summed term by term (independent of scipy)."""
    return sum(math.comb(n, i) * share**i * (1 - share) ** (n - i) for i in range(k + 1))


def test_exact_p_is_r_poisson_test():
    """R: poisson.test(c(7, 14)) = binom.test(7, 21, 0.5): p-value 0.1892 (twice P(X ≤ 7))."""
    assert exact_p(14, 7) == pytest.approx(0.1892, abs=1e-4)
    assert exact_p(14, 7) == pytest.approx(2 * _binomial_tail(7, 21, 0.5), rel=1e-9)
    assert exact_p(7, 14) == pytest.approx(exact_p(14, 7))


def test_fourteen_to_seven_is_not_beyond_chance():
    """The old Poisson z called 14 → 7 beyond chance (|z| = 2.2); the exact test does not."""
    assert abs(2 * (math.sqrt(7) - math.sqrt(14))) > 1.96
    assert exact_p(14, 7) > 0.05


@pytest.mark.parametrize(("before", "after"), [(30, 12), (5, 0), (0, 0), (100, 100), (1, 9)])
def test_exact_p_by_summing_the_binomial(before, after):
    n = before + after
    expected = min(
        1.0, 2 * min(_binomial_tail(after, n, 0.5), 1 - _binomial_tail(after - 1, n, 0.5))
    )
    assert exact_p(before, after) == pytest.approx(expected if n else 1.0, rel=1e-9)


def test_exact_interval_is_clopper_pearson():
    """R: poisson.test(c(7, 14))$conf.int = 0.1708 1.3238; each end leaves 2.5% in its tail."""
    result = rate_ratio(14, 7)
    assert result.ratio == pytest.approx(0.5)
    assert (round(result.low, 4), round(result.high, 4)) == (0.1708, 1.3238)
    share_low = result.low / (1 + result.low)
    share_high = result.high / (1 + result.high)
    assert 1 - _binomial_tail(6, 21, share_low) == pytest.approx(0.025, abs=1e-9)
    assert _binomial_tail(7, 21, share_high) == pytest.approx(0.025, abs=1e-9)


def test_exact_test_false_positive_rate_is_five_percent():
    """Both years drawn from one Poisson mean (50–200, hotspot-like): p < 0.05 about 5% of the
    time (the exact test is a little conservative); the old Poisson z flagged about 17%."""
    rng = np.random.default_rng(7)
    mean = rng.uniform(50, 200, 20_000)
    before, after = rng.poisson(mean), rng.poisson(mean)
    rate = (exact_ps(before, after) < ALPHA).mean()
    assert 0.04 <= rate <= 0.06
    old_z = 2 * (np.sqrt(after) - np.sqrt(before))
    assert (np.abs(old_z) >= 1.96).mean() > 0.14


def test_rate_ratio_level_widens_the_interval():
    narrow, wide = rate_ratio(50, 40, level=0.8), rate_ratio(50, 40, level=0.99)
    assert wide.low < narrow.low < narrow.ratio < narrow.high < wide.high


def test_zero_counts_give_no_infinite_ratio():
    fell_to_zero = rate_ratio(10, 0)
    assert fell_to_zero.ratio == 0 and fell_to_zero.low == 0 and 0 < fell_to_zero.high < 1
    no_baseline = rate_ratio(0, 5)
    assert math.isnan(no_baseline.ratio) and math.isnan(no_baseline.high)
    assert no_baseline.low > 0
    nothing = rate_ratio(0, 0)
    assert math.isnan(nothing.ratio) and nothing.p == 1.0


def test_rate_ratios_match_the_scalar_version_and_keep_the_index():
    before = pd.Series([TOO_FEW_BEFORE + 20, 0, 5, TOO_FEW_BEFORE], index=["a", "b", "c", "d"])
    after = pd.Series([75, 3, 5, 12], index=before.index)
    table = rate_ratios(before, after)
    assert list(table.index) == ["a", "b", "c", "d"]
    for hotspot in ("a", "c", "d"):
        single = rate_ratio(int(before[hotspot]), int(after[hotspot]))
        assert table.loc[hotspot, "ratio"] == pytest.approx(single.ratio)
        assert table.loc[hotspot, "low"] == pytest.approx(single.low)
        assert table.loc[hotspot, "high"] == pytest.approx(single.high)
        assert table.loc[hotspot, "p"] == pytest.approx(exact_p(before[hotspot], after[hotspot]))
    assert table.loc["b", ["ratio", "high"]].isna().all()
    assert list(table["too_few"]) == [False, True, True, False]


def test_too_few_is_below_the_threshold_whatever_the_outcome():
    """The rule itself is measured in tests/test_too_few.py; here, the flag at its edge."""
    assert too_few(TOO_FEW_BEFORE - 1, 0) and not too_few(TOO_FEW_BEFORE, 1000)
    assert str(TOO_FEW_BEFORE) in TOO_FEW_RULE


def test_stats_module_does_not_import_scipy():
    """The threshold is computed at import without scipy, which a summary would load for nothing
    (0.1 s of start-up); the tests that need scipy import it when called."""
    code = "import sys, geo.analysis.stats as s; print(s.TOO_FEW_BEFORE, 'scipy' in sys.modules)"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == [str(TOO_FEW_BEFORE), "False"]


def test_too_few_does_not_look_at_the_outcome():
    assert too_few(5, 0) == too_few(5, 500)
    baselines = np.arange(0, 3 * TOO_FEW_BEFORE)
    assert too_few_flags(baselines).tolist() == [too_few(int(b)) for b in baselines]


def test_benjamini_hochberg_by_hand():
    """R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02; NaN is not a test."""
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.005, np.nan])
    assert q[:4] == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert math.isnan(q[4])
    assert benjamini_hochberg([0.9, 0.95]).max() <= 1.0


def test_mann_kendall_by_hand():
    """A rise over 10 values: S = 45, var = 10·9·25/18 = 125, z = 44/√125; ties reduce var."""
    s, p = mann_kendall(list(range(10)))
    assert s == 45
    assert p == pytest.approx(two_sided_p(44 / math.sqrt(125)))
    s, p = mann_kendall([1, 1, 2])
    assert s == 2  # var = (3·2·11 − 2·1·9)/18 = 8/3
    assert p == pytest.approx(two_sided_p(1 / math.sqrt(8 / 3)))
    assert mann_kendall([3, 3, 3]) == (0.0, 1.0)


def test_placebo_ratio_reads_the_log_ratio_against_the_spread():
    """Against a spread of ±0.2 (uniform), a log ratio of −0.5 is beyond chance, −0.1 is not;
    the interval is the log ratio less the spread's 2.5% and 97.5% points."""
    spread = np.linspace(-0.2, 0.2, 4001)
    far = placebo_ratio(100, 100 * math.exp(-0.5), None, spread)
    assert far.ratio == pytest.approx(math.exp(-0.5))
    assert far.low == pytest.approx(math.exp(-0.5 - 0.19), rel=1e-3)
    assert far.high == pytest.approx(math.exp(-0.5 + 0.19), rel=1e-3)
    assert far.p == pytest.approx(2 / 4002)
    near = placebo_ratio(100, 100 * math.exp(-0.1), None, spread)
    assert near.p == pytest.approx(2 * 1001 / 4002, abs=2e-3) and near.low < 1 < near.high


def test_placebo_p_and_interval_agree():
    """p < 0.05 when the 95% interval leaves out 1, whatever the spread's shape."""
    rng = np.random.default_rng(9)
    spread = np.concatenate([rng.normal(0, 0.1, 1900), rng.normal(-0.2, 0.4, 100)])
    for after in range(60, 140, 2):
        result = placebo_ratio(100, after, None, spread)
        assert (result.p < ALPHA) == (not result.low <= 1 <= result.high), after


def test_placebo_ratio_against_a_control_and_its_noise():
    spread = np.zeros(2000)
    result = placebo_ratio(30, 10, (100, 90), spread)
    assert result.ratio == pytest.approx((10 / 30) / (90 / 100))
    assert result.low < result.ratio < result.high  # the control's own noise still counts
    wide = placebo_ratio(30, 10, (100, 90), np.random.default_rng(1).normal(0, 1, 2000))
    assert wide.low < result.low and wide.high > result.high and wide.p > result.p
    assert math.isnan(placebo_ratio(30, 10, (0, 90), spread).ratio)
    assert math.isnan(placebo_ratio(30, 10, (100, 90), np.array([])).p)
    zero = placebo_ratio(12, 0, None, spread)
    assert zero.ratio == pytest.approx(0.5 / 12.5)


def test_scaled_wdd_variance_is_the_delta_method():
    """The scaled WDD's standard error matches the spread of simulated Poisson counts, where the
    old formula (control weight taken as fixed) did not."""
    rng = np.random.default_rng(3)
    means = np.array([60, 40, 30, 30, 400, 380])  # treated b, a; ring b, a; control b, a
    draws = rng.poisson(means, size=(20_000, 6))
    b, a, rb, ra, cb, ca = draws.T
    estimate = (a - b * ca / cb) + (ra - rb * ca / cb)
    result = scaled_wdd((60, 40), (30, 30), (400, 380))
    assert result.se == pytest.approx(estimate.std(), rel=0.05)
    assert result.local.se == pytest.approx((a - b * ca / cb).std(), rel=0.05)
    assert result.estimate == pytest.approx(40 - 60 * 0.95 + 30 - 30 * 0.95)
    phi = scaled_wdd((60, 40), (30, 30), (400, 380), dispersion=2.0, ring_dispersion=2.0)
    assert phi.se > result.se


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
    text = wdd_reading(wdd(**PAPER), ring_m=200, what="ASB")
    assert text.startswith(
        "ASB was 107 lower than the control trend predicts (z = −3.5, p < 0.001)"
    )
    assert "displacement into the surrounding 200 m was not seen" in text
    assert "ASB was 118 lower than the control trends predict (z = −3.0, p = 0.003)" in text


def test_reading_says_not_distinguishable_when_p_is_five_percent_or_more():
    result = wdd((100, 95), (100, 100))
    assert result.p >= 0.05
    text = wdd_reading(result, ring_m=200)
    assert (
        text == "ASB was not distinguishable from the control trend (5 lower, z = −0.3, p = 0.801)."
    )


def test_reading_names_displacement_and_diffusion():
    moved = wdd_reading(wdd((100, 60), (100, 100), (50, 80), (50, 50)), ring_m=250)
    assert "in the surrounding 250 m ASB was 30 higher than its control trend" in moved
    assert "a sign of displacement" in moved
    assert "ASB was not distinguishable from the control trends" in moved
    spread = wdd_reading(wdd((100, 60), (100, 100), (50, 20), (50, 50)), 200, what="Crime")
    assert "a diffusion of benefit rather than displacement" in spread
    assert spread.startswith("Crime was 40 lower")


def test_reading_of_a_rise():
    text = wdd_reading(wdd((50, 100), (50, 50)), ring_m=200)
    assert text.startswith("ASB was 50 higher than the control trend predicts")


def test_reading_never_rounds_p_across_five_percent():
    result = wdd((31, 11), (31, 31))
    assert 0.0495 < result.p < 0.05
    assert "p = 0.049)" in wdd_reading(result, ring_m=200)


# Checks inputs


@pytest.mark.parametrize(("before", "after"), [(-1, 3), (3, -1)])
def test_negative_counts_are_refused(before, after):
    with pytest.raises(HotspotDataError, match="0 or more"):
        exact_p(before, after)
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
