"""Patrol dosage per hotspot for a period: how much, how often and how long patrols stayed.

A visit belongs to the period when it starts within it (as in the programme figures). A visit's
length is its real elapsed time (officer hours ÷ officers, so clock changes are counted as
worked), not multiplied by officers. Koper (1995) found that police presence at a hotspot deters
for longer the longer it lasts, up to about 15 minutes, so the share of visits lasting at least
15 minutes says how many visits were long enough to have that effect.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo.errors import HotspotDataError
from geo.period import Period
from geo.words import plural

KOPER_MINUTES = 15
"""A visit this long or longer counts towards `share_15_min` (the Koper curve)."""

DOSAGE_COLUMNS = [
    "visits",
    "officer_hours",
    "hours_per_week",
    "visits_per_day",
    "minutes_per_visit",
    "share_15_min",
]
_NEEDED = ["hotspot_id", "start", "officers", "hours"]


def dosage(patrols: pd.DataFrame, period: Period, hotspot_ids: Iterable[str]) -> pd.DataFrame:
    """One row per hotspot (indexed by hotspot_id, in the given order) of patrol dosage.

    `hours_per_week` is officer hours ÷ weeks in the period and `visits_per_day` visits ÷ days;
    both are 0 for a hotspot with no visits. `minutes_per_visit` (mean elapsed minutes) and
    `share_15_min` (share of visits of 15 minutes or more) are NaN there: no visits, no length.
    """
    _check_columns(patrols)
    ids = pd.Index(list(hotspot_ids), name="hotspot_id", dtype=object)
    per_visit = _visits_in(patrols, period)
    totals = _per_hotspot(per_visit).reindex(ids)
    days = period_days(period)
    table = pd.DataFrame(index=ids)
    table["visits"] = totals["visits"].fillna(0).astype(np.int64)
    table["officer_hours"] = totals["officer_hours"].fillna(0.0)
    table["hours_per_week"] = table["officer_hours"] / (days / 7)
    table["visits_per_day"] = table["visits"] / days
    table["minutes_per_visit"] = totals["minutes_per_visit"].astype(float)
    table["share_15_min"] = totals["share_15_min"].astype(float)
    return table[DOSAGE_COLUMNS]


def period_days(period: Period) -> int:
    """The number of days in the period's months."""
    return int(sum(month.days_in_month for month in period.months))


def _check_columns(patrols: pd.DataFrame) -> None:
    """Refuse a patrol log without the columns dosage needs."""
    missing = [column for column in _NEEDED if column not in patrols.columns]
    if missing:
        raise HotspotDataError(
            f"the patrol log lacks the {plural(len(missing), 'column')} {', '.join(missing)} "
            "needed for patrol dosage"
        )


def _visits_in(patrols: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Visits starting within the period, with each visit's elapsed minutes."""
    start = pd.to_datetime(patrols["start"])
    inside = (start >= period.start.start_time) & (start <= period.end.end_time)
    if "is_visit" in patrols.columns:  # the patrol log's outcome rows beside GPS visits
        inside &= patrols["is_visit"].astype(bool)
    visits = patrols.loc[inside, ["hotspot_id", "hours", "officers"]].copy()
    visits["minutes"] = visits["hours"] / visits["officers"] * 60.0
    visits["long"] = visits["minutes"] >= KOPER_MINUTES
    return visits


def _per_hotspot(visits: pd.DataFrame) -> pd.DataFrame:
    """Visit count, officer hours, mean minutes and share of long visits per hotspot."""
    return visits.groupby("hotspot_id").agg(
        visits=("minutes", "size"),
        officer_hours=("hours", "sum"),
        minutes_per_visit=("minutes", "mean"),
        share_15_min=("long", "mean"),
    )
