"""Untreated comparison squares: places where no programme ran, in the same force and months.

The comparison squares are squares of grids (COMPARISON_SIZES_M on the British National Grid)
over the located crimes, less every square that touches a hotspot or its ring. Squares of one
size are distinct places; squares of different sizes are nested (a 250 m square lies inside a
500 m one) and share reports, so a hotspot is read against squares of one size only
(geo.analysis.reference). This module places ASB in the squares and measures how much more than
Poisson counts a set of them varies (the dispersion).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.period import Period

COMPARISON_SIZES_M = (250, 500, 1000, 2000, 4000)
"""Sides of the comparison squares in metres: from about a patrol hotspot up to a small town."""

MATCH_FACTOR = 1.25
"""Squares match a baseline b when theirs is between b ÷ this and b × this (widened if needed)."""

MIN_MATCHED = 30
"""Fewest matched squares a dispersion or a matched comparison is estimated from."""

MAX_FACTOR = 4.0
"""The band is never widened past baselines between b ÷ this and b × this (b + 1, to allow 0)."""


def comparison_squares(crimes: pd.DataFrame, covered: gpd.GeoSeries) -> pd.DataFrame:
    """ASB by comparison square and month: columns square, month, asb (squares with ASB).

    Squares of every size in COMPARISON_SIZES_M, so that a hotspot of any baseline finds
    untreated areas with as much ASB; `covered` holds the hotspots and rings (WGS84), and a
    square touching any of them is left out. Only located ASB rows on the grid are placed.
    """
    asb = crimes[crimes["asb"].to_numpy(bool) & crimes["lon"].notna() & crimes["lat"].notna()]
    to_metres = Transformer.from_crs(WGS84, BRITISH_NATIONAL_GRID, always_xy=True)
    x, y = to_metres.transform(asb["lon"].to_numpy(float), asb["lat"].to_numpy(float))
    x, y = np.asarray(x), np.asarray(y)
    on_grid = (x >= 0) & (y >= 0) & (x < GRID_EXTENT_M) & (y < GRID_EXTENT_M)
    x, y, month = x[on_grid], y[on_grid], asb["month"].to_numpy()[on_grid]
    tree = shapely.STRtree(covered.to_crs(BRITISH_NATIONAL_GRID).geometry.to_numpy())
    frames = []
    for level, size in enumerate(COMPARISON_SIZES_M):
        column = np.floor(x / size).astype(np.int64)
        row = np.floor(y / size).astype(np.int64)
        square = (level * _SPAN + column) * _SPAN + row
        first = int(month.min()) if len(month) else 0
        span = int(month.max()) - first + 1 if len(month) else 1  # one sort key: square, month
        keys, counts = np.unique(
            square * span + (month.astype(np.int64) - first), return_counts=True
        )
        square_of, month_of = keys // span, keys % span + first
        squares = np.unique(square_of)
        touched, _ = tree.query(square_boxes(squares), predicate="intersects")
        kept = ~np.isin(square_of, squares[np.unique(touched)])
        frames.append(
            pd.DataFrame(
                {
                    "square": square_of[kept],
                    "month": month_of[kept].astype(month.dtype),
                    "asb": counts[kept].astype(np.int64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


_SPAN = 1_000_000
"""Square ids: (size level × _SPAN + column) × _SPAN + row; grid columns and rows stay below."""

GRID_EXTENT_M = 2_000_000
"""Points outside 0…this on both British National Grid axes are off the grid, not placed."""


def square_level(squares: np.ndarray) -> np.ndarray:
    """The index in COMPARISON_SIZES_M of each square id's size."""
    return np.asarray(squares, dtype=np.int64) // _SPAN // _SPAN


def square_boxes(squares: np.ndarray) -> np.ndarray:
    """The comparison squares of the given ids as boxes in British National Grid metres."""
    ids = np.asarray(squares, dtype=np.int64)
    size = np.asarray(COMPARISON_SIZES_M, dtype=float)[square_level(ids)]
    left, bottom = (ids // _SPAN) % _SPAN * size, ids % _SPAN * size
    return shapely.box(left, bottom, left + size, bottom + size)


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
