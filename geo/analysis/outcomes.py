"""Patrol outcomes from the patrol log: stop and searches, uses of ASB powers, missing people
found and drug seizures (and arrests and people spoken to), per hotspot and for a programme.

Only outcomes the log records are given: a column the log lacks, or leaves empty in every row,
is left out, never shown as 0. Within a period, an outcome whose cells are all empty in the
period's patrols is missing (NaN). Every month of the period counts, as for patrol hours (months
left out of crime figures still had patrols). Free-text notes are never part of a total.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.period import Period
from geo.schema import OUTCOME_COLUMNS

OUTCOME_LABELS = {
    "arrests": "Arrests",
    "stop_searches": "Stop and searches",
    "asb_powers": "Uses of ASB powers",
    "engagements": "People spoken to",
    "missing_found": "Missing people found",
    "drugs_seized": "Drug seizures",
}
"""Patrol log outcome columns and their names for people (the briefing, the wall and the
monthly return), in the order they are shown."""
OPTIONAL_OUTCOMES = tuple(OUTCOME_COLUMNS)
"""The outcomes a log may lack; arrests and people spoken to are columns every log has."""
LOGGED_OUTCOMES = ("arrests", "engagements")
"""The outcomes every patrol log has, and only a patrol log: GPS gives hours, not arrests."""
NOT_RECORDED = "not recorded"
"""Shown for an outcome no patrol log records (hours may still come from GPS)."""
NOT_RECORDED_WHY = "not recorded: no patrol log"


def logged_outcomes(patrols: pd.DataFrame | None) -> bool:
    """Whether the patrol frame (geo.analysis.patrol_source) holds a patrol log's rows, the only
    record of arrests and people spoken to: GPS visits record none (their cells are empty), so
    without a log these outcomes are missing, never 0."""
    return patrols is not None and bool(patrols["arrests"].notna().any())


@dataclass(frozen=True)
class Outcome:
    """One outcome's total over a programme and period; `total` NaN when not recorded there."""

    column: str
    label: str
    total: float

    def value(self) -> str:
        """The total as shown: a whole number, or '—' when not recorded in the period."""
        return "—" if np.isnan(self.total) else f"{self.total:,.0f}"


def recorded_outcomes(log: pd.DataFrame | None, columns: Collection[str] = OUTCOME_LABELS) -> list:
    """The outcome columns (of `columns`, in display order) that the log records in any row."""
    if log is None or log.empty:
        return []
    return [
        column
        for column in OUTCOME_LABELS
        if column in columns and column in log.columns and bool(log[column].notna().any())
    ]


def outcome_totals(
    log: pd.DataFrame | None,
    period: Period,
    hotspot_ids: Collection[str] | None = None,
    columns: Collection[str] = OUTCOME_LABELS,
    by_hotspot: bool = False,
) -> pd.DataFrame:
    """Sums of the recorded outcomes of patrols starting in `period` (every month of it), for
    the hotspots `hotspot_ids` (all when None): one row, or one per hotspot with `by_hotspot`.
    An outcome with no recorded cell among the rows summed is NaN."""
    shown = recorded_outcomes(log, columns)
    if not shown:
        return pd.DataFrame(index=pd.Index([], name="hotspot_id") if by_hotspot else ["all"])
    whole = period.whole
    months = log["month"].to_numpy(dtype=np.int64)
    inside = (months >= whole.start.ordinal) & (months <= whole.end.ordinal)
    if hotspot_ids is not None:
        inside &= log["hotspot_id"].isin(set(hotspot_ids)).to_numpy()
    rows = log.loc[inside, ["hotspot_id", *shown]].astype({c: float for c in shown})
    if by_hotspot:
        sums = rows.groupby("hotspot_id")[shown].sum(min_count=1)
        ids = list(hotspot_ids) if hotspot_ids is not None else sorted(log["hotspot_id"].unique())
        return sums.reindex(pd.Index(ids, name="hotspot_id"))
    return pd.DataFrame([rows[shown].sum(min_count=1)], index=["all"])


def programme_outcomes(
    log: pd.DataFrame | None,
    period: Period,
    hotspot_ids: Collection[str] | None = None,
    columns: Collection[str] = OUTCOME_LABELS,
) -> list[Outcome]:
    """The programme's recorded outcomes for the period, in display order."""
    totals = outcome_totals(log, period, hotspot_ids, columns)
    return [
        Outcome(column, OUTCOME_LABELS[column], float(totals[column].iloc[0]))
        for column in totals.columns
    ]


def with_hotspot_outcomes(
    table: pd.DataFrame, log: pd.DataFrame | None, period: Period
) -> tuple[pd.DataFrame, list[str]]:
    """The per-hotspot table with a column for each optional outcome the log records (its
    total over `period` for each hotspot, NaN where none is recorded), and those columns."""
    totals = outcome_totals(
        log, period, list(table["hotspot_id"]), OPTIONAL_OUTCOMES, by_hotspot=True
    )
    added = [column for column in totals.columns if column not in table.columns]
    if not added:
        return table, []
    values = totals[added].reindex(table["hotspot_id"]).to_numpy()
    return table.assign(**{c: values[:, i] for i, c in enumerate(added)}), added
