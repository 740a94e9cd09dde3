"""A model cross-check of the programme's reading: a Poisson difference-in-differences with a
fixed effect for every place, fitted with statsmodels.

With a fixed effect per place and one for the after year, a Poisson model's estimate of the
programme's effect depends only on each place's share of its reports that fall in the after
year (the conditional likelihood): after ÷ (before + after) is binomial, with a log-odds that
differs between treated and untreated places by the effect. That binomial model is fitted on the
hotspots and the untreated squares of one grid size (distinct places), with errors robust to
each place varying more than Poisson (each place is its own cluster). Its ratio of rate ratios
should agree with the primary reading when both are right; it is shown beside it, not instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.counting.squares import COMPARISON_SIZES_M, square_level

MODEL_GRID_M = 500
"""The untreated squares the model compares with: one grid, so each place counts once."""


@dataclass(frozen=True)
class ModelCheck:
    """The model's ratio of rate ratios (hotspots against untreated places), its 95% interval
    and p; NaN when it cannot be fitted."""

    ratio: float
    low: float
    high: float
    p: float


NO_CHECK = ModelCheck(math.nan, math.nan, math.nan, math.nan)


def model_check(before: np.ndarray, after: np.ndarray, pairs: pd.DataFrame) -> ModelCheck:
    """Fit the model on the hotspots' (`before`, `after`) and the untreated squares of
    MODEL_GRID_M in `pairs`; NO_CHECK without reports on both sides."""
    import statsmodels.api as sm

    grid = pairs[square_level(pairs.index.to_numpy()) == COMPARISON_SIZES_M.index(MODEL_GRID_M)]
    b = np.concatenate([np.asarray(before, float), grid["before"].to_numpy(float)])
    a = np.concatenate([np.asarray(after, float), grid["after"].to_numpy(float)])
    treated = np.concatenate([np.ones(len(before)), np.zeros(len(grid))])
    keep = (a + b) > 0
    if treated[keep].sum() == 0 or (1 - treated[keep]).sum() < 2 or a[keep].sum() == 0:
        return NO_CHECK
    exog = sm.add_constant(treated[keep], has_constant="add")
    endog = np.column_stack([a[keep], b[keep]])
    try:
        fit = sm.GLM(endog, exog, family=sm.families.Binomial()).fit(cov_type="HC0")
    except (ValueError, np.linalg.LinAlgError):
        return NO_CHECK
    effect, se = float(fit.params[1]), float(fit.bse[1])
    if not (math.isfinite(effect) and math.isfinite(se)):
        return NO_CHECK
    low, high = fit.conf_int()[1]
    return ModelCheck(math.exp(effect), math.exp(low), math.exp(high), float(fit.pvalues[1]))
