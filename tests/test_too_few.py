"""The too-few rule: its number is computed from the dispersion measured on untreated places, its
words show the number and the reason, and a halving is found as the rule says, in real Derbyshire
areas and in simulated places (tools.calibration)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from geo.analysis.power import detectable_fall_pct
from geo.analysis.shrinkage import Z95
from geo.analysis.stats import (
    ALPHA,
    DETECTABLE_RATIO,
    MEASURED_DISPERSION,
    POWER,
    TOO_FEW_BEFORE,
    TOO_FEW_DISPERSION,
    TOO_FEW_RULE,
    DispersionCurve,
    can_tell,
    chance_sd,
    smallest_telling_baseline,
)
from geo.period import Period
from tests.conftest import ROOT
from tools.calibration import BANDS, force_curve, simulated_halving, too_few_check
from tools.docs import TOO_FEW_MARKER, on_page_markdown

PERIOD = Period.parse("2024-01:2024-12")
T = TOO_FEW_BEFORE


def test_the_threshold_is_what_the_rule_computes_from_the_measured_dispersion():
    assert smallest_telling_baseline(DETECTABLE_RATIO, MEASURED_DISPERSION) == T
    assert can_tell(T) and not can_tell(T - 1)
    assert np.all(can_tell(np.arange(T, 10 * T + 1)))
    poisson = smallest_telling_baseline(DETECTABLE_RATIO, DispersionCurve(0.0, 0.0))
    wider = DispersionCurve(
        MEASURED_DISPERSION.intercept + math.log(1.5), MEASURED_DISPERSION.slope
    )
    assert poisson < T < smallest_telling_baseline(DETECTABLE_RATIO, wider)


@pytest.mark.parametrize("ratio", [0.3, 0.5, 0.7])
@pytest.mark.parametrize("curve", [DispersionCurve(0.0, 0.0), MEASURED_DISPERSION])
def test_the_search_is_a_plain_search_over_every_baseline(ratio, curve):
    """The vectorised search gives the first baseline b with can_tell at every one of b … 10 b."""

    def plainly() -> int:
        return next(
            b
            for b in range(1, 5_000)
            if all(can_tell(x, ratio, curve) for x in range(b, 10 * b + 1))
        )

    assert smallest_telling_baseline(ratio, curve) == plainly()


def test_a_dispersion_that_grows_as_fast_as_the_baseline_can_never_tell():
    from geo.errors import HotspotDataError

    with pytest.raises(HotspotDataError, match="no baseline"):
        smallest_telling_baseline(DETECTABLE_RATIO, DispersionCurve(0.0, 1.2))


def test_too_few_is_where_what_the_reading_could_have_seen_passes_a_halving():
    """The app's "what it could have seen" figure, at the spread chance gives places of the
    baseline: a fall of at most 50% from the threshold on, more than 50% one report below it."""

    def could_see(before: int) -> float:
        half = Z95 * chance_sd(before)
        return detectable_fall_pct(math.exp(-half), math.exp(half))

    assert could_see(T) <= 100 * (1 - DETECTABLE_RATIO) < could_see(T - 1)


def test_the_rule_in_words_shows_its_number_and_its_reason():
    assert TOO_FEW_RULE.startswith(f"fewer than {T} ASB reports in the baseline year")
    assert f"{TOO_FEW_DISPERSION:.1f} times as much as counting alone" in TOO_FEW_RULE
    assert f"p < {ALPHA:g}" in TOO_FEW_RULE and f"less than {POWER:.0%} of the time" in TOO_FEW_RULE


def test_the_documentation_takes_the_rule_from_the_code():
    page = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    assert TOO_FEW_MARKER in page
    assert not re.search(r"fewer than \d+ ASB reports", page)  # never the number by hand
    written = on_page_markdown(page, None, {"docs_dir": str(ROOT / "docs")}, None)
    assert TOO_FEW_RULE in written and TOO_FEW_MARKER not in written


def test_the_measured_dispersion_is_that_of_the_real_force(shared_data):
    """MEASURED_DISPERSION is the curve of Derbyshire's untreated squares, 2024 against 2023,
    counted as the app counts; worked out again, it gives the same threshold."""
    curve = force_curve(shared_data / "police-uk" / "derbyshire", PERIOD)
    assert curve.intercept == pytest.approx(MEASURED_DISPERSION.intercept, abs=5e-4)
    assert curve.slope == pytest.approx(MEASURED_DISPERSION.slope, abs=5e-4)
    assert smallest_telling_baseline(DETECTABLE_RATIO, curve) == T


def test_a_halving_in_real_areas_is_found_from_the_threshold_and_not_below(shared_data):
    """Real LSOAs and wards, half their after-year ASB reports deleted at random: the primary
    reading finds it in at least 80% of trials from the threshold on, in fewer below it; a halving
    seen is beyond chance at (almost) every baseline from the threshold to ten times it."""
    boundaries = shared_data / "boundaries"
    check = too_few_check(
        shared_data / "police-uk" / "derbyshire",
        [boundaries / "derbyshire-lsoa-2011.geojson", boundaries / "derbyshire-wards-2013.geojson"],
        PERIOD,
    )
    (below, below_share), (at, at_share), (above, above_share) = (check.bands[b] for b in BANDS)
    assert min(below, at, above) >= 10
    assert at_share >= POWER and above_share >= POWER
    assert below_share < POWER
    assert check.seen >= 0.99
    assert check.threshold == T


def test_simulated_places_find_a_halving_as_measured():
    """Places whose counts vary as the measured dispersion says (negative binomial): a halving
    is found more often the larger the baseline, in at least half the hotspots at the threshold,
    in fewer at half of it, and in at least 80% from twice the threshold (docs/evaluation.md)."""
    found = simulated_halving([T // 2, T, 2 * T])
    assert found[T // 2] < 0.5 <= found[T] < POWER <= found[2 * T]
