"""What a store's load gives, whichever store it is: the outlines, the patrol log as read, the
counts per hotspot and month and of the areas round them, the rows per month and crime type, and
the GPS visits. Counted with geo.counting, so both stores give the same numbers; the figures are
the analysis's (geo.app.load)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.counting.aggregate import CrimeCounts
from geo.counting.areas import AreaCounts
from geo.counting.visits import VisitResult


@dataclass(frozen=True)
class StoredDataset:
    """A dataset as a store holds it, counted."""

    hotspots: gpd.GeoDataFrame
    counts: CrimeCounts
    areas: AreaCounts
    type_counts: pd.DataFrame
    """Rows and exact duplicate rows per month and crime type (geo.counting.type_counts)."""
    version: str
    is_sample: bool
    patrol_log: pd.DataFrame | None = None
    """The patrol log as read (None when the store holds none)."""
    gps: VisitResult | None = None
    """The visits of the store's GPS pings (None without pings)."""
    notes: tuple[str, ...] = ()
    """Things a reader should know about how the data came to be (an undone import)."""
