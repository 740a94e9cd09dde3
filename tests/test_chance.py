"""geo.analysis.chance: what random sets of untreated places give a programme by chance."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from geo.analysis.chance import chance_largest_fall, chance_spread, programme_draws


def _pairs(before: np.ndarray, after: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"before": before, "after": after})


def test_chance_largest_fall_grows_with_more_hotspots():
    rng = np.random.default_rng(4)
    before = rng.integers(40, 80, 3000)
    pairs = _pairs(before, rng.poisson(before))
    one = chance_largest_fall(pairs, [60])
    twenty = chance_largest_fall(pairs, [60] * 20)
    assert -5 < one < 5  # a single untreated area: no change, give or take
    assert twenty < -20  # the largest of twenty falls far by chance alone
    unchanged = _pairs(np.array([60] * 50), np.array([60] * 50))
    assert chance_largest_fall(unchanged, [60] * 20) == 0
    assert math.isnan(chance_largest_fall(pairs, []))


def test_every_programme_gets_draws_even_with_a_place_busier_than_any_untreated_one():
    rng = np.random.default_rng(8)
    before = rng.integers(5, 200, 3000)
    pairs = _pairs(before, rng.poisson(before))
    drawn = programme_draws(pairs, [60, 80, 4000])
    assert drawn is not None
    assert 4000 < np.median(drawn[0]) < 4400
    assert len(chance_spread(pairs, [60, 4000])) > 0
    assert programme_draws(pairs, []) is None
