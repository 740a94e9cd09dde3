"""Month by month: each hotspot's ASB in each month of a period against the same month a year
before, for the map's playback.

Which months count is the evaluation context's rule (geo.analysis.context), applied to one month
at a time: a month with no crime data, or whose ASB (or that of the month a year before) is
flagged as anomalous, is not counted, and a hotspot's months before it started are not its own.
Such a month is reported as what it is, never as zero reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.analysis.anomalies import Anomaly, flagged_months, gaps
from geo.analysis.context import EvaluationContext
from geo.counting.aggregate import CrimeCounts
from geo.period import BASELINE_LAG, Period

COUNTED, NO_DATA, FLAGGED = "counted", "no data", "flagged"
"""What a month of the playback is: counted, without crime data (itself or the month a year
before), or flagged as anomalous (itself or the month a year before) and so left out."""


@dataclass(frozen=True)
class MonthStatus:
    """One month of the playback: the month, what it is, and the month that made it so (itself,
    or the month a year before; None when counted) with the flags on it."""

    month: pd.Period
    status: str = COUNTED
    because_of: pd.Period | None = None
    flags: tuple[Anomaly, ...] = ()

    @property
    def year_before(self) -> pd.Period:
        return self.month - BASELINE_LAG


@dataclass(frozen=True)
class MonthByMonth:
    """ASB per month (rows) and hotspot (columns, `ids`): this year's and the same month a year
    before, NaN where not known (a month not counted, or before the hotspot started)."""

    ids: list[str]
    months: list[MonthStatus]
    this_year: np.ndarray
    year_before: np.ndarray
    started: np.ndarray
    """False where the hotspot had not started by that month."""

    def change_pct(self) -> np.ndarray:
        """The change on the same month a year before, %; NaN where either count is not known
        or there were none a year before (no change can be said)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            change = 100.0 * (self.this_year - self.year_before) / self.year_before
        return np.where(self.year_before > 0, change, np.nan)


def month_statuses(counts: CrimeCounts, context: EvaluationContext) -> list[MonthStatus]:
    """Each month of the context's period, counted or not, and why."""
    held = {m.ordinal for m in counts.months}
    anomalies = list(context.exclusions.anomalies)
    missing = {m.ordinal for m in gaps(anomalies)}
    statuses = []
    for month in context.period.months:
        pair = (month, month - BASELINE_LAG)
        absent = [m for m in pair if m.ordinal not in held or m.ordinal in missing]
        if absent:
            statuses.append(MonthStatus(month, NO_DATA, absent[0]))
            continue
        counted = context.exclusions.period(Period(month, month), "asb")
        if counted.skipped:
            flagged = [m for m in pair if _asb_flags(anomalies, m)]
            statuses.append(
                MonthStatus(month, FLAGGED, flagged[0], _asb_flags(anomalies, flagged[0]))
            )
            continue
        statuses.append(MonthStatus(month))
    return statuses


def _asb_flags(anomalies: list[Anomaly], month: pd.Period) -> tuple[Anomaly, ...]:
    """The flags on `month` that leave it out of ASB figures (the rule of flagged_months)."""
    return tuple(a for a in anomalies if a.month == month and flagged_months([a], "asb"))


def month_by_month(counts: CrimeCounts, ids: list[str], context: EvaluationContext) -> MonthByMonth:
    """The hotspots `ids`' ASB in each month of the context's period and a year before."""
    statuses = month_statuses(counts, context)
    ordinals = np.array([s.month.ordinal for s in statuses], dtype=np.int64)
    frame = counts.hotspot[counts.hotspot["hotspot_id"].isin(set(ids))]
    table = frame.pivot_table(index="hotspot_id", columns="month", values="asb", aggfunc="sum")
    table = table.reindex(index=ids, columns=np.r_[ordinals, ordinals - BASELINE_LAG])
    values = table.fillna(0).to_numpy(dtype=float).T  # a month with data and no row: none
    this_year, year_before = values[: len(ordinals)], values[len(ordinals) :]
    starts = context.hotspot_starts(ids)
    started = ordinals[:, None] >= starts[None, :]
    known = np.array([s.status == COUNTED for s in statuses])[:, None] & started
    return MonthByMonth(
        list(ids),
        statuses,
        np.where(known, this_year, np.nan),
        np.where(known, year_before, np.nan),
        started,
    )
