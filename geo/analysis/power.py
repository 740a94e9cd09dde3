"""What a reading could have seen: the smallest fall it would find beyond chance most of the time.

A reading whose 95% interval spans a log ratio of ±d has a standard error of d ÷ 1.96 on the log
scale; a true fall is found beyond chance (p < ALPHA, two-sided) in POWER of cases when its log
ratio is DETECTABLE_Z = (z₁₋α/₂ + z_power) standard errors below 1 (geo.analysis.stats). The
interval already carries how much places like these vary (their measured dispersion), so the
figure says what these counts can tell.
"""

from __future__ import annotations

import numpy as np

from geo.analysis.shrinkage import log_variances
from geo.analysis.stats import DETECTABLE_Z


def detectable_fall_pct(low: float | np.ndarray, high: float | np.ndarray) -> float | np.ndarray:
    """The fall (in %, positive) a reading with this 95% interval detects with stats.POWER; NaN
    without an interval."""
    se = np.sqrt(log_variances(np.asarray(low, dtype=float), np.asarray(high, dtype=float)))
    fall = 100.0 * (1.0 - np.exp(-DETECTABLE_Z * se))
    return float(fall) if np.ndim(fall) == 0 else fall
