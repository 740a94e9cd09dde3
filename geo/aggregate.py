"""Count crimes per hotspot and month, once per dataset, so every period and filter is cheap.

A crime belongs to a hotspot when its point is inside the polygon or on its edge (shapely
`covered_by` in the lon/lat the data came in). police.uk snaps crimes to a limited set of map
points, so points are deduplicated first and each distinct point is tested once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


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
    """Aggregate crime rows (see geo.crimes) against hotspot polygons (WGS84)."""
    force = _force_counts(crimes)
    located = crimes[crimes["lon"].notna() & crimes["lat"].notna()]
    codes, points = pd.factorize(located["lon"].to_numpy() + 1j * located["lat"].to_numpy())
    point_idx, hotspot_idx = _points_in_polygons(points, hotspots.geometry.values)
    membership = pd.DataFrame(
        {
            "point": point_idx.astype(np.int64),
            "hotspot_id": hotspots["hotspot_id"].to_numpy()[hotspot_idx],
        }
    )
    inside_rows = np.isin(codes, point_idx)
    point_months = _point_month_counts(codes[inside_rows], located[inside_rows])
    hotspot = _hotspot_counts(point_months, membership)
    return CrimeCounts(force, hotspot, point_months, membership)


def _force_counts(crimes: pd.DataFrame) -> pd.DataFrame:
    """Every row by month: all crime, ASB, and rows without a location."""
    frame = pd.DataFrame(
        {
            "month": crimes["month"].to_numpy(),
            "crime": 1,
            "asb": crimes["asb"].to_numpy().astype(np.int64),
            "no_location": (crimes["lon"].isna() | crimes["lat"].isna())
            .to_numpy()
            .astype(np.int64),
        }
    )
    return frame.groupby("month")[["crime", "asb", "no_location"]].sum().sort_index()


def _points_in_polygons(points: np.ndarray, polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point index, polygon index) where the polygon covers the point."""
    if len(points) == 0 or len(polygons) == 0:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    geoms = shapely.points(points.real, points.imag)
    tree = shapely.STRtree(polygons)
    point_idx, polygon_idx = tree.query(geoms, predicate="covered_by")
    return point_idx, polygon_idx


def _point_month_counts(codes: np.ndarray, rows: pd.DataFrame) -> pd.DataFrame:
    """Crime and ASB counts per distinct point and month."""
    frame = pd.DataFrame(
        {
            "point": codes.astype(np.int64),
            "month": rows["month"].to_numpy(),
            "crime": 1,
            "asb": rows["asb"].to_numpy().astype(np.int64),
        }
    )
    return frame.groupby(["point", "month"], as_index=False)[["crime", "asb"]].sum()


def _hotspot_counts(point_months: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Per hotspot and month: overlapping hotspots each count a shared point's crimes."""
    joined = membership.merge(point_months, on="point")
    return joined.groupby(["hotspot_id", "month"], as_index=False)[["crime", "asb"]].sum()
