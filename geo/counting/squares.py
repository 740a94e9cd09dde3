"""Untreated comparison squares: ASB placed in squares of grids over the force, less every square
that touches a hotspot or its ring.

The squares are squares of grids (COMPARISON_SIZES_M on the British National Grid) over the
located crimes. Squares of one size are distinct places; squares of different sizes are nested (a
250 m square lies inside a 500 m one) and share reports, so a hotspot is read against squares of
one size only (geo.analysis.reference). A folder's load and a database's import count them with
this code; geo.analysis.comparison measures how much they vary.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.crs import BRITISH_NATIONAL_GRID, WGS84

COMPARISON_SIZES_M = (250, 500, 1000, 2000, 4000)
"""Sides of the comparison squares in metres: from about a patrol hotspot up to a small town."""


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
        square = (level * SQUARE_SPAN + column) * SQUARE_SPAN + row
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


SQUARE_SPAN = 1_000_000
"""Square ids: (size level × SQUARE_SPAN + column) × SQUARE_SPAN + row; grid columns and rows
stay below it."""

GRID_EXTENT_M = 2_000_000
"""Points outside 0…this on both British National Grid axes are off the grid, not placed."""


def square_level(squares: np.ndarray) -> np.ndarray:
    """The index in COMPARISON_SIZES_M of each square id's size."""
    return np.asarray(squares, dtype=np.int64) // SQUARE_SPAN // SQUARE_SPAN


def square_boxes(squares: np.ndarray) -> np.ndarray:
    """The comparison squares of the given ids as boxes in British National Grid metres."""
    ids = np.asarray(squares, dtype=np.int64)
    size = np.asarray(COMPARISON_SIZES_M, dtype=float)[square_level(ids)]
    left, bottom = (ids // SQUARE_SPAN) % SQUARE_SPAN * size, ids % SQUARE_SPAN * size
    return shapely.box(left, bottom, left + size, bottom + size)
