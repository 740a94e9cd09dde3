"""geo.analysis.comparison: how much comparison squares vary (their dispersion)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.analysis.comparison import dispersion


def test_dispersion_is_one_for_poisson_areas_and_more_when_they_vary():
    rng = np.random.default_rng(5)
    mean = rng.uniform(20, 80, 3000)
    calm = dispersion(rng.poisson(mean), rng.poisson(mean))
    assert calm == pytest.approx(1.0, abs=0.08)
    shifted = mean * rng.gamma(4.0, 1 / 4.0, 3000)  # each area's own change, sd 50%
    varied = dispersion(rng.poisson(mean), rng.poisson(shifted))
    assert varied > 2.0
    assert math.isnan(dispersion(np.array([0, 0]), np.array([3, 4])))
