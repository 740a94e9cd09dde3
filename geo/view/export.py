"""Downloads: the hotspot table as CSV that a spreadsheet cannot run, and hotspots as GeoJSON."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(table: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV with text cells made safe to open in a spreadsheet."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    return safe.to_csv(index=False, float_format="%.2f", lineterminator="\n").encode("utf-8")


def hotspots_geojson(hotspots: gpd.GeoDataFrame, table: pd.DataFrame) -> bytes:
    """The shown hotspots with their figures as a GeoJSON FeatureCollection (WGS84)."""
    merged = hotspots[["hotspot_id", "geometry"]].merge(table, on="hotspot_id", how="inner")
    merged = gpd.GeoDataFrame(merged, geometry="geometry", crs=hotspots.crs)
    return merged.to_json(na="null", drop_id=True, to_wgs84=True).encode("utf-8")
