"""The areas an evaluation compares hotspots with, counted once when the dataset is loaded.

For each hotspot a buffer ring `ring_m` metres wide round it (outside every hotspot) is the
displacement area; the control is the rest of the force outside all hotspots and rings, or
control polygons the user supplies. Untreated comparison squares outside hotspots and rings
(geo.analysis.comparison) tell how much places vary by chance. Tests for a period
(geo.analysis.evaluation) read these counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from geo.analysis.aggregate import CrimeCounts, count_crimes
from geo.analysis.comparison import comparison_squares
from geo.crs import BRITISH_NATIONAL_GRID, WGS84

RING_M = 200
"""Default width of the displacement ring round each hotspot, in metres."""


@dataclass(frozen=True)
class AreaCounts:
    """Crime counts of the displacement rings and of everything the evaluation covers.

    - `rings`: per ring, keyed by the hotspot_id it surrounds.
    - `covered`: hotspots and rings together, to count each crime in them once.
    - `control`: by month, located crimes in the control area (index month ordinal).
    - `comparison`: ASB by untreated comparison square and month (geo.analysis.comparison).
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
    together = pd.concat(
        [hotspots[["hotspot_id", "geometry"]], ring_frame[["hotspot_id", "geometry"]]]
    )
    together["hotspot_id"] = [f"h:{i}" for i in hotspots["hotspot_id"]] + [
        f"r:{i}" for i in ring_frame["hotspot_id"]
    ]
    together = gpd.GeoDataFrame(together, geometry="geometry", crs=WGS84)
    covered = count_crimes(crimes, together)
    if control is not None:
        control_counts = count_crimes(crimes, control).programme()
        source = "the control areas supplied"
    else:
        located = located_by_month(crimes) if located is None else located
        control_counts = located.sub(covered.programme(), fill_value=0)
        source = f"the rest of the force outside hotspots and their {ring_m} m rings"
    squares = comparison_squares(crimes if asb_rows is None else asb_rows, together.geometry)
    return AreaCounts(ring_m, ring_counts, covered, control_counts, source, squares)


def located_by_month(crimes: pd.DataFrame) -> pd.DataFrame:
    """Crimes with a location, and the ASB among them, by month."""
    located = crimes[crimes["lon"].notna() & crimes["lat"].notna()]
    return located.groupby("month").agg(crime=("asb", "size"), asb=("asb", "sum"))
