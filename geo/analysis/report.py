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

from geo.analysis.aggregate import CrimeCounts
from geo.analysis.anomalies import Exclusions, left_out_months
from geo.analysis.areas import AreaCounts
from geo.analysis.evaluation import evaluation_table, primary_reading
from geo.analysis.figures import change_pct, hotspot_table, sum_in_period
from geo.analysis.programme import programme_evaluation
from geo.period import Period

HOTSPOT_KEYS = {
    "hotspot_id": "hotspot_id", "name": "name", "town": "town", "asb_before": "asb_before",
    "asb_after": "asb_after", "asb_change_pct": "asb_change_pct", "change_p": "asb_p",
    "rr": "asb_rr", "rr_low": "asb_rr_low", "rr_high": "asb_rr_high",
    "adjusted_ratio": "adjusted_ratio", "adjusted_low": "adjusted_low",
    "adjusted_high": "adjusted_high", "adjusted_p": "adjusted_p", "q": "q",
    "too_few": "asb_too_few", "dispersion": "dispersion",
    "matched_change_pct": "matched_change_pct", "wdd_p": "wdd_p", "trend": "trend",
}  # fmt: skip
"""Record key → evaluation_table column, in the order of the CSV's columns."""


def period_table(
    hotspots: gpd.GeoDataFrame,
    counts: CrimeCounts,
    areas: AreaCounts,
    patrols: pd.DataFrame | None,
    period: Period,
    exclusions: Exclusions | None = None,
) -> pd.DataFrame:
    """The evaluated per-hotspot table of a period: the one table the pages, the briefing and
    every command show (flagged months left out of both years as `exclusions` says)."""
    exclusions = exclusions or Exclusions()
    table = hotspot_table(hotspots, counts, patrols, period, exclusions)
    return evaluation_table(table, counts, areas, patrols, exclusions.period(period, "asb"))


def evaluation_record(
    table: pd.DataFrame, counts: CrimeCounts, areas: AreaCounts, period: Period,
    exclusions: Exclusions,
) -> dict:  # fmt: skip
    """The period's evaluation: period, anomalies, forcewide, programme and per-hotspot figures,
    for the period's table (period_table, made with the same `exclusions`).

    Flagged months are left out of both years, ASB figures for ASB flags and all-crime figures
    for any flag, as on the pages; the record lists the months left out.
    """
    asb_period, crime_period = exclusions.period(period, "asb"), exclusions.period(period, "crime")
    programme = programme_evaluation(table, counts, areas, asb_period)
    force = counts.force.reset_index()
    asb_after, asb_before = (
        sum_in_period(force, asb_period),
        sum_in_period(force, asb_period.before),
    )
    after, before = sum_in_period(force, crime_period), sum_in_period(force, crime_period.before)
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
            "asb_before": int(asb_before["asb"]),
            "asb_after": int(asb_after["asb"]),
            "asb_change_pct": _number(change_pct(asb_before["asb"], asb_after["asb"])),
            "crime_before": int(before["crime"]),
            "crime_after": int(after["crime"]),
            "crime_change_pct": _number(change_pct(before["crime"], after["crime"])),
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
