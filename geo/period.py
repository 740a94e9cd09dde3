"""Periods of whole months (`START:END`) and the same months one year earlier."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.errors import HotspotDataError
from geo.words import span

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
BASELINE_LAG = 12
"""A period is compared with the same months this many months earlier."""
MAX_MONTHS = BASELINE_LAG
"""A longer period would overlap its own baseline, the same months a year earlier."""
YEARS = (1990, 2100)
"""The years a month may be in: police.uk data starts in 2010; anything outside is a typo."""


def parse_month(text: str) -> pd.Period:
    """Read a `YYYY-MM` month, refusing anything else."""
    text = text.strip()
    if not _MONTH.match(text):
        raise HotspotDataError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2024-01")
    if not YEARS[0] <= int(text[:4]) <= YEARS[1]:
        raise HotspotDataError(f"'{text}' is not a month between {YEARS[0]} and {YEARS[1]}")
    return pd.Period(text, freq="M")


def parse_months(text: str) -> tuple[pd.Period, pd.Period]:
    """The first and last month of `START:END`, refusing anything else or an end before the
    start."""
    parts = text.split(":")
    if len(parts) != 2:
        raise HotspotDataError(
            f"period '{text}' should be START:END in whole months, e.g. 2024-01:2024-12"
        )
    start, end = parse_month(parts[0]), parse_month(parts[1])
    if end < start:
        raise HotspotDataError(f"period '{text}' ends before it starts")
    return start, end


@dataclass(frozen=True)
class Period:
    """A run of whole months, both ends included, less any months left out of the figures.

    `skipped` holds ordinals of months of this period that are not counted (a flagged month, or
    months before a hotspot started); the baseline (`before`) leaves out the same months a year
    earlier, so both years always count the same calendar months.
    """

    start: pd.Period
    end: pd.Period
    skipped: frozenset[int] = field(default=frozenset())

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read `START:END` (e.g. `2024-01:2024-12`), at most MAX_MONTHS long."""
        start, end = parse_months(text)
        length = end.ordinal - start.ordinal + 1
        if length > MAX_MONTHS:
            raise HotspotDataError(
                f"period '{text}' is {length} months long; a period of more than {MAX_MONTHS} "
                "months overlaps its own baseline (the same months a year earlier): choose at "
                f"most {MAX_MONTHS} months"
            )
        return cls(start, end)

    @classmethod
    def latest_year(cls, last_month: pd.Period) -> Period:
        """The twelve months ending with `last_month`."""
        return cls(last_month - 11, last_month)

    @property
    def months(self) -> pd.PeriodIndex:
        """Every month of the period, in order."""
        return pd.period_range(self.start, self.end, freq="M")

    @property
    def counted(self) -> pd.PeriodIndex:
        """The months whose figures count: every month but the skipped ones."""
        months = self.months
        if not self.skipped:
            return months
        return months[[m not in self.skipped for m in months.asi8]]

    def contains(self, ordinals: np.ndarray) -> np.ndarray:
        """Which month ordinals are counted months of this period (skipped months are not)."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        inside = (ordinals >= self.start.ordinal) & (ordinals <= self.end.ordinal)
        if self.skipped:
            inside &= ~np.isin(ordinals, np.fromiter(self.skipped, np.int64))
        return inside

    @property
    def before(self) -> Period:
        """The same months one year earlier: the baseline for a change."""
        lag = BASELINE_LAG
        return Period(self.start - lag, self.end - lag, frozenset(m - lag for m in self.skipped))

    def without(self, months: Iterable[pd.Period | int]) -> Period:
        """This period with `months` (and so their baseline months) left out of the figures."""
        ordinals = {m.ordinal if isinstance(m, pd.Period) else int(m) for m in months}
        inside = {m for m in ordinals if self.start.ordinal <= m <= self.end.ordinal}
        return Period(self.start, self.end, self.skipped | inside)

    @property
    def whole(self) -> Period:
        """The same months with none left out."""
        return Period(self.start, self.end)

    def __str__(self) -> str:
        return f"{self.start}:{self.end}"

    def label(self) -> str:
        """A human label such as 'Oct 2025 – Sep 2026'; one month alone is 'Sep 2026'."""
        return span(self.start.strftime("%b %Y"), self.end.strftime("%b %Y"), " – ")
