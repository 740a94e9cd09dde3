"""geo.analysis.reference: distinct reference units of like baseline, the rank reading they give,
and the model that reads a hotspot when there are too few of them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.analysis.comparison import MATCH_FACTOR, MIN_MATCHED, dispersion
from geo.analysis.evaluation import adjusted_table
from geo.analysis.reference import (
    MIN_UNITS,
    MODEL,
    RANK,
    dispersion_curve,
    model_ratio,
    reference_units,
)
from geo.analysis.stats import ALPHA
from geo.counting.squares import COMPARISON_SIZES_M, SQUARE_SPAN


def _pairs(before: np.ndarray, after: np.ndarray, level: int = 0) -> pd.DataFrame:
    """Untreated squares of one grid size (`level`), ids as comparison squares number them."""
    ids = level * SQUARE_SPAN * SQUARE_SPAN + np.arange(len(before))
    return pd.DataFrame({"before": before, "after": after}, index=pd.Index(ids, name="square"))


def _nested(before: np.ndarray, after: np.ndarray) -> pd.DataFrame:
    """The same squares again at every size: what nested grids do to busy places."""
    return pd.concat([_pairs(before, after, level) for level in range(len(COMPARISON_SIZES_M))])


def test_reference_units_are_of_one_size_with_a_similar_baseline():
    rng = np.random.default_rng(2)
    before = rng.integers(0, 200, 2000)
    units = reference_units(_nested(before, rng.poisson(before + 1)), 50)
    band = (before + 1 >= 51 / MATCH_FACTOR) & (before + 1 <= 51 * MATCH_FACTOR)
    assert units.n == band.sum() >= MIN_UNITS  # each square once, not once per nested size
    assert units.before.sum() == before[band].sum()


def test_few_units_are_not_enough_for_a_rank_reading():
    rng = np.random.default_rng(3)
    before = rng.integers(40, 60, 10)
    units = reference_units(_pairs(before, rng.poisson(before)), 50)
    assert units.n == 10 and not units.enough and units.n < MIN_MATCHED
    assert math.isnan(units.dispersion)


def test_a_rank_p_is_never_below_what_its_units_allow():
    """However far a hotspot falls, a p read against N distinct units is at least 2 / (N + 1):
    resampling the units (as before) gave 0.001 whatever N was."""
    rng = np.random.default_rng(4)
    before = rng.integers(40, 70, 300)
    pairs = _pairs(before, rng.poisson(before))
    table = adjusted_table(np.array([53]), np.array([5]), [(5000, 5000)], pairs)
    row = table.iloc[0]
    assert row["reference_method"] == RANK and row["reference_n"] >= MIN_UNITS
    assert row["adjusted_p"] >= 1 / (row["reference_n"] + 1)
    assert row["adjusted_p"] == pytest.approx(2 / (row["reference_n"] + 1))


def test_a_place_busier_than_any_untreated_one_is_read_by_the_model():
    rng = np.random.default_rng(5)
    before = rng.integers(5, 300, 3000)
    pairs = _nested(before, rng.poisson(before))
    table = adjusted_table(np.array([5000]), np.array([3500]), [(90000, 90000)], pairs)
    row = table.iloc[0]
    assert row["reference_method"] == MODEL and row["reference_n"] == 0
    assert row["adjusted_p"] < 0.001 and row["adjusted_low"] < 0.7 < row["adjusted_high"]


def test_the_dispersion_curve_follows_the_baseline():
    rng = np.random.default_rng(6)
    mean = rng.uniform(2, 400, 20000)
    change = rng.gamma(8.0, 1 / 8.0, len(mean))  # each place's own change: sd 35%
    curve = dispersion_curve(_pairs(rng.poisson(mean), rng.poisson(mean * change)))
    assert curve.at(5) < curve.at(50) < curve.at(300)  # extra variation grows with the count
    poisson = dispersion_curve(_pairs(rng.poisson(mean), rng.poisson(mean)))
    assert poisson.at(300) == pytest.approx(1.0, abs=0.15)


def test_the_models_false_positive_rate_is_alpha_when_its_dispersion_is_measured():
    """Untreated places whose own year-on-year change varies (sd 25% on the log scale), read by
    the model with the dispersion measured on them: about 5% beyond chance, and about 1% below
    p = 0.01 (the tail holds too), at a small and a large baseline."""
    rng = np.random.default_rng(7)
    for mean in (30, 400):
        before = rng.poisson(mean, 20000)
        after = rng.poisson(mean * np.exp(rng.normal(0.0, 0.25, 20000)) / math.exp(0.25**2 / 2))
        phi = dispersion(before, after)
        assert phi > 1.5
        ps = np.array([model_ratio(b, a, None, phi).p for b, a in zip(before, after)])
        assert 0.035 < (ps < ALPHA).mean() < 0.07, mean
        assert 0.004 < (ps < 0.01).mean() < 0.02, mean


def test_without_untreated_places_there_is_no_model_reading():
    curve = dispersion_curve(_pairs(np.array([3, 4]), np.array([2, 5])))
    assert math.isnan(curve.at(50))
    assert math.isnan(model_ratio(50, 30, None, curve.at(50)).p)
