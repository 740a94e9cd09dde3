"""geo.analysis.shrinkage and geo.analysis.power: per-hotspot readings pulled towards the
programme's by their noise, and the fall a reading could have seen."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.analysis.power import detectable_fall_pct
from geo.analysis.shrinkage import Z95, shrunken


def _interval(theta: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, ...]:
    return np.exp(theta), np.exp(theta - Z95 * se), np.exp(theta + Z95 * se)


def test_alike_hotspots_read_as_the_programme_and_cover_the_truth():
    """Twenty hotspots with one true effect (0.7): shrunken to it, intervals still covering it
    in about 95% of them over many programmes."""
    rng = np.random.default_rng(1)
    covered, spread = [], []
    for _ in range(300):
        se = rng.uniform(0.15, 0.5, 20)
        theta = math.log(0.7) + rng.normal(0, se)
        result = shrunken(*_interval(theta, se))
        covered.extend((result.low <= 0.7) & (result.high >= 0.7))
        spread.append(np.std(np.log(result.ratio)))
    assert 0.9 <= np.mean(covered) <= 0.99
    assert np.median(spread) < 0.1  # raw readings scatter by about 0.3


def test_hotspots_that_truly_differ_keep_their_differences():
    rng = np.random.default_rng(2)
    truth = np.log(np.repeat([0.5, 1.0], 10))
    se = np.full(20, 0.05)
    result = shrunken(*_interval(truth + rng.normal(0, se), se))
    assert result.tau > 0.2
    assert np.all(np.abs(np.log(result.ratio) - truth) < 0.15)


def test_a_hotspot_without_a_reading_stays_without_one():
    result = shrunken(np.array([0.8, np.nan]), np.array([0.6, np.nan]), np.array([1.1, np.nan]))
    assert math.isnan(result.ratio[1]) and result.ratio[0] == pytest.approx(0.8)
    assert math.isnan(shrunken(np.array([np.nan]), np.array([np.nan]), np.array([np.nan])).tau)


def test_the_detectable_fall_grows_as_the_interval_widens():
    narrow = detectable_fall_pct(0.9, 1 / 0.9)
    wide = detectable_fall_pct(0.5, 2.0)
    assert 0 < narrow < 20 < wide < 100
    se = math.log(1 / 0.9) / Z95  # 2.80 standard errors below 1
    assert narrow == pytest.approx(100 * (1 - math.exp(-2.8016 * se)), rel=1e-3)
    assert math.isnan(detectable_fall_pct(float("nan"), 2.0))


def test_the_detectable_fall_is_found_in_80_percent_of_simulated_programmes():
    """A fall of exactly the detectable size, read with its standard error, is beyond chance
    about 80% of the time."""
    rng = np.random.default_rng(3)
    se = 0.1
    fall = detectable_fall_pct(math.exp(-Z95 * se), math.exp(Z95 * se))
    estimates = math.log(1 - fall / 100) + rng.normal(0, se, 20000)
    assert np.mean(estimates / se < -Z95) == pytest.approx(0.8, abs=0.015)
