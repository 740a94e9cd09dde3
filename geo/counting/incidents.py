"""Incidents with their Location text, for proposing hotspots: rows per month and crime type (for
flagged months and the months with data), the rows of a chosen type when asked, and the dataset's
hotspots (None for files, or a dataset still choosing them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.counting.type_counts import type_counts_of
from geo.io.arrow_numpy import numpy_of
from geo.io.crimes import crime_columns

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass(frozen=True)
class Incidents:
    """Rows of one crime type: month ordinal, lon and lat (NaN without a location), and the
    Location text as codes into `location_names`."""

    month: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    location_code: np.ndarray
    location_names: np.ndarray


@dataclass(frozen=True)
class IncidentRows:
    """What proposals are made from: rows per month and crime type, the rows of a chosen type
    (read when asked), and the dataset's hotspots (None for files)."""

    type_counts: pd.DataFrame
    incidents_of: Callable[[str], Incidents]
    hotspots: gpd.GeoDataFrame | None = None


def incident_rows(tables: list[pa.Table]) -> IncidentRows:
    """The files' rows: counts per month and type now, a type's rows when asked."""
    names: dict[str, int] = {}
    columns = [crime_columns(table, names) for table in tables]
    counted = [type_counts_of(c.month, c.type_code, list(names), c.duplicate) for c in columns]
    type_counts = (
        pd.concat(counted, ignore_index=True)
        if counted
        else pd.DataFrame(columns=["month", "crime_type", "rows", "duplicates"])
    )

    def incidents_of(crime_type: str) -> Incidents:
        code = names[crime_type]
        parts = [(c, c.type_code == code) for c in columns]
        texts = pa.chunked_array(
            [
                table.column("location").filter(pa.array(keep)).cast(pa.string())
                for table, (_, keep) in zip(tables, parts)
            ],
            type=pa.string(),
        )
        encoded = pc.dictionary_encode(texts).combine_chunks()
        return Incidents(
            month=np.concatenate([c.month[keep] for c, keep in parts]),
            lon=np.concatenate([c.lon[keep] for c, keep in parts]),
            lat=np.concatenate([c.lat[keep] for c, keep in parts]),
            location_code=numpy_of(encoded.indices).astype(np.int64),
            location_names=np.array(encoded.dictionary.to_pylist(), dtype=object),
        )

    return IncidentRows(type_counts, incidents_of)
