"""Figures for a period: per hotspot, for the programme as a whole, and forcewide.

Definitions: a change is 100 × (after − before) / before, with "before" the same
months a year earlier, and empty (NaN) when before is 0. The average reduction is the mean of
per-hotspot changes, leaving out hotspots with too few reports to tell (stats.TOO_FEW_RULE);
the pooled change sums all hotspots first, counting a crime in two overlapping
hotspots once.

Months left out: flagged months (geo.analysis.anomalies) are left out of both years of the figures
they affect, and a hotspot's months before the month it `started` are not "after" for it (nor
their baseline months). Without a patrol log, patrol figures are NaN (unknown), never 0; with
hours from GPS and no patrol log, so are arrests and people spoken to.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.analysis.context import AFTER, BEFORE, KINDS, EvaluationContext
from geo.analysis.outcomes import LOGGED_OUTCOMES, logged_outcomes
from geo.analysis.stats import too_few_flags
from geo.counting.aggregate import CrimeCounts
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
    """Rows whose month is a counted month of `period` (skipped months are not)."""
    return period.contains(np.asarray(months, dtype=np.int64))


PATROL_COLUMNS = ["officer_hours", "visits", "arrests", "engagements"]
NO_PATROL_LOG = "no patrol log"
"""Shown wherever a patrol figure would be when the dataset has no patrol log."""


def sum_in_period(frame: pd.DataFrame, period: Period, by: str | None = None) -> pd.DataFrame:
    """Sum crime and ASB counts over the months of `period` (optionally per `by`)."""
    months = frame["month"] if "month" in frame.columns else frame.index
    inside = frame[_months_mask(months, period)]
    if by is None:
        return inside[["crime", "asb"]].sum()
    return inside.groupby(by)[["crime", "asb"]].sum()


def hotspot_table(
    hotspots: pd.DataFrame,
    counts: CrimeCounts,
    patrols: pd.DataFrame | None,
    context: EvaluationContext,
) -> pd.DataFrame:
    """One row per hotspot: ASB and all crime before/after with changes, and patrol totals.

    The months counted are the context's (flagged months out of both years, and a hotspot's
    months before it started); `patrols` None (no patrol log) gives NaN patrol columns.
    """
    ids = hotspots["hotspot_id"]
    table = pd.DataFrame(
        {
            "hotspot_id": ids.to_numpy(),
            "name": hotspots["name"].to_numpy(),
            "town": hotspots["town"].to_numpy(),
        }
    )
    for kind in KINDS:
        before, after = context.per_hotspot(counts.hotspot, ids, kind)
        table[f"{kind}_{AFTER}"], table[f"{kind}_{BEFORE}"] = after, before
        table[f"{kind}_change_pct"] = change_pct(table[f"{kind}_before"], table[f"{kind}_after"])
    table["asb_too_few"] = too_few_flags(table["asb_before"].to_numpy())
    if patrols is None:
        for column in PATROL_COLUMNS:
            table[column] = np.nan
        return table[SUMMARY_COLUMNS]
    patrol = patrol_totals(patrols, context.period, by_hotspot=True).reindex(ids).fillna(0)
    table["officer_hours"] = patrol["officer_hours"].to_numpy().round(2)
    for column in ("visits", "arrests", "engagements"):
        table[column] = patrol[column].astype(np.int64).to_numpy()
    if not logged_outcomes(patrols):  # hours from GPS, no patrol log: outcomes not recorded
        table[list(LOGGED_OUTCOMES)] = np.nan
    return table[SUMMARY_COLUMNS]


def patrol_totals(patrols: pd.DataFrame, period: Period, by_hotspot: bool = False) -> pd.DataFrame:
    """Officer hours, visits, arrests and engagements of visits starting within `period`.

    Every month of the period counts: months left out of crime figures still had patrols.
    """
    inside = _with_visit_flag(patrols[_months_mask(patrols["month"], period.whole)])
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
    """The headline figures of a programme for a period, each traceable to the hotspot table.

    Patrol figures are NaN when there is no patrol log (`patrol_log` False): unknown, not zero.
    """

    period: Period
    hotspots: int
    officer_hours: float
    visits: float
    arrests: float
    engagements: float
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
    force_asb_before: int = 0
    force_asb_after: int = 0
    force_asb_change_pct: float = float("nan")
    patrol_log: bool = True
    asb_left_out: list[str] = field(default_factory=list)
    crime_left_out: list[str] = field(default_factory=list)
    late_starters: int = 0


def programme_figures(
    table: pd.DataFrame,
    counts: CrimeCounts,
    context: EvaluationContext,
    hotspot_ids: Collection[str] | None = None,
    patrol_log: bool = True,
) -> ProgrammeFigures:
    """Programme totals for the hotspots in `table` (see hotspot_table), counted as `context`
    says (flagged months out of both years, each hotspot's months from its start)."""
    ids = list(table["hotspot_id"]) if hotspot_ids is None else list(hotspot_ids)
    asb_before, asb_after = context.programme_pair(counts, ids, "asb")
    crime_before, crime_after = context.programme_pair(counts, ids, "crime")
    force = counts.force.reset_index()
    force_before, force_after = context.pair(force, "crime")
    force_asb_before, force_asb_after = context.pair(force, "asb")
    # Too few reports to tell (a flag on the baseline alone): shown with the rest, but neither
    # averaged nor ranked as the largest reduction.
    changes = table["asb_change_pct"][~table["asb_too_few"].astype(bool)].dropna()
    falls = changes[changes < 0]
    where = table.loc[falls.idxmin(), "name"] if len(falls) else ""
    patrol = {
        column: float(table[column].sum()) if patrol_log else float("nan")
        for column in PATROL_COLUMNS
    }
    if len(table) and table["arrests"].isna().all():  # no patrol log records outcomes
        patrol.update(dict.fromkeys(LOGGED_OUTCOMES, float("nan")))
    return ProgrammeFigures(
        period=context.period,
        hotspots=len(table),
        officer_hours=patrol["officer_hours"],
        visits=patrol["visits"],
        arrests=patrol["arrests"],
        engagements=patrol["engagements"],
        asb_mean_change_pct=float(changes.mean()) if len(changes) else float("nan"),
        asb_mean_over=len(changes),
        asb_largest_reduction_pct=float(falls.min()) if len(falls) else float("nan"),
        asb_largest_reduction_where=str(where),
        asb_before=asb_before,
        asb_after=asb_after,
        asb_pooled_change_pct=change_pct(asb_before, asb_after),
        crime_before=crime_before,
        crime_after=crime_after,
        crime_change_pct=change_pct(crime_before, crime_after),
        force_crime_before=force_before,
        force_crime_after=force_after,
        force_crime_change_pct=change_pct(force_before, force_after),
        too_few=int(table["asb_too_few"].sum()),
        force_asb_before=force_asb_before,
        force_asb_after=force_asb_after,
        force_asb_change_pct=change_pct(force_asb_before, force_asb_after),
        patrol_log=patrol_log,
        asb_left_out=context.left_out("asb"),
        crime_left_out=context.left_out("crime"),
        late_starters=context.late_starters(ids),
    )


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
