"""Downloads: the hotspot table as CSV that a spreadsheet cannot run, and hotspots as GeoJSON."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.analysis.outcomes import OPTIONAL_OUTCOMES, OUTCOME_LABELS
from geo.period import Period

PLAIN_COLUMNS = {
    "hotspot_id": "Hotspot id",
    "name": "Hotspot",
    "town": "Town",
    "asb_before": "ASB reports a year earlier",
    "asb_after": "ASB reports in the period",
    "asb_change_pct": "ASB change %",
    "asb_too_few": "Too few ASB reports to tell",
    "crime_before": "All crime a year earlier",
    "crime_after": "All crime in the period",
    "crime_change_pct": "All crime change %",
    "officer_hours": "Officer patrol hours",
    "visits": "Patrol visits",
    "arrests": "Arrests",
    "engagements": "People spoken to",
    "asb_p": "ASB change p-value (exact test of the hotspot's own counts)",
    "asb_rr": "ASB rate ratio (period / year earlier)",
    "asb_rr_low": "ASB rate ratio 95% interval from",
    "asb_rr_high": "ASB rate ratio 95% interval to",
    "ring_asb_before": "ASB in the surrounding ring a year earlier",
    "ring_asb_after": "ASB in the surrounding ring in the period",
    "adjusted_ratio": "Against the control trend: ratio of rate ratios",
    "adjusted_low": "Against the control trend: 95% interval from",
    "adjusted_high": "Against the control trend: 95% interval to",
    "adjusted_p": "Against the control trend: p-value",
    "q": "False discovery rate q",
    "dispersion": "Dispersion of similar untreated areas",
    "ring_dispersion": "Dispersion of areas like the ring",
    "matched_change_pct": "ASB change % in similar untreated areas",
    "wdd_estimate": "Weighted displacement difference (WDD)",
    "wdd_z": "WDD z",
    "wdd_p": "WDD p-value",
    "hours_per_week": "Officer patrol hours per week",
    "visits_per_day": "Patrol visits per day",
    "minutes_per_visit": "Minutes per visit",
    "share_15_min": "Share of visits of 15 minutes or more",
    "trend": "Trend",
    **{column: OUTCOME_LABELS[column] for column in OPTIONAL_OUTCOMES},
}
"""Column headings of the downloaded table, in words a manager reads (code names otherwise); no
commas, so no heading needs quoting."""

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


def plain_table(table: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The table for people: the period and its baseline in the first columns, then the figures
    under plain headings."""
    out = table.rename(columns=PLAIN_COLUMNS)
    out.insert(0, "Compared with", period.before.label())
    out.insert(0, "Period", period.label())
    return out


def hotspots_geojson(hotspots: gpd.GeoDataFrame, table: pd.DataFrame) -> bytes:
    """The shown hotspots with their figures as a GeoJSON FeatureCollection (WGS84)."""
    merged = hotspots[["hotspot_id", "geometry"]].merge(table, on="hotspot_id", how="inner")
    merged = gpd.GeoDataFrame(merged, geometry="geometry", crs=hotspots.crs)
    return merged.to_json(na="null", drop_id=True, to_wgs84=True).encode("utf-8")
