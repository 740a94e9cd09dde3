"""Months whose counts of a crime type cannot be trusted, found before anything is counted.

police.uk files are sometimes published with a crime type missing for a month, or with rows
repeated. Per crime type and month, forcewide, a month is flagged when:

- the type is absent although its neighbouring months have it;
- its count is far from its neighbouring months (a robust rule: median and MAD of the months
  around it, never narrower than Poisson noise), and by a large share;
- its share of exact duplicate rows is far above its neighbouring months';
- it fell on the same month a year before far more than the other months did (seasons, which
  can hide a loss among neighbouring months, cancel out in a change on a year before);
- or the month has no rows at all (a gap inside the data).

By default a flagged month is left out of both years of the figures it affects (ASB figures: ASB
flags; all-crime figures: any flag), so both years count the same calendar months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.analysis.coverage import gap_months
from geo.period import BASELINE_LAG, Period
from geo.schema import ASB
from geo.words import signed_percent

NEIGHBOURS = 3
"""Months on each side a month is compared with."""
MIN_NEIGHBOURS = 2
"""Fewer neighbouring months with data than this: the month is not judged."""
OUTLIER_SCALES = 5.0
"""A count this many robust spreads from its neighbours' median is far outside them..."""
OUTLIER_SHARE = 0.35
"""...when it also differs from that median by at least this share of it."""
ABSENT_MIN = 10
"""A type is 'absent' in a month when its neighbours' median is at least this and it has none."""
DUPLICATE_EXCESS = 0.15
"""A share of exact duplicate rows this far above the neighbours' median share is abnormal."""
DUPLICATE_SCALES = 4.0
"""...and this many binomial standard errors above it: small counts' noise is not flagged."""
DUPLICATE_MIN_ROWS = 20
"""Months with fewer rows of the type than this are not judged on duplicates."""
YEAR_ON_YEAR_SCALES = 5.0
"""A month's change on the same month a year before this many robust spreads from the other
months' changes is abnormal..."""
YEAR_ON_YEAR_SHARE = 0.3
"""...when it also differs from their usual change by at least this share."""
MAD_TO_SD = 1.4826
"""Scales a median absolute deviation to a standard deviation for normal data."""
MISSING = "all crime types"
"""The crime type named by a month with no rows at all."""

RULES = (
    f"compared with up to {NEIGHBOURS} months either side: absent when those months have a "
    f"median of {ABSENT_MIN} or more; far outside when more than {OUTLIER_SCALES:g} robust "
    f"spreads (1.4826 × median absolute deviation, at least √median) and {OUTLIER_SHARE:.0%} "
    f"from their median; duplicates when the share of exact duplicate rows is "
    f"{DUPLICATE_EXCESS:.0%} or more, and {DUPLICATE_SCALES:g} standard errors, above theirs "
    f"(months of {DUPLICATE_MIN_ROWS}+ rows); and against the same month a year before, when "
    f"it fell more than {YEAR_ON_YEAR_SCALES:g} robust spreads (at least the Poisson noise) "
    f"and {YEAR_ON_YEAR_SHARE:.0%} below the other months' changes (seasons cancel out)"
)


@dataclass(frozen=True)
class Anomaly:
    """One flagged month of one crime type, and why."""

    month: pd.Period
    crime_type: str
    what: str

    def line(self) -> str:
        """'2024-11 Anti-social behaviour: none recorded (…)' for reports."""
        return f"{self.month} {self.crime_type}: {self.what}"

    def label(self) -> str:
        """'2024-11 ASB': the month and crime type alone, for a short list of flags."""
        return f"{self.month} {'ASB' if self.crime_type == ASB else self.crime_type}"


def find_anomalies(type_counts: pd.DataFrame) -> list[Anomaly]:
    """Every flagged month and crime type, in month order (see the module's rules)."""
    if type_counts.empty:
        return []
    present = sorted({int(m) for m in type_counts["month"]})
    months = [pd.Period(ordinal=m, freq="M") for m in present]
    found = [Anomaly(m, MISSING, "no crime rows at all for this month") for m in gap_months(months)]
    summed = type_counts.groupby(["month", "crime_type"])[["rows", "duplicates"]].sum()
    table = summed.unstack("crime_type", fill_value=0)
    ordinals = table.index.to_numpy(dtype=np.int64)
    count = table["rows"].to_numpy(dtype=float)
    duplicates = table["duplicates"].to_numpy(dtype=float)
    share = np.divide(duplicates, count, out=np.full(count.shape, np.nan), where=count > 0)
    near = _neighbour_rows(ordinals)
    judged = (near >= 0).sum(axis=1) >= MIN_NEIGHBOURS
    count_reasons = _count_problems(count, _around(count, near))
    duplicate_reasons = _duplicate_problems(count, share, _around(share, near))
    for j, crime_type in enumerate(table["rows"].columns):
        for i in np.flatnonzero(judged):
            what = "; ".join(r for r in (count_reasons[i][j], duplicate_reasons[i][j]) if r)
            if what:
                found.append(
                    Anomaly(pd.Period(ordinal=int(ordinals[i]), freq="M"), crime_type, what)
                )
        found.extend(_year_on_year(crime_type, ordinals, count[:, j], found))
    return sorted(found, key=lambda a: (a.month, a.crime_type))


