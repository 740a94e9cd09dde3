"""The evaluation context of one period: which months every figure counts.

A rule about months (a flagged month left out of both years, a hotspot's months before it
started, the same months a year earlier as the baseline) is applied here and nowhere else: the
hotspot table, the programme totals, the rings, the control, the comparison areas, the forcewide
figures and the monthly return all take one context and count through it, so no rule can reach
one figure and miss another.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.analysis.anomalies import Exclusions, left_out_months
from geo.counting.aggregate import CrimeCounts
from geo.period import BASELINE_LAG, Period

KINDS = ("asb", "crime")
"""The kinds of figure: ASB, and all crime (ASB included, as police.uk counts it)."""
AFTER, BEFORE = "after", "before"


def start_months(hotspots: pd.DataFrame) -> pd.Series:
    """Per hotspot_id, the ordinal of the month it started (NaN when not known)."""
    if "started" not in hotspots.columns:
        return pd.Series(np.nan, index=hotspots["hotspot_id"].to_numpy())
    started = pd.to_datetime(hotspots["started"], errors="coerce")
    months = pd.PeriodIndex(started, freq="M")  # one pass, not a Timestamp per hotspot
    ordinals = np.where(months.isna(), np.nan, months.asi8.astype(float))
    return pd.Series(ordinals, index=hotspots["hotspot_id"].to_numpy(), dtype=float)


@dataclass(frozen=True)
class EvaluationContext:
    """A period as every figure counts it: the months kept for each kind of figure (flagged
    months left out of both years, as `exclusions` says) and each hotspot's start month."""

    period: Period
    exclusions: Exclusions = field(default_factory=Exclusions)
    starts: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    """Start month ordinal per hotspot_id (NaN or absent: it ran the whole period)."""

    @classmethod
    def of(
        cls,
        period: Period,
        hotspots: pd.DataFrame | None = None,
        exclusions: Exclusions | None = None,
    ) -> EvaluationContext:
        """The context of `period` for these hotspots (their `started` dates) and exclusions."""
        starts = start_months(hotspots) if hotspots is not None else pd.Series(dtype=float)
        return cls(period, exclusions or Exclusions(), starts)

    def counted(self, kind: str = "asb") -> Period:
        """The period as the `kind` figures count it (flagged months skipped, both years)."""
        return self.exclusions.period(self.period, kind)

    @property
    def asb(self) -> Period:
        return self.counted("asb")

    @property
    def crime(self) -> Period:
        return self.counted("crime")

    def left_out(self, kind: str = "asb") -> list[str]:
        """The months `kind` figures leave out, both years, as YYYY-MM."""
        return left_out_months(self.counted(kind))

    def mask(
        self, months: np.ndarray, kind: str, side: str, start: np.ndarray | float = -np.inf
    ) -> np.ndarray:
        """Which rows of `months` (ordinals) count on `side` (after / before) for `kind`: in the
        counted months, and (after) from `start` on, or (before) from a year before it."""
        period = self.counted(kind)
        if side == BEFORE:
            period, start = period.before, np.asarray(start, dtype=float) - BASELINE_LAG
        ordinals = np.asarray(months, dtype=np.int64)
        return period.contains(ordinals) & (ordinals >= start)

    def sums(
        self, frame: pd.DataFrame, kind: str, side: str, by: str | None = None
    ) -> pd.DataFrame | pd.Series:
        """Crime and ASB counts of `frame` (a month column or index) over the months `kind`
        figures count on `side`; per `by` when given. For areas with no start (force, control)."""
        months = frame["month"] if "month" in frame.columns else frame.index
        inside = frame[self.mask(np.asarray(months), kind, side)]
        if by is None:
            return inside[["crime", "asb"]].sum()
        return inside.groupby(by)[["crime", "asb"]].sum()

    def pair(self, frame: pd.DataFrame, kind: str = "asb") -> tuple[int, int]:
        """`kind` counts of an area with no start (force, control) before and after."""
        return int(self.sums(frame, kind, BEFORE)[kind]), int(self.sums(frame, kind, AFTER)[kind])

    def per_hotspot(
        self, frame: pd.DataFrame, ids: Collection[str], kind: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """`kind` counts before and after per hotspot of `ids` (in their order) from `frame`
        (hotspot_id, month, counts: a hotspot's own or its ring's), each from its start."""
        ids = pd.Index(list(ids))
        codes, found = pd.factorize(frame["hotspot_id"])
        start = self.hotspot_starts(found)[codes]
        position = pd.Index(found).get_indexer(ids)  # -1: a hotspot without crimes
        month = frame["month"].to_numpy(dtype=np.int64)
        values = frame[kind].to_numpy(dtype=float)
        pairs = []
        for side in (BEFORE, AFTER):
            mask = self.mask(month, kind, side, start)
            sums = np.bincount(codes[mask], weights=values[mask], minlength=len(found))
            pairs.append(np.append(sums, 0)[position].astype(np.int64))
        return pairs[0], pairs[1]

    def area_pairs(
        self, frame: pd.DataFrame, ids: Collection[str], kind: str = "asb"
    ) -> list[tuple[int, int]]:
        """`kind` counts of an area with no hotspot of its own (the control) before and after,
        in the months each of the hotspots `ids` counts (from its start)."""
        months = np.asarray(frame["month"] if "month" in frame.columns else frame.index)
        values = frame[kind].to_numpy()
        pairs: dict[float, tuple[int, int]] = {}
        for start in set(self.hotspot_starts(ids).tolist()):
            before = values[self.mask(months, kind, BEFORE, start)].sum()
            after = values[self.mask(months, kind, AFTER, start)].sum()
            pairs[start] = (int(before), int(after))
        return [pairs[start] for start in self.hotspot_starts(ids).tolist()]

    def hotspot_starts(self, ids: Collection[str]) -> np.ndarray:
        """The start month of each of `ids` (-inf when not known: the whole period counts)."""
        return self.starts.reindex(list(ids)).fillna(-np.inf).to_numpy(dtype=float)

    def programme_pair(
        self, counts: CrimeCounts, ids: Collection[str], kind: str = "asb"
    ) -> tuple[int, int]:
        """`kind` counts inside any of the hotspots `ids`, each crime once, before and after: a
        point counts from the month the earliest of its hotspots started."""
        members = counts.membership[counts.membership["hotspot_id"].isin(set(ids))]
        rows = counts.point_months[counts.point_months["point"].isin(members["point"].unique())]
        known = self.starts.reindex(members["hotspot_id"].to_numpy()).fillna(-np.inf)
        first = pd.Series(known.to_numpy()).groupby(members["point"].to_numpy()).min()
        at = np.searchsorted(first.index.to_numpy(), rows["point"].to_numpy())
        start = first.to_numpy(dtype=float)[at]
        month = rows["month"].to_numpy(dtype=np.int64)
        values = rows[kind].to_numpy()
        before = values[self.mask(month, kind, BEFORE, start)].sum()
        after = values[self.mask(month, kind, AFTER, start)].sum()
        return int(before), int(after)

    def late_starters(self, ids: Collection[str]) -> int:
        """How many of the hotspots `ids` started after the period began."""
        return int((self.starts.reindex(list(ids)) > self.period.start.ordinal).sum())
