"""Untreated comparison areas: how much places vary by chance, and what chance alone gives.

The comparison areas are squares of grids (COMPARISON_SIZES_M on the British National Grid)
over the located crimes, less every square that touches a hotspot or its ring: places where no
programme ran, in the same force and months. They give three things an evaluation needs:

- the dispersion: how much more areas' changes vary than Poisson counts would (a quasi-Poisson
  factor, 1 when they vary no more), estimated from the squares whose baseline is like the
  hotspot's, since variation beyond Poisson grows with the count;
- a matched comparison: how much those squares of similar baseline changed, which shows the
  regression to the mean that areas picked for high counts undergo with no treatment at all;
- the largest fall chance alone gives: the largest reduction among as many matched squares
  as there are hotspots, over many random draws; and, from the same draws, the dispersion of a
  programme's pooled change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

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

CHANCE_DRAWS = 2000
"""Random draws of untreated squares behind 'the largest fall chance alone gives'."""


@dataclass(frozen=True)
class Matched:
    """Comparison squares of similar baseline: how many, their change and their dispersion."""

    squares: int
    before: int
    after: int
    dispersion: float

    @property
    def ratio(self) -> float:
        """The matched squares' after ÷ before taken together (NaN without a baseline)."""
        return self.after / self.before if self.before else math.nan


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


def square_boxes(squares: np.ndarray) -> np.ndarray:
    """The comparison squares of the given ids as boxes in British National Grid metres."""
    ids = np.asarray(squares, dtype=np.int64)
    size = np.asarray(COMPARISON_SIZES_M, dtype=float)[ids // _SPAN // _SPAN]
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


def matched(pairs: pd.DataFrame, baseline: float) -> Matched:
    """The squares whose baseline is like `baseline`, their change and their dispersion.

    The band (b + 1) ÷ f … (b + 1) × f, from f = MATCH_FACTOR, is widened until it holds
    MIN_MATCHED squares with events in both years, but never past MAX_FACTOR; with fewer
    squares the dispersion is NaN (unknown) rather than a guess.
    """
    chosen = _matched_rows(pairs, baseline)
    before, after = int(chosen["before"].sum()), int(chosen["after"].sum())
    if len(chosen) < MIN_MATCHED:
        return Matched(len(chosen), before, after, math.nan)
    phi = dispersion(chosen["before"].to_numpy(), chosen["after"].to_numpy())
    return Matched(len(chosen), before, after, phi)


def _matched_rows(pairs: pd.DataFrame, baseline: float) -> pd.DataFrame:
    """Rows of `pairs` in the widening baseline band round `baseline`."""
    level = pairs["before"].to_numpy(dtype=float) + 1.0
    factor = MATCH_FACTOR
    while True:
        inside = (level >= (baseline + 1.0) / factor) & (level <= (baseline + 1.0) * factor)
        rows = pairs[inside]
        varied = rows["before"].sum() > 0 and rows["after"].sum() > 0
        if (len(rows) >= MIN_MATCHED and varied) or factor * MATCH_FACTOR > MAX_FACTOR:
            return rows
        factor *= MATCH_FACTOR


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


def programme_draws(
    pairs: pd.DataFrame, baselines: Sequence[float], seed: int = 0
) -> tuple[np.ndarray, np.ndarray] | None:
    """Pooled (before, after) of CHANCE_DRAWS random sets of untreated squares, one matched to
    each baseline; None when a baseline has fewer than MIN_MATCHED squares (or none given)."""
    if not len(baselines):
        return None
    rng = np.random.default_rng(seed)
    before = np.zeros(CHANCE_DRAWS)
    after = np.zeros(CHANCE_DRAWS)
    for baseline in baselines:
        rows = _matched_rows(pairs, baseline)
        if len(rows) < MIN_MATCHED:
            return None
        pick = rng.integers(0, len(rows), CHANCE_DRAWS)
        before += rows["before"].to_numpy(dtype=float)[pick]
        after += rows["after"].to_numpy(dtype=float)[pick]
    return before, after


def chance_spread(pairs: pd.DataFrame, baselines: Sequence[float], seed: int = 0) -> np.ndarray:
    """How a pooled log ratio moves by chance alone: the draws' log(after/before) about their
    mean (empty when there are too few comparison squares)."""
    drawn = programme_draws(pairs, baselines, seed)
    if drawn is None:
        return np.array([])
    log_ratio = np.log((drawn[1] + 0.5) / (drawn[0] + 0.5))
    return log_ratio - log_ratio.mean()


def programme_dispersion(pairs: pd.DataFrame, baselines: Sequence[float], seed: int = 0) -> float:
    """The dispersion of a programme's pooled change, from random sets of untreated squares.

    The variance of the draws' pooled log ratio over what Poisson counts alone would give
    (1 or more); NaN when there are too few comparison squares.
    """
    drawn = programme_draws(pairs, baselines, seed)
    if drawn is None:
        return math.nan
    before, after = drawn[0] + 0.5, drawn[1] + 0.5
    log_ratio = np.log(after / before)
    spread = (log_ratio - log_ratio.mean()) ** 2 / (1.0 / after + 1.0 / before)
    return max(1.0, float(spread.mean()))


def chance_largest_fall(pairs: pd.DataFrame, baselines: Sequence[float], seed: int = 0) -> float:
    """Median largest % fall among untreated squares, one matched to each baseline, by chance.

    Each draw picks, for every baseline, one comparison square of similar baseline and takes the
    largest fall among them; the median over CHANCE_DRAWS draws is what chance and regression to
    the mean alone give as a 'largest reduction'. NaN without baselines or squares.
    """
    if not len(baselines) or pairs.empty:
        return math.nan
    rng = np.random.default_rng(seed)
    changes = []
    for baseline in baselines:
        rows = _matched_rows(pairs, baseline)
        rows = rows[rows["before"] > 0]
        if rows.empty:
            return math.nan
        change = 100.0 * (rows["after"].to_numpy() - rows["before"]) / rows["before"]
        changes.append(rng.choice(np.asarray(change, dtype=float), size=CHANCE_DRAWS))
    return float(np.median(np.min(np.vstack(changes), axis=0)))