def _neighbour_rows(ordinals: np.ndarray) -> np.ndarray:
    """Per month (row), the rows of the months within NEIGHBOURS of it that have data, -1
    filling the rest of 2 × NEIGHBOURS places."""
    distance = np.abs(ordinals[:, None] - ordinals[None, :])
    close = (distance <= NEIGHBOURS) & (distance > 0)
    rows = np.full((len(ordinals), 2 * NEIGHBOURS), -1, dtype=np.int64)
    for i, found in enumerate(close):
        near = np.flatnonzero(found)
        rows[i, : len(near)] = near
    return rows


def _around(values: np.ndarray, near: np.ndarray) -> np.ndarray:
    """(month, neighbour, type) values of each month's neighbours (NaN where it has fewer)."""
    padded = np.vstack([values, np.full((1, values.shape[1]), np.nan)])
    return padded[near]  # -1 picks the row of NaN


def _medians(values: np.ndarray) -> np.ndarray:
    """The median over axis 1 of the values that are not NaN (NaN where none is), computed as
    np.median computes it: the middle value, or the mean of the two middle ones."""
    ordered = np.sort(values, axis=1)  # NaN sorts last
    valid = (~np.isnan(values)).sum(axis=1, keepdims=True)
    low = np.take_along_axis(ordered, np.maximum(valid - 1, 0) // 2, axis=1)[:, 0]
    high = np.take_along_axis(ordered, valid // 2 - (valid == 0), axis=1)[:, 0]
    return np.where(valid[:, 0] > 0, (low + high) / 2, np.nan)


def _count_problems(count: np.ndarray, around: np.ndarray) -> list[list[str]]:
    """Per month and type, why its count is abnormal beside its neighbours' counts ('' when it
    is not): absent where they have some, or far outside them."""
    median = _medians(around)
    spread = np.maximum(
        np.maximum(MAD_TO_SD * _medians(np.abs(around - median[:, None, :])), np.sqrt(median)),
        1.0,
    )
    gap = np.abs(count - median)
    absent = (count == 0) & (median >= ABSENT_MIN)
    outside = (median > 0) & (gap > OUTLIER_SCALES * spread) & (gap >= OUTLIER_SHARE * median)
    reasons = np.full(count.shape, "", dtype=object)
    for i, j in zip(*np.nonzero(outside & ~absent)):
        value, usual = count[i, j], median[i, j]
        reasons[i, j] = (
            f"{value:,.0f} rows, {value / usual:.1f} times the {usual:,.0f} of the months around it"
        )
    for i, j in zip(*np.nonzero(absent)):
        reasons[i, j] = f"none recorded, where the months around it have about {median[i, j]:,.0f}"
    return reasons.tolist()


def _duplicate_problems(
    count: np.ndarray, share: np.ndarray, around: np.ndarray
) -> list[list[str]]:
    """Per month and type, why its share of exact duplicate rows is abnormal beside its
    neighbours' shares ('' when it is not)."""
    usual = _medians(around)
    known = (~np.isnan(around)).sum(axis=1)
    judged = (count >= DUPLICATE_MIN_ROWS) & ~np.isnan(share) & (known >= MIN_NEIGHBOURS)
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.sqrt(np.maximum(usual * (1 - usual), 0.01) / count)
    abnormal = judged & (share - usual >= np.maximum(DUPLICATE_EXCESS, DUPLICATE_SCALES * error))
    reasons = np.full(count.shape, "", dtype=object)
    for i, j in zip(*np.nonzero(abnormal)):
        reasons[i, j] = (
            f"{share[i, j]:.0%} of rows are exact duplicates, against about {usual[i, j]:.0%} "
            "around it"
        )
    return reasons.tolist()


def _year_on_year(
    crime_type: str, ordinals: np.ndarray, count: np.ndarray, found: list[Anomaly]
) -> list[Anomaly]:
    """Months of `crime_type` whose change on the same month a year before is a fall far below
    the other months' changes (robustly: their median and MAD, never narrower than the Poisson
    noise of the two counts): rows lost in publishing, which seasons can hide among neighbouring
    months. Rises are left to the other rules (duplicated rows, a count far above its
    neighbours): a real rise in crime is not a fault of the data. A month already flagged, or
    whose month a year before is, is neither judged nor used as a usual change."""
    flagged = {a.month.ordinal for a in found if a.crime_type in (crime_type, MISSING)}
    at = {int(m): i for i, m in enumerate(ordinals)}
    pairs = [  # (month, its row, the row of the same month a year before)
        (int(m), i, at[int(m) - BASELINE_LAG])
        for i, m in enumerate(ordinals)
        if int(m) - BASELINE_LAG in at and count[at[int(m) - BASELINE_LAG]] > 0
    ]
    if len(pairs) < 2 * MIN_NEIGHBOURS + 1:
        return []
    change = np.array([np.log((count[i] + 0.5) / (count[j] + 0.5)) for _, i, j in pairs])
    trusted = np.array([m not in flagged and m - BASELINE_LAG not in flagged for m, _, _ in pairs])
    problems = []
    for k, (month, i, j) in enumerate(pairs):
        others = change[trusted & (np.arange(len(pairs)) != k)]
        if not trusted[k] or len(others) < 2 * MIN_NEIGHBOURS:
            continue
        usual = float(np.median(others))
        noise = np.sqrt(1.0 / (count[i] + 0.5) + 1.0 / (count[j] + 0.5))
        spread = max(MAD_TO_SD * float(np.median(np.abs(others - usual))), noise)
        gap = change[k] - usual
        if -gap > YEAR_ON_YEAR_SCALES * spread and -np.expm1(gap) >= YEAR_ON_YEAR_SHARE:
            problems.append(
                Anomaly(
                    pd.Period(ordinal=month, freq="M"),
                    crime_type,
                    f"{count[i]:,.0f} rows against {count[j]:,.0f} a year before "
                    f"({signed_percent(100 * np.expm1(change[k]))}), where the other months "
                    f"changed by about {signed_percent(100 * np.expm1(usual))}",
                )
            )
    return problems


def flagged_months(anomalies: list[Anomaly], kind: str) -> list[pd.Period]:
    """Months whose `kind` figures ('asb' or 'crime') are not trusted: ASB figures take ASB
    flags and gaps, all-crime figures any flag."""
    wanted = {a.month for a in anomalies if kind == "crime" or a.crime_type in (ASB, MISSING)}
    return sorted(wanted)


def gaps(anomalies: list[Anomaly]) -> list[pd.Period]:
    """Months with no rows at all (never counted, even when flagged months are kept)."""
    return sorted({a.month for a in anomalies if a.crime_type == MISSING})


def leave_out(
    period: Period, anomalies: list[Anomaly], kind: str, keep_flagged: bool = False
) -> Period:
    """`period` with flagged months (or, with `keep_flagged`, only gaps) left out of both years."""
    months = gaps(anomalies) if keep_flagged else flagged_months(anomalies, kind)
    ordinals = {m.ordinal for m in months}
    return period.without(ordinals | {m + BASELINE_LAG for m in ordinals})


def left_out_months(period: Period) -> list[str]:
    """The months a period leaves out, both years, as YYYY-MM in order."""
    skipped = sorted(period.skipped | period.before.skipped)
    return [str(pd.Period(ordinal=m, freq="M")) for m in skipped]


@dataclass(frozen=True)
class Exclusions:
    """Which months the figures leave out: flagged months by default, only gaps when kept."""

    anomalies: tuple[Anomaly, ...] = ()
    keep_flagged: bool = False

    def period(self, period: Period, kind: str) -> Period:
        """The period the `kind` figures ('asb' or 'crime') count, months left out."""
        return leave_out(period, list(self.anomalies), kind, self.keep_flagged)

    def months_of_type(self, crime_type: str) -> set[int]:
        """Month ordinals left out of a count of one crime type over its own months (no year
        before it, as when proposing hotspots): those flagged for it, and gaps; only gaps when
        flagged months are kept."""
        if self.keep_flagged:
            return {m.ordinal for m in gaps(list(self.anomalies))}
        return {a.month.ordinal for a in self.anomalies if a.crime_type in (crime_type, MISSING)}
