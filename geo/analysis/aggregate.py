"""Count crimes per hotspot and month, once per dataset, so every period and filter is cheap.

A crime belongs to a hotspot when its point is inside the polygon or on its edge (shapely
`covered_by` in the lon/lat the data came in). police.uk snaps crimes to a limited set of map
points, so points are deduplicated first and each distinct point is tested once.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

_MAX_CELLS = 4_000_000
"""Upper bound on the prefilter grid (a boolean each: a few MB)."""
_BLOCK = 1 << 16
"""Rows per block in the passes over every row: temporaries stay small and are reused."""
_PARALLEL_POINTS = 50_000
"""Distinct points from which the polygon test is split across cores. shapely's STRtree query
releases the interpreter lock, so threads run it side by side (800,000 points × 1,000 polygons:
0.20 s on one core, 0.11 s on two); below this size starting threads costs more than it saves."""


@dataclass(frozen=True)
class CrimeCounts:
    """Crime and ASB counts by month for the force, for each hotspot, and for points in hotspots.

    - `force`: index month ordinal; columns `crime` (every row), `asb`, `no_location`.
    - `hotspot`: columns hotspot_id, month, crime, asb (only combinations with crimes).
    - `point_months`: columns point, month, crime, asb for the distinct points inside any hotspot.
    - `membership`: columns point, hotspot_id; a point in two overlapping hotspots has two rows.
    """

    force: pd.DataFrame
    hotspot: pd.DataFrame
    point_months: pd.DataFrame
    membership: pd.DataFrame

    @property
    def months(self) -> list[pd.Period]:
        """Months that have any rows, in order."""
        return [pd.Period(ordinal=int(m), freq="M") for m in self.force.index]

    def programme(self, hotspot_ids: Collection[str] | None = None) -> pd.DataFrame:
        """Crimes by month inside any of the given hotspots, each crime counted once."""
        members = self.membership
        if hotspot_ids is not None:
            members = members[members["hotspot_id"].isin(set(hotspot_ids))]
        inside = self.point_months[self.point_months["point"].isin(members["point"].unique())]
        return inside.groupby("month")[["crime", "asb"]].sum()


def count_crimes(crimes: pd.DataFrame, hotspots: gpd.GeoDataFrame) -> CrimeCounts:
    """Aggregate crime rows (see geo.io.crimes) against hotspot polygons (WGS84)."""
    force = _force_counts(crimes)
    lon = crimes["lon"].to_numpy(dtype=float)
    lat = crimes["lat"].to_numpy(dtype=float)
    near = _near_polygons(lon, lat, hotspots.geometry.values)
    codes, points = pd.factorize(lon[near] + 1j * lat[near])
    point_idx, hotspot_idx = points_in_polygons(points, hotspots.geometry.values)
    membership = pd.DataFrame(
        {
            "point": point_idx.astype(np.int64),
            "hotspot_id": hotspots["hotspot_id"].to_numpy()[hotspot_idx],
        }
    )
    covered = np.zeros(len(points), dtype=bool)
    covered[point_idx] = True
    inside = covered[codes]
    rows = near[inside]
    point_months = _point_month_counts(
        codes[inside], covered, crimes["month"].to_numpy()[rows], crimes["asb"].to_numpy()[rows]
    )
    hotspot = _hotspot_counts(point_months, membership)
    return CrimeCounts(force, hotspot, point_months, membership)


def placed_counts(
    point_months: pd.DataFrame, places: pd.DataFrame, ids: np.ndarray, force: pd.DataFrame
) -> CrimeCounts:
    """CrimeCounts of points placed beforehand (by an import, with points_in_polygons), so a load
    tests no point: `point_months` has columns point, month, crime, asb; `places` point and area
    (an index into `ids`, the polygons' hotspot_ids)."""
    membership = pd.DataFrame(
        {
            "point": places["point"].to_numpy(np.int64),
            "hotspot_id": np.asarray(ids, dtype=object)[places["area"].to_numpy(np.int64)],
        }
    )
    inside = point_months[point_months["point"].isin(membership["point"].unique())]
    inside = inside.sort_values(["point", "month"], ignore_index=True)
    return CrimeCounts(force, _hotspot_counts(inside, membership), inside, membership)


def _blocks(length: int) -> range:
    """Starts of the row blocks that long arrays are worked through in (small temporaries)."""
    return range(0, length, _BLOCK)


def _force_counts(crimes: pd.DataFrame) -> pd.DataFrame:
    """Every row by month: all crime, ASB, and rows without a location (one counting pass)."""
    month = crimes["month"].to_numpy()
    if len(month) == 0:
        index = pd.Index(month, name="month")
        return pd.DataFrame(
            {"crime": [], "asb": [], "no_location": []}, index=index, dtype=np.int64
        )
    first, last = int(month.min()), int(month.max())
    asb, lon, lat = (crimes[c].to_numpy() for c in ("asb", "lon", "lat"))
    tally = np.zeros(4 * (last - first + 1), dtype=np.int64)
    for start in _blocks(len(month)):
        end = start + _BLOCK
        slot = (month[start:end].astype(np.int64) - first) * 4 + asb[start:end]
        slot += 2 * (np.isnan(lon[start:end]) | np.isnan(lat[start:end]))
        tally += np.bincount(slot, minlength=len(tally))
    tally = tally.reshape(-1, 4)
    present = tally.sum(axis=1) > 0
    index = pd.Index((np.flatnonzero(present) + first).astype(month.dtype), name="month")
    tally = tally[present]
    return pd.DataFrame(
        {
            "crime": tally.sum(axis=1),
            "asb": tally[:, 1] + tally[:, 3],
            "no_location": tally[:, 2] + tally[:, 3],
        },
        index=index,
    )


def _near_polygons(lon: np.ndarray, lat: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Rows (indices) whose point lies in a grid cell that some polygon's bounding box touches.

    An exact prefilter: every point a polygon covers passes (cell numbers grow with the
    coordinate), so only the points near hotspots are deduplicated and tested.
    """
    bounds = shapely.bounds(polygons).reshape(-1, 4)
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    if len(lon) == 0 or len(bounds) == 0:
        return np.array([], dtype=np.int64)
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    x1, y1 = bounds[:, 2].max(), bounds[:, 3].max()
    size = _cell_size(bounds, x1 - x0, y1 - y0)
    cells = ((bounds - [x0, y0, x0, y0]) / size).astype(np.int64)
    grid = np.zeros((cells[:, 3].max() + 1, cells[:, 2].max() + 1), dtype=bool)
    for left, bottom, right, top in cells:
        grid[bottom : top + 1, left : right + 1] = True
    found = [np.array([], dtype=np.int64)]
    for start in _blocks(len(lon)):
        x, y = lon[start : start + _BLOCK], lat[start : start + _BLOCK]
        rows = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        column = ((x[rows] - x0) / size).astype(np.int64)
        row = ((y[rows] - y0) / size).astype(np.int64)
        found.append(rows[grid[row, column]] + start)
    return np.concatenate(found)


def _cell_size(bounds: np.ndarray, width: float, height: float) -> float:
    """About one typical polygon across, coarser when the grid would pass a few million cells."""
    extent = np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
    size = max(float(np.median(extent)), 1e-6)
    while (width / size + 1) * (height / size + 1) > _MAX_CELLS:
        size *= 2
    return size


def points_in_polygons(
    points: np.ndarray, polygons: np.ndarray, workers: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point index, polygon index) where the polygon covers the point (edge included), in
    point order; `points` are lon + 1j·lat. The one membership test of every count."""
    if len(points) == 0 or len(polygons) == 0:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    geoms = shapely.points(points.real, points.imag)
    tree = shapely.STRtree(polygons)
    workers = workers or min(os.cpu_count() or 1, max(1, len(geoms) // _PARALLEL_POINTS))
    if workers == 1:
        point_idx, polygon_idx = tree.query(geoms, predicate="covered_by")
        return point_idx, polygon_idx
    starts = np.linspace(0, len(geoms), workers + 1).astype(np.int64)

    def query(start: int, end: int) -> np.ndarray:
        found = tree.query(geoms[start:end], predicate="covered_by")
        found[0] += start
        return found

    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(query, starts[:-1], starts[1:]))
    pairs = np.concatenate(parts, axis=1)
    return pairs[0], pairs[1]


def _point_month_counts(
    codes: np.ndarray, covered: np.ndarray, month: np.ndarray, asb: np.ndarray
) -> pd.DataFrame:
    """Crime and ASB counts per distinct point and month, ordered by point then month.

    `codes` are the rows' point numbers, all of them points marked in `covered`.
    """
    points = np.flatnonzero(covered)
    point = np.cumsum(covered)[codes] - 1  # each row's place among the covered points
    first = int(month.min()) if len(month) else 0
    span = int(month.max()) - first + 1 if len(month) else 1
    if len(points) * span > max(4 * len(codes), 1 << 20):  # sparse: group by sorting instead
        frame = pd.DataFrame(
            {
                "point": codes.astype(np.int64),
                "month": month,
                "crime": 1,
                "asb": asb.astype(np.int64),
            }
        )
        return frame.groupby(["point", "month"], as_index=False)[["crime", "asb"]].sum()
    slot = point * span + (month.astype(np.int64) - first)
    crime = np.bincount(slot, minlength=len(points) * span)
    asb_count = np.bincount(slot, weights=asb, minlength=len(points) * span).astype(np.int64)
    filled = np.flatnonzero(crime)
    return pd.DataFrame(
        {
            "point": points[filled // span].astype(np.int64),
            "month": (filled % span + first).astype(month.dtype),
            "crime": crime[filled],
            "asb": asb_count[filled],
        }
    )


def _hotspot_counts(point_months: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Per hotspot and month: overlapping hotspots each count a shared point's crimes."""
    joined = membership.merge(point_months, on="point")
    return joined.groupby(["hotspot_id", "month"], as_index=False)[["crime", "asb"]].sum()
