"""The inputs of `geo propose`: police.uk rows with their Location text (geo.counting.incidents;
read from files or a store by geo.app.proposals), and what the dataset already holds (its
hotspots, its flagged months). Flagged months come from the same rows-per-month-and-type counts
the dataset loader judges (geo.analysis.anomalies).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from geo.analysis.anomalies import Anomaly, find_anomalies
from geo.counting.incidents import Incidents

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass(frozen=True)
class ProposalSource:
    """What proposals are made from: rows per month and crime type (for flagged months and the
    months with data), the rows of a chosen type, and the dataset's hotspots (None for files)."""

    type_counts: pd.DataFrame
    incidents_of: Callable[[str], Incidents]
    hotspots: gpd.GeoDataFrame | None = None

    @property
    def crime_types(self) -> list[str]:
        """The crime types the data hold, sorted."""
        return sorted({str(t) for t in self.type_counts["crime_type"]})

    @property
    def months(self) -> list[pd.Period]:
        """Months with any rows, in order."""
        return [pd.Period(ordinal=int(m), freq="M") for m in sorted(set(self.type_counts["month"]))]

    @property
    def anomalies(self) -> list[Anomaly]:
        """Flagged months per crime type, as the dataset loader finds them."""
        return find_anomalies(self.type_counts)
