"""The areas an evaluation compares hotspots with, counted once when the dataset is loaded.

For each hotspot a buffer ring `ring_m` metres wide round it (outside every hotspot) is the
displacement area; the control is the rest of the force outside all hotspots and rings, or
control polygons the user supplies. Untreated comparison squares outside hotspots and rings
(geo.counting.squares) tell how much places vary by chance. Tests for a period
(geo.analysis.evaluation) read these counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.counting.aggregate import CrimeCounts, count_crimes, placed_counts, points_in_polygons
from geo.counting.squares import comparison_squares
from geo.crs import BRITISH_NATIONAL_GRID, WGS84

RING_M = 200
"""Default width of the displacement ring round each hotspot, in metres."""

HOTSPOT, RING, CONTROL = 0, 1, 2
"""Kinds of area a point is placed in (place_points): a hotspot, its ring, a control area."""


@dataclass(frozen=True)
class AreaCounts:
    """Crime counts of the displacement rings and of everything the evaluation covers.

    - `rings`: per ring, keyed by the hotspot_id it surrounds.
    - `covered`: hotspots and rings together, to count each crime in them once.
    - `control`: by month, located crimes in the control area (index month ordinal).
    - `comparison`: ASB by untreated comparison square and month (geo.counting.squares).
    """

    ring_m: int
    rings: CrimeCounts
    covered: CrimeCounts
    control: pd.DataFrame
    control_source: str
    comparison: pd.DataFrame


def rings(hotspots: gpd.GeoDataFrame, width_m: float = RING_M) -> gpd.GeoDataFrame:
    """A ring `width_m` wide round each hotspot, outside every hotspot (built in metres)."""
    metres = hotspots.to_crs(BRITISH_NATIONAL_GRID)
    shapes = metres.geometry.to_numpy()
    buffers = shapely.buffer(shapes, width_m, quad_segs=16)
    ring_idx, near_idx = shapely.STRtree(shapes).query(buffers, predicate="intersects")
    outside = [
        shapely.difference(buffer, shapely.union_all(shapes[near_idx[ring_idx == i]]))
        for i, buffer in enumerate(buffers)
    ]  # each buffer less only the hotspots it touches: fast with thousands of hotspots
    frame = gpd.GeoDataFrame(
        {"hotspot_id": metres["hotspot_id"].to_numpy(), "name": metres["name"].to_numpy()},
        geometry=outside,
        crs=BRITISH_NATIONAL_GRID,
    )
    return frame.to_crs(WGS84)


def area_counts(
    crimes: pd.DataFrame,
    hotspots: gpd.GeoDataFrame,
    ring_m: int = RING_M,
    control: gpd.GeoDataFrame | None = None,
    located: pd.DataFrame | None = None,
    asb_rows: pd.DataFrame | None = None,
) -> AreaCounts:
    """Count crimes in the rings, in hotspots ∪ rings, and in the control area, by month.

    `located` (see located_by_month) and `asb_rows` (every located ASB row: month, lon, lat,
    asb, for the comparison squares) are given when `crimes` holds only the rows near the areas.
    """
    ring_frame = rings(hotspots, ring_m)
    ring_counts = count_crimes(crimes, ring_frame)
    together = covered_areas(hotspots, ring_frame)
    covered = count_crimes(crimes, together)
    if control is not None:
        control_counts = count_crimes(crimes, control).programme()
    else:
        located = located_by_month(crimes) if located is None else located
        control_counts = located.sub(covered.programme(), fill_value=0)
    squares = comparison_squares(crimes if asb_rows is None else asb_rows, together.geometry)
    source = _control_source(control is not None, ring_m)
    return AreaCounts(ring_m, ring_counts, covered, control_counts, source, squares)


def covered_areas(hotspots: gpd.GeoDataFrame, ring_frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Hotspots and rings as one set of polygons, ids `h:<id>` and `r:<id>`, to count each crime
    in them once."""
    together = pd.concat(
        [hotspots[["hotspot_id", "geometry"]], ring_frame[["hotspot_id", "geometry"]]]
    )
    together["hotspot_id"] = _covered_ids(hotspots["hotspot_id"])
    return gpd.GeoDataFrame(together, geometry="geometry", crs=WGS84)


def _covered_ids(hotspot_ids: pd.Series) -> list[str]:
    """The ids of hotspots then rings in covered_areas."""
    return [f"h:{i}" for i in hotspot_ids] + [f"r:{i}" for i in hotspot_ids]


def _control_source(supplied: bool, ring_m: int) -> str:
    """What the control area is, as the evaluation names it."""
    if supplied:
        return "the control areas supplied"
    return f"the rest of the force outside hotspots and their {ring_m} m rings"


def place_points(
    points: np.ndarray,
    hotspots: gpd.GeoDataFrame,
    ring_frame: gpd.GeoDataFrame,
    control: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Which hotspots, rings (`ring_frame`, as rings gives) and control areas cover each point
    (lon + 1j·lat): columns point, kind (HOTSPOT, RING, CONTROL) and area (the hotspot's or
    control area's position), tested as area_counts tests rows, so counts built from them
    (placed_area_counts) are the same."""
    shapes = [(HOTSPOT, hotspots.geometry.values), (RING, ring_frame.geometry.values)]
    if control is not None and not control.empty:
        shapes.append((CONTROL, control.geometry.values))
    frames = []
    for kind, polygons in shapes:
        point, area = points_in_polygons(points, polygons)
        frames.append(pd.DataFrame({"point": point, "kind": kind, "area": area}))
    return pd.concat(frames, ignore_index=True).astype(np.int64)


def placed_area_counts(
    point_months: pd.DataFrame,
    places: pd.DataFrame,
    hotspots: gpd.GeoDataFrame,
    ring_m: int,
    located: pd.DataFrame,
    comparison: pd.DataFrame,
    control: gpd.GeoDataFrame | None = None,
) -> tuple[CrimeCounts, AreaCounts]:
    """The hotspots' counts and AreaCounts from points placed by place_points (with this ring
    width) and comparison squares counted beforehand: the same figures as count_crimes and
    area_counts give from the rows, with no point tested. `located` as located_by_month."""
    ids = hotspots["hotspot_id"].to_numpy()
    kind = places["kind"].to_numpy()
    empty = pd.DataFrame(index=pd.Index([], dtype=np.int32, name="month"))
    hotspot_places, ring_places = places[kind == HOTSPOT], places[kind == RING]
    counts = placed_counts(point_months, hotspot_places, ids, empty)
    ring_counts = placed_counts(point_months, ring_places, ids, empty)
    both = pd.concat(
        [hotspot_places, ring_places.assign(area=ring_places["area"] + len(ids))],
        ignore_index=True,
    )
    covered = placed_counts(
        point_months, both, np.array(_covered_ids(hotspots["hotspot_id"])), empty
    )
    if control is not None:
        control_ids = control["hotspot_id"].to_numpy()
        control_counts = placed_counts(
            point_months, places[kind == CONTROL], control_ids, empty
        ).programme()
    else:
        control_counts = located.sub(covered.programme(), fill_value=0)
    source = _control_source(control is not None, ring_m)
    areas = AreaCounts(ring_m, ring_counts, covered, control_counts, source, comparison)
    return counts, areas


def located_by_month(crimes: pd.DataFrame) -> pd.DataFrame:
    """Crimes with a location, and the ASB among them, by month."""
    located = crimes[crimes["lon"].notna() & crimes["lat"].notna()]
    return located.groupby("month").agg(crime=("asb", "size"), asb=("asb", "sum"))
