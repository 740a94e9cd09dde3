"""The evaluation of a period as one record: what `python -m geo evaluate` writes.

The same functions make the pages' figures (figures, evaluation, programme), so the command
line and the app give the same numbers. Keys are documented in the README ("How to read the
evaluation").
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.anomalies import left_out_months
from geo.analysis.context import EvaluationContext
from geo.analysis.evaluation import evaluation_table, primary_reading
from geo.analysis.figures import change_pct, hotspot_table
from geo.analysis.programme import programme_evaluation
from geo.counting.aggregate import CrimeCounts
from geo.counting.areas import AreaCounts

HOTSPOT_KEYS = {
    "hotspot_id": "hotspot_id", "name": "name", "town": "town", "asb_before": "asb_before",
    "asb_after": "asb_after", "asb_change_pct": "asb_change_pct", "change_p": "asb_p",
    "rr": "asb_rr", "rr_low": "asb_rr_low", "rr_high": "asb_rr_high",
    "adjusted_ratio": "adjusted_ratio", "adjusted_low": "adjusted_low",
    "adjusted_high": "adjusted_high", "adjusted_p": "adjusted_p", "q": "q",
    "too_few": "asb_too_few", "dispersion": "dispersion",
    "matched_change_pct": "matched_change_pct", "wdd_p": "wdd_p", "trend": "trend",
    "reference_n": "reference_n", "reference_method": "reference_method", "p_floor": "p_floor",
    "shrunk_ratio": "shrunk_ratio", "shrunk_low": "shrunk_low", "shrunk_high": "shrunk_high",
    "detectable_fall_pct": "detectable_fall_pct",
}  # fmt: skip
"""Record key → evaluation_table column, in the order of the CSV's columns."""


def period_table(
    hotspots: gpd.GeoDataFrame,
    counts: CrimeCounts,
    areas: AreaCounts,
    patrols: pd.DataFrame | None,
    context: EvaluationContext,
) -> pd.DataFrame:
    """The evaluated per-hotspot table of a period: the one table the pages, the briefing and
    every command show, counted as `context` says."""
    table = hotspot_table(hotspots, counts, patrols, context)
    return evaluation_table(table, counts, areas, patrols, context)


def evaluation_record(
    table: pd.DataFrame, counts: CrimeCounts, areas: AreaCounts, context: EvaluationContext
) -> dict:
    """The period's evaluation: period, anomalies, forcewide, programme and per-hotspot figures,
    for the period's table (period_table, made with the same `context`).

    Flagged months are left out of both years, ASB figures for ASB flags and all-crime figures
    for any flag, as on the pages; the record lists the months left out.
    """
    period, exclusions = context.period, context.exclusions
    asb_period, crime_period = context.asb, context.crime
    programme = programme_evaluation(table, counts, areas, context)
    force = counts.force.reset_index()
    asb_before, asb_after = context.pair(force, "asb")
    before, after = context.pair(force, "crime")
    return {
        "period": {
            "after": str(period),
            "before": str(period.before),
            "excluded_months": sorted(
                set(left_out_months(asb_period)) | set(left_out_months(crime_period))
            ),
            "asb_excluded_months": left_out_months(asb_period),
            "crime_excluded_months": left_out_months(crime_period),
        },
        "anomalies": [
            {"month": str(a.month), "crime_type": a.crime_type, "what": a.what}
            for a in exclusions.anomalies
        ],
        "forcewide": {
            "asb_before": asb_before,
            "asb_after": asb_after,
            "asb_change_pct": _number(change_pct(asb_before, asb_after)),
            "crime_before": before,
            "crime_after": after,
            "crime_change_pct": _number(change_pct(before, after)),
        },
        "programme": {
            **{key: _number(value) for key, value in vars(programme).items()},
            "reading": programme.reading,
        },
        "hotspots": hotspot_records(table),
    }


def hotspot_records(table: pd.DataFrame) -> list[dict]:
    """One record per hotspot (HOTSPOT_KEYS), with its primary reading; NaN as None."""
    records = []
    for row in table.to_dict(orient="records"):
        record = {key: _number(row[column]) for key, column in HOTSPOT_KEYS.items()}
        record["reading"] = primary_reading(row)
        records.append(record)
    return records


def hotspot_frame(record: dict) -> pd.DataFrame:
    """The hotspots of an evaluation record as a table (the CSV form)."""
    return pd.DataFrame(record["hotspots"], columns=[*HOTSPOT_KEYS, "reading"])


def _number(value: object) -> object:
    """Plain Python values for JSON: numpy scalars unwrapped, NaN and ±inf as None."""
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else float(value)
    return value
