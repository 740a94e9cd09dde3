"""geo.analysis.model_check: the Poisson difference-in-differences cross-check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.analysis.model_check import MODEL_GRID_M, model_check
from geo.counting.squares import COMPARISON_SIZES_M, SQUARE_SPAN


def _grid(before: np.ndarray, after: np.ndarray, size_m: int = MODEL_GRID_M) -> pd.DataFrame:
    level = COMPARISON_SIZES_M.index(size_m)
    ids = level * SQUARE_SPAN * SQUARE_SPAN + np.arange(len(before))
    return pd.DataFrame({"before": before, "after": after}, index=ids)


def test_the_model_finds_a_ratio_of_rate_ratios():
    rng = np.random.default_rng(1)
    base = rng.uniform(10, 200, 2000)
    untreated = _grid(rng.poisson(base), rng.poisson(base * 0.9))  # the trend: −10%
    hotspots = rng.uniform(50, 150, 30)
    check = model_check(rng.poisson(hotspots), rng.poisson(hotspots * 0.9 * 0.7), untreated)
    assert check.ratio == pytest.approx(0.7, abs=0.06)
    assert check.low < 0.7 < check.high and check.p < 0.001


def test_the_models_errors_widen_when_places_vary_more_than_poisson():
    rng = np.random.default_rng(2)
    base = rng.uniform(10, 200, 2000)
    varied = base * np.exp(rng.normal(0, 0.4, 2000))
    calm = model_check(np.array([80]), np.array([80]), _grid(rng.poisson(base), rng.poisson(base)))
    wild = model_check(
        np.array([80]), np.array([80]), _grid(rng.poisson(base), rng.poisson(varied))
    )
    assert (wild.high / wild.low) > (calm.high / calm.low)


def test_only_one_grid_counts_and_nothing_to_fit_is_no_check():
    rng = np.random.default_rng(3)
    base = rng.uniform(10, 200, 500)
    other = _grid(rng.poisson(base), rng.poisson(base), size_m=COMPARISON_SIZES_M[0])
    assert math.isnan(model_check(np.array([50]), np.array([40]), other).ratio)
    assert math.isnan(model_check(np.array([0]), np.array([0]), _grid(base, base)).ratio)
