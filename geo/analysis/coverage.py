"""Which months have crime data, and whether a period can be compared with the year before it.

A change needs data in every month of the period and of its baseline (the same months a year
earlier). A month inside the data's span with no rows at all is a gap: it is left out of both
years (geo.analysis.anomalies reports it); a month outside the span has no data to compare with,
so a period reaching outside the span is refused rather than counted against zeros.
"""

from __future__ import annotations

import pandas as pd

from geo.errors import HotspotDataError
from geo.period import BASELINE_LAG, MAX_MONTHS, Period
from geo.words import count_text, span


def data_span(months: list[pd.Period]) -> tuple[pd.Period, pd.Period] | None:
    """The first and last month with data; None when there is none."""
    return (months[0], months[-1]) if months else None


def gap_months(months: list[pd.Period]) -> list[pd.Period]:
    """Months between the first and the last month with data that have no rows at all."""
    if not months:
        return []
    present = {m.ordinal for m in months}
    return [m for m in pd.period_range(months[0], months[-1], freq="M") if m.ordinal not in present]


def comparable_months(months: list[pd.Period]) -> list[pd.Period]:
    """Months a period may start or end on: their month a year earlier is within the data."""
    span = data_span(months)
    if span is None or span[1].ordinal - span[0].ordinal < BASELINE_LAG:
        return []
    return list(pd.period_range(span[0] + BASELINE_LAG, span[1], freq="M"))


def no_comparison_reason(months: list[pd.Period]) -> str:
    """Why no period of this data can be compared with a year earlier; '' when one can."""
    if comparable_months(months):
        return ""
    if not months:
        return "there is no crime data"
    length = len(pd.period_range(months[0], months[-1], freq="M"))
    return (
        f"the crime data cover {span(months[0], months[-1])} ({count_text(length, 'month')}); "
        "a change compares "
        f"months with the same months a year earlier, so it needs at least {BASELINE_LAG + 1} "
        "months"
    )


def uncovered_months(period: Period, months: list[pd.Period]) -> list[pd.Period]:
    """Months of the period or its baseline outside the data's span (no data to count)."""
    span = data_span(months)
    wanted = list(period.before.months) + list(period.months)
    if span is None:
        return wanted
    return [m for m in wanted if not span[0] <= m <= span[1]]


def check_period(period: Period, months: list[pd.Period]) -> None:
    """Refuse a period whose months or baseline months lie outside the data, saying why."""
    missing = uncovered_months(period, months)
    if not missing:
        return
    before = [m for m in missing if m < period.start]
    after = [m for m in missing if m >= period.start]
    where = [f"{_runs(after)} in the period"] if after else []
    if before:
        where.append(f"{_runs(before)} in its baseline (the same months a year earlier)")
    allowed = comparable_months(months)
    hint = (
        f"choose months from {allowed[0]} to {allowed[-1]}"
        if allowed
        else f"a change needs at least {BASELINE_LAG + 1} months of data"
    )
    raise HotspotDataError(
        f"period {period} cannot be compared: no crime data for {' and '.join(where)}; " + hint
    )


def _runs(months: list[pd.Period]) -> str:
    """Months as runs: '2024-01 to 2024-12, 2025-03'."""
    runs: list[list[pd.Period]] = []
    for month in sorted(months):
        if runs and month.ordinal - runs[-1][-1].ordinal == 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in runs)


def latest_comparable(months: list[pd.Period]) -> Period | None:
    """The latest twelve months whose baseline is inside the data; None when there are none."""
    allowed = comparable_months(months)
    if not allowed:
        return None
    return Period(max(allowed[0], allowed[-1] - (MAX_MONTHS - 1)), allowed[-1])
