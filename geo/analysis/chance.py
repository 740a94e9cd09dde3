"""What chance alone gives a programme: random sets of untreated places, one like each hotspot.

Each draw takes, for every hotspot, one untreated reference unit of like baseline (its distinct
squares of one size, geo.analysis.reference), or where there are too few of them, one place
simulated from the model fitted on all untreated squares. The draws give how a programme's
pooled change moves by chance (its spread and dispersion), and the largest fall chance alone
gives among as many places. Every programme gets them: no hotspot is too busy to be matched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo.analysis.reference import ReferenceSquares, dispersion_curve, simulated_log_ratios
from geo.analysis.stats import DispersionCurve
from geo.counting.squares import square_level

CHANCE_DRAWS = 2000
"""Random draws of untreated places behind a programme's spread and 'the largest fall chance
alone gives'."""


def untreated_trend(pairs: pd.DataFrame) -> float:
    """Untreated places' after ÷ before, from the smallest squares (every placed report once)."""
    finest = pairs[square_level(pairs.index.to_numpy()) == 0]
    before = float(finest["before"].sum())
    return float(finest["after"].sum()) / before if before else 1.0


def programme_draws(
    pairs: pd.DataFrame,
    baselines: Sequence[float],
    seed: int = 0,
    curve: DispersionCurve | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Pooled (before, after) of CHANCE_DRAWS random sets of untreated places, one like each
    baseline; None when no baseline is given or there are no untreated places to go by."""
    if not len(baselines):
        return None
    rng = np.random.default_rng(seed)
    curve = curve or dispersion_curve(pairs)
    trend = untreated_trend(pairs)
    squares = ReferenceSquares(pairs)
    before = np.zeros(CHANCE_DRAWS)
    after = np.zeros(CHANCE_DRAWS)
    for baseline in baselines:
        drawn = _draws_like(squares, baseline, curve, trend, rng)
        if drawn is None:
            return None
        before += drawn[0]
        after += drawn[1]
    return before, after


def _draws_like(
    squares: ReferenceSquares,
    baseline: float,
    curve: DispersionCurve,
    trend: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray] | None:
    """CHANCE_DRAWS (before, after) of untreated places like `baseline`: its reference units,
    or the model where there are too few; None when neither is known (no untreated places)."""
    units = squares.units(baseline)
    if units.enough:
        pick = rng.integers(0, units.n, CHANCE_DRAWS)
        return units.before[pick].astype(float), units.after[pick].astype(float)
    phi = curve.at(baseline)
    if math.isnan(phi):
        return None
    return simulated_log_ratios(baseline, phi, trend, CHANCE_DRAWS, rng)


def chance_spread(pairs: pd.DataFrame, baselines: Sequence[float], seed: int = 0) -> np.ndarray:
    """How a pooled log ratio moves by chance alone: the draws' log(after/before) about their
    mean (empty without baselines)."""
    drawn = programme_draws(pairs, baselines, seed)
    if drawn is None:
        return np.array([])
    log_ratio = np.log((drawn[1] + 0.5) / (drawn[0] + 0.5))
    return log_ratio - log_ratio.mean()


def programme_dispersion(pairs: pd.DataFrame, baselines: Sequence[float], seed: int = 0) -> float:
    """The dispersion of a programme's pooled change, from random sets of untreated places:
    the variance of their pooled log ratio over what Poisson counts alone would give (1 or
    more); NaN without baselines."""
    drawn = programme_draws(pairs, baselines, seed)
    if drawn is None:
        return math.nan
    before, after = drawn[0] + 0.5, drawn[1] + 0.5
    log_ratio = np.log(after / before)
    spread = (log_ratio - log_ratio.mean()) ** 2 / (1.0 / after + 1.0 / before)
    return max(1.0, float(spread.mean()))


def chance_largest_fall(pairs: pd.DataFrame, baselines: Sequence[float], seed: int = 0) -> float:
    """Median largest % fall among untreated places, one like each baseline, by chance.

    Each draw picks, for every baseline, one untreated place like it and takes the largest fall
    among them; the median over CHANCE_DRAWS draws is what chance and regression to the mean
    alone give as a 'largest reduction'. NaN without baselines.
    """
    if not len(baselines) or pairs.empty:
        return math.nan
    rng = np.random.default_rng(seed)
    curve, trend = dispersion_curve(pairs), untreated_trend(pairs)
    squares = ReferenceSquares(pairs)
    changes = []
    for baseline in baselines:
        drawn = _draws_like(squares, baseline, curve, trend, rng)
        if drawn is None:
            return math.nan
        before, after = drawn
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(before > 0, 100.0 * (after - before) / before, np.nan)
        changes.append(change)
    return float(np.nanmedian(np.nanmin(np.vstack(changes), axis=0)))
