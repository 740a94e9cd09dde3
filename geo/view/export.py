"""Downloads: the hotspot table as CSV that a spreadsheet cannot run, and hotspots as GeoJSON."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
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
    "share_15_min": "Visits of 15 minutes or more %",
    "trend": "Trend",
    **{column: OUTCOME_LABELS[column] for column in OPTIONAL_OUTCOMES},
}
"""Column headings of the downloaded table, in words a manager reads (code names otherwise); no
commas, so no heading needs quoting."""

SHARES = ("share_15_min",)
"""Columns held as fractions, written as percentages like every other share in the table."""
P_COLUMNS = ("asb_p", "adjusted_p", "wdd_p", "q", "p_floor")
"""p-values and q, written to P_DIGITS significant digits: a p of 0.0004 is not 0.00."""
P_DIGITS = 3
DECIMALS = 2
"""Decimals of every other number with a fraction."""
YES_NO = ("yes", "no")
"""How a true or false cell is written; its heading says so ('… (yes/no)')."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def significant(value: float, digits: int = P_DIGITS) -> str:
    """A number to `digits` significant digits, never in exponent form: 0.0000123, 0.0215, 1."""
    return np.format_float_positional(
        value, precision=digits, unique=False, fractional=False, trim="-"
    )


def table_csv(table: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV that a spreadsheet reads as numbers and cannot run: text cells made
    safe, p and q to P_DIGITS significant digits, other fractions to DECIMALS decimals, true and
    false as yes and no (said in the heading)."""
    p_columns = set(P_COLUMNS) | {PLAIN_COLUMNS[c] for c in P_COLUMNS if c in PLAIN_COLUMNS}
    safe = table.copy()
    headings = {}
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_bool_dtype(values):
            safe[column] = values.map(lambda v: "" if pd.isna(v) else YES_NO[0 if v else 1])
            headings[column] = f"{column} ({'/'.join(YES_NO)})"
        elif pd.api.types.is_float_dtype(values):
            write = significant if column in p_columns else (lambda v: f"{v:.{DECIMALS}f}")
            safe[column] = values.map(lambda v, write=write: "" if pd.isna(v) else write(v))
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            safe[column] = values.map(neutralise_formula)
    safe = safe.rename(columns=headings)
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


def plain_table(table: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The table for people: the period and its baseline in the first columns, then the figures
    under plain headings, shares as percentages."""
    out = table.copy()
    for column in SHARES:
        if column in out.columns:
            out[column] = out[column] * 100
    out = out.rename(columns=PLAIN_COLUMNS)
    out.insert(0, "Compared with", period.before.label())
    out.insert(0, "Period", period.label())
    return out


def hotspots_geojson(hotspots: gpd.GeoDataFrame, table: pd.DataFrame) -> bytes:
    """The shown hotspots with their figures as a GeoJSON FeatureCollection (WGS84)."""
    merged = hotspots[["hotspot_id", "geometry"]].merge(table, on="hotspot_id", how="inner")
    merged = gpd.GeoDataFrame(merged, geometry="geometry", crs=hotspots.crs)
    return merged.to_json(na="null", drop_id=True, to_wgs84=True).encode("utf-8")
