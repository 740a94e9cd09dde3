"""Per-hotspot changes shrunken towards the programme's: an empirical-Bayes reading.

A small hotspot's own change is noisy: read alone, the largest falls are mostly luck. Each
hotspot's control-adjusted log ratio θᵢ (variance vᵢ, from its interval) is taken as drawn from
a normal distribution of true effects N(μ, τ²) across the programme; μ and τ² are estimated from
the hotspots themselves (DerSimonian–Laird), and each estimate is pulled towards μ by the share
of its variance that is noise, Bᵢ = vᵢ ÷ (vᵢ + τ²). The interval carries the uncertainty of μ too
(widened as Knapp and Hartung do when the hotspots scatter more than their variances say), so
where hotspots do not differ (τ² = 0) each reads as the programme does, with its interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class Shrunken:
    """Shrunken ratios with their 95% intervals (NaN where a hotspot had no reading), and the
    spread of true effects between hotspots (τ, on the log scale)."""

    ratio: np.ndarray
    low: np.ndarray
    high: np.ndarray
    tau: float


def log_variances(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The variance of a log ratio whose 95% interval is low–high."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return ((np.log(high) - np.log(low)) / (2 * Z95)) ** 2


def shrunken(
    ratio: np.ndarray, low: np.ndarray, high: np.ndarray, centre: float | None = None
) -> Shrunken:
    """Each ratio pulled towards the programme's by how noisy it is (see the module). `centre`
    is the programme's own ratio when known (a ratio of sums: the mean of small places' log
    ratios is biased low, as the log of a small count is); else their weighted mean."""
    ratio, low, high = (np.asarray(x, dtype=float) for x in (ratio, low, high))
    theta = np.log(ratio)
    v = log_variances(low, high)
    known = np.isfinite(theta) & np.isfinite(v) & (v > 0)
    out = np.full((3, len(ratio)), np.nan)
    if known.sum() == 0:
        return Shrunken(out[0], out[1], out[2], float("nan"))
    t, var = theta[known], v[known]
    weight = 1.0 / var
    fixed = (weight * t).sum() / weight.sum()
    q = (weight * (t - fixed) ** 2).sum()
    scale = weight.sum() - (weight**2).sum() / weight.sum()
    tau2 = max(0.0, (q - (len(t) - 1)) / scale) if scale > 0 else 0.0
    pooled_weight = 1.0 / (var + tau2)
    mu = (
        math.log(centre)
        if centre is not None and centre > 0 and math.isfinite(centre)
        else (pooled_weight * t).sum() / pooled_weight.sum()
    )
    spread_ratio = (pooled_weight * (t - mu) ** 2).sum() / max(len(t) - 1, 1)
    mu_var = max(1.0, spread_ratio) / pooled_weight.sum()  # Knapp–Hartung: never over-sure
    pull = var / (var + tau2)
    centre = (1 - pull) * t + pull * mu
    spread = np.sqrt((1 - pull) * var + pull**2 * mu_var)
    out[0, known] = np.exp(centre)
    out[1, known] = np.exp(centre - Z95 * spread)
    out[2, known] = np.exp(centre + Z95 * spread)
    return Shrunken(out[0], out[1], out[2], float(np.sqrt(tau2)))
