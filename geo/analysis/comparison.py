"""Untreated comparison squares: places where no programme ran, in the same force and months.

The squares and their ASB are counted by geo.counting.squares; a hotspot is read against squares
of one size only (geo.analysis.reference). This module pairs each square's ASB before and after
a period and measures how much more than Poisson counts a set of them varies (the dispersion).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from geo.period import Period

MATCH_FACTOR = 1.25
"""Squares match a baseline b when theirs is between b ÷ this and b × this (widened if needed)."""

MIN_MATCHED = 30
"""Fewest matched squares a dispersion or a matched comparison is estimated from."""

MAX_FACTOR = 4.0
"""The band is never widened past baselines between b ÷ this and b × this (b + 1, to allow 0)."""


def square_pairs(squares: pd.DataFrame, period: Period) -> pd.DataFrame:
    """ASB before and after per comparison square (index square) for `period`."""
    months = squares["month"].to_numpy(np.int64)
    after = period.contains(months)  # a month left out of the figures is left out here too
    before = period.before.contains(months)
    frame = pd.DataFrame(
        {
            "square": squares["square"],
            "before": np.where(before, squares["asb"], 0),
            "after": np.where(after, squares["asb"], 0),
        }
    )
    pairs = frame.groupby("square")[["before", "after"]].sum()
    return pairs[(pairs["before"] + pairs["after"]) > 0]


def dispersion(before: np.ndarray, after: np.ndarray) -> float:
    """Quasi-Poisson dispersion of areas' changes about their common trend (1 or more).

    Given n = before + after, after is binomial(n, π) with π the areas' common share when they
    vary only by chance; the Pearson statistic Σ (after − nπ)² / (nπ(1 − π)) over its degrees of
    freedom is then about 1, and larger by the factor the variances are larger.
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    n = a + b
    keep = n > 0
    if keep.sum() < 2 or a[keep].sum() == 0 or b[keep].sum() == 0:
        return math.nan
    share = a[keep].sum() / n[keep].sum()
    pearson = ((a[keep] - n[keep] * share) ** 2 / (n[keep] * share * (1 - share))).sum()
    return max(1.0, float(pearson / (keep.sum() - 1)))
