"""Figures for a period: per hotspot, for the programme as a whole, and forcewide.

Definitions: a change is 100 × (after − before) / before, with "before" the same
months a year earlier, and empty (NaN) when before is 0. The average reduction is the mean of
per-hotspot changes; the pooled change sums all hotspots first, counting a crime in two overlapping
hotspots once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.analysis.aggregate import CrimeCounts
from geo.analysis.stats import TOO_FEW_BEFORE, TOO_FEW_TOTAL
from geo.period import Period

SUMMARY_COLUMNS = [
    "hotspot_id", "name", "town", "asb_before", "asb_after", "asb_change_pct", "asb_too_few",
    "crime_before", "crime_after", "crime_change_pct", "officer_hours", "visits", "arrests",
    "engagements",
]  # fmt: skip


def change_pct(before: float | np.ndarray, after: float | np.ndarray) -> float | np.ndarray:
    """100 × (after − before) / before; NaN where before is 0, never ±inf."""
    before_arr = np.asarray(before, dtype=float)
    after_arr = np.asarray(after, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(before_arr > 0, 100.0 * (after_arr - before_arr) / before_arr, np.nan)
    return float(result) if result.ndim == 0 else result


def _months_mask(months: pd.Series | pd.Index, period: Period) -> np.ndarray:
    ordinals = np.asarray(months, dtype=np.int64)
    return (ordinals >= period.start.ordinal) & (ordinals <= period.end.ordinal)


def too_few_mask(before: pd.Series, after: pd.Series) -> pd.Series:
    """Hotspots with too few ASB reports to tell a change from chance (see stats.too_few)."""
    return ((before + after) < TOO_FEW_TOTAL) | (before < TOO_FEW_BEFORE)


def sum_in_period(frame: pd.DataFrame, period: Period, by: str | None = None) -> pd.DataFrame:
    """Sum crime and ASB counts over the months of `period` (optionally per `by`)."""
    months = frame["month"] if "month" in frame.columns else frame.index
    inside = frame[_months_mask(months, period)]
    if by is None:
        return inside[["crime", "asb"]].sum()
    return inside.groupby(by)[["crime", "asb"]].sum()


def hotspot_table(
    hotspots: pd.DataFrame, counts: CrimeCounts, patrols: pd.DataFrame, period: Period
) -> pd.DataFrame:
    """One row per hotspot: ASB and all crime before/after with changes, and patrol totals."""
    after = sum_in_period(counts.hotspot, period, by="hotspot_id")
    before = sum_in_period(counts.hotspot, period.before, by="hotspot_id")
    ids = hotspots["hotspot_id"]
    table = pd.DataFrame(
        {
            "hotspot_id": ids.to_numpy(),
            "name": hotspots["name"].to_numpy(),
            "town": hotspots["town"].to_numpy(),
        }
    )
    for kind in ("asb", "crime"):
        table[f"{kind}_before"] = before[kind].reindex(ids).fillna(0).astype(np.int64).to_numpy()
        table[f"{kind}_after"] = after[kind].reindex(ids).fillna(0).astype(np.int64).to_numpy()
        table[f"{kind}_change_pct"] = change_pct(table[f"{kind}_before"], table[f"{kind}_after"])
    table["asb_too_few"] = too_few_mask(table["asb_before"], table["asb_after"])
    patrol = patrol_totals(patrols, period, by_hotspot=True).reindex(ids).fillna(0)
    table["officer_hours"] = patrol["officer_hours"].to_numpy().round(2)
    for column in ("visits", "arrests", "engagements"):
        table[column] = patrol[column].astype(np.int64).to_numpy()
    return table[SUMMARY_COLUMNS]


def patrol_totals(patrols: pd.DataFrame, period: Period, by_hotspot: bool = False) -> pd.DataFrame:
    """Officer hours, visits, arrests and engagements of visits starting within `period`."""
    inside = _with_visit_flag(patrols[_months_mask(patrols["month"], period)])
    grouped = (
        inside.groupby("hotspot_id") if by_hotspot else inside.assign(all="all").groupby("all")
    )
    totals = grouped.agg(
        officer_hours=("hours", "sum"),
        visits=("is_visit", "sum"),
        arrests=("arrests", "sum"),
        engagements=("engagements", "sum"),
    )
    if not by_hotspot and totals.empty:
        totals.loc["all"] = [0.0, 0, 0, 0]
    return totals


def _with_visit_flag(patrols: pd.DataFrame) -> pd.DataFrame:
    """Patrol rows with `is_visit`: rows of outcomes only (GPS datasets) are not visits."""
    if "is_visit" in patrols.columns:
        return patrols
    return patrols.assign(is_visit=True)


@dataclass(frozen=True)
class ProgrammeFigures:
    """The headline figures of a programme for a period, each traceable to the hotspot table."""

    period: Period
    hotspots: int
    officer_hours: float
    visits: int
    arrests: int
    engagements: int
    asb_mean_change_pct: float
    asb_mean_over: int
    asb_largest_reduction_pct: float
    asb_largest_reduction_where: str
    asb_before: int
    asb_after: int
    asb_pooled_change_pct: float
    crime_before: int
    crime_after: int
    crime_change_pct: float
    force_crime_before: int
    force_crime_after: int
    force_crime_change_pct: float
    too_few: int
    missing_months: list[str] = field(default_factory=list)


def programme_figures(
    table: pd.DataFrame,
    counts: CrimeCounts,
    period: Period,
    hotspot_ids: Collection[str] | None = None,
) -> ProgrammeFigures:
    """Programme totals for the hotspots in `table` (see hotspot_table)."""
    ids = list(table["hotspot_id"]) if hotspot_ids is None else list(hotspot_ids)
    inside = counts.programme(ids).reset_index()
    after, before = sum_in_period(inside, period), sum_in_period(inside, period.before)
    force = counts.force.reset_index()
    force_after, force_before = sum_in_period(force, period), sum_in_period(force, period.before)
    changes = table["asb_change_pct"].dropna()
    # Too few reports to tell: shown with the rest, but not ranked as the largest reduction.
    falls = changes[(changes < 0) & ~table.loc[changes.index, "asb_too_few"]]
    where = table.loc[falls.idxmin(), "name"] if len(falls) else ""
    return ProgrammeFigures(
        period=period,
        hotspots=len(table),
        officer_hours=float(table["officer_hours"].sum()),
        visits=int(table["visits"].sum()),
        arrests=int(table["arrests"].sum()),
        engagements=int(table["engagements"].sum()),
        asb_mean_change_pct=float(changes.mean()) if len(changes) else float("nan"),
        asb_mean_over=len(changes),
        asb_largest_reduction_pct=float(falls.min()) if len(falls) else float("nan"),
        asb_largest_reduction_where=str(where),
        asb_before=int(before["asb"]),
        asb_after=int(after["asb"]),
        asb_pooled_change_pct=change_pct(before["asb"], after["asb"]),
        crime_before=int(before["crime"]),
        crime_after=int(after["crime"]),
        crime_change_pct=change_pct(before["crime"], after["crime"]),
        force_crime_before=int(force_before["crime"]),
        force_crime_after=int(force_after["crime"]),
        force_crime_change_pct=change_pct(force_before["crime"], force_after["crime"]),
        too_few=int(table["asb_too_few"].sum()),
        missing_months=missing_months(counts, period),
    )


def missing_months(counts: CrimeCounts, period: Period) -> list[str]:
    """Months of the period or its baseline with no crime data at all."""
    present = set(counts.force.index.astype(int))
    wanted = list(period.before.months) + list(period.months)
    return [str(m) for m in wanted if m.ordinal not in present]


def monthly_asb(counts: CrimeCounts, hotspot_id: str, period: Period) -> pd.DataFrame:
    """ASB per month of `period` in one hotspot, beside the same month a year earlier."""
    rows = counts.hotspot[counts.hotspot["hotspot_id"] == hotspot_id].set_index("month")["asb"]
    months = period.months
    return pd.DataFrame(
        {
            "month": [m.strftime("%b %Y") for m in months],
            "this_year": rows.reindex(months.asi8).fillna(0).astype(int).to_numpy(),
            "last_year": rows.reindex((months - 12).asi8).fillna(0).astype(int).to_numpy(),
        }
    )


def weekly_patrols(patrols: pd.DataFrame, hotspot_id: str, period: Period) -> pd.DataFrame:
    """Officer hours, visits, arrests and people spoken to per week (weeks starting Monday)."""
    visits = _with_visit_flag(
        patrols[(patrols["hotspot_id"] == hotspot_id) & _months_mask(patrols["month"], period)]
    )
    start = period.start.start_time
    end = period.end.end_time
    weeks = pd.date_range(start - pd.Timedelta(days=start.weekday()), end, freq="W-MON")
    week = visits["start"].dt.to_period("W-SUN").dt.start_time
    grouped = visits.groupby(week).agg(
        officer_hours=("hours", "sum"),
        visits=("is_visit", "sum"),
        arrests=("arrests", "sum"),
        engagements=("engagements", "sum"),
    )
    out = grouped.reindex(weeks, fill_value=0)
    out.index.name = "week"
    return out.reset_index()
