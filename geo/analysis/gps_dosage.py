"""Patrol dosage per hotspot from GPS visits: how often, how long, and how spread out.

Sherman and Weisburd's dosage has three parts, all measured here per hotspot for a period of
whole months (a visit belongs to the month it starts in, UK time):
- frequency: `visits` (pass-throughs apart) and `visits_per_day`;
- duration: `officer_minutes` (every officer's visits added up), `presence_minutes` (time with at
  least one officer there: the union of visits), `median_visit_minutes`, and the Koper shares of
  visits lasting 10 to 15 minutes and 15 minutes or more (Koper 1995: presence deters for longer
  the longer it lasts, up to about 15 minutes);
- intermittency: `longest_gap_hours`, the longest time between one visit (or overlapping visits)
  ending and the next starting within the period; empty with fewer than two.
Officer-minutes are also given by role. Missing is never zero: a hotspot without visits has 0
visits and minutes but no median, share or gap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.analysis.dosage import period_days
from geo.counting.visits import VisitResult
from geo.period import Period
from geo.schema import LOCAL_TZ, ROLES

KOPER_SHORT_MIN = 10
"""Visits from this many minutes (up to KOPER_LONG_MIN) are counted in `share_10_15_min`."""
KOPER_LONG_MIN = 15
"""Visits of this many minutes or more are counted in `share_15_min_plus`."""

ROLE_COLUMNS = {
    0: "officer_minutes_role_not_given",
    **{
        code: "officer_minutes_" + role.lower().replace(" ", "_")
        for code, role in enumerate(ROLES, 1)
    },
}
GPS_DOSAGE_COLUMNS = [
    "hotspot_id",
    "visits",
    "pass_throughs",
    "officer_minutes",
    "presence_minutes",
    "median_visit_minutes",
    "share_10_15_min",
    "share_15_min_plus",
    "visits_per_day",
    "longest_gap_hours",
    *ROLE_COLUMNS.values(),
]


def with_months(visits: pd.DataFrame) -> pd.DataFrame:
    """The visits with `month` (UK-time month ordinal of the start) and `minutes` added."""
    local = pd.to_datetime(visits["start"].to_numpy(), unit="s", utc=True).tz_convert(LOCAL_TZ)
    out = visits.copy()
    out["month"] = ((local.year - 1970) * 12 + local.month - 1).to_numpy(dtype=np.int32)
    out["minutes"] = (visits["end"] - visits["start"]).to_numpy() / 60.0
    return out


def gps_dosage(result: VisitResult, period: Period) -> pd.DataFrame:
    """One row per hotspot (in the hotspot file's order) of GPS dosage for visits in `period`."""
    visits = with_months(result.visits)
    months = period.months.asi8
    visits = visits[(visits["month"] >= months[0]) & (visits["month"] <= months[-1])]
    minimum = result.rules.min_visit_min
    passing = visits["minutes"] < minimum
    real = visits[~passing]
    count = len(result.hotspot_ids)
    table = pd.DataFrame({"hotspot_id": result.hotspot_ids})
    table["visits"] = np.bincount(real["hotspot"], minlength=count)
    table["pass_throughs"] = np.bincount(visits.loc[passing, "hotspot"], minlength=count)
    table["officer_minutes"] = np.bincount(real["hotspot"], real["minutes"], minlength=count)
    presence, gaps = _presence_and_gaps(real, count)
    table["presence_minutes"] = presence
    grouped = real.groupby("hotspot")["minutes"]
    table["median_visit_minutes"] = grouped.median().reindex(range(count)).to_numpy()
    short = (real["minutes"] >= KOPER_SHORT_MIN) & (real["minutes"] < KOPER_LONG_MIN)
    long = real["minutes"] >= KOPER_LONG_MIN
    visits_n = table["visits"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share_10_15_min"] = np.bincount(real["hotspot"], short, minlength=count) / visits_n
        table["share_15_min_plus"] = np.bincount(real["hotspot"], long, minlength=count) / visits_n
    table.loc[visits_n == 0, ["share_10_15_min", "share_15_min_plus"]] = np.nan
    table["visits_per_day"] = table["visits"] / period_days(period)
    table["longest_gap_hours"] = gaps / 60.0
    for code, column in ROLE_COLUMNS.items():
        mine = real[real["role"] == code]
        table[column] = np.bincount(mine["hotspot"], mine["minutes"], minlength=count)
    return table[GPS_DOSAGE_COLUMNS]


def gps_dosage_by_month(result: VisitResult, period: Period) -> pd.DataFrame:
    """`gps_dosage` for each month of the period: one row per hotspot and month (`month` first
    after hotspot_id, as YYYY-MM)."""
    tables = []
    for month in period.months:
        table = gps_dosage(result, Period(month, month))
        table.insert(1, "month", str(month))
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def _presence_and_gaps(visits: pd.DataFrame, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Per hotspot: minutes with at least one visit under way (the union of visits), and the
    longest gap in minutes between one block of overlapping visits and the next (NaN if none)."""
    presence = np.zeros(count)
    gaps = np.full(count, np.nan)
    if visits.empty:
        return presence, gaps
    order = np.lexsort((visits["start"].to_numpy(), visits["hotspot"].to_numpy()))
    hotspot = visits["hotspot"].to_numpy()[order].astype(np.int64)
    start = visits["start"].to_numpy()[order].astype(np.int64)
    end = visits["end"].to_numpy()[order].astype(np.int64)
    span = int(end.max() - start.min()) + 1
    shift = hotspot * span - int(start.min())  # each hotspot's times in a range of its own
    reach = np.maximum.accumulate(end + shift)  # the latest end so far, within the hotspot
    new_block = np.ones(len(start), dtype=bool)
    new_block[1:] = (hotspot[1:] != hotspot[:-1]) | (start[1:] + shift[1:] > reach[:-1])
    block_hotspot = hotspot[new_block]
    block_start = start[new_block]
    block_end = np.maximum.reduceat(end, np.flatnonzero(new_block))
    np.add.at(presence, block_hotspot, (block_end - block_start) / 60.0)
    same = block_hotspot[1:] == block_hotspot[:-1]
    gap = (block_start[1:] - block_end[:-1])[same] / 60.0
    where = block_hotspot[1:][same]
    if len(gap):
        longest = np.full(count, -np.inf)
        np.maximum.at(longest, where, gap)
        gaps = np.where(np.isfinite(longest), longest, np.nan)
    return presence, gaps
