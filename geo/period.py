"""Periods of whole months (`START:END`) and the same months one year earlier."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from geo.errors import HotspotDataError

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
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


@dataclass(frozen=True)
class Period:
    """A run of whole months, both ends included."""

    start: pd.Period
    end: pd.Period

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read `START:END` (e.g. `2024-01:2024-12`)."""
        parts = text.split(":")
        if len(parts) != 2:
            raise HotspotDataError(
                f"period '{text}' should be START:END in whole months, e.g. 2024-01:2024-12"
            )
        start, end = parse_month(parts[0]), parse_month(parts[1])
        if end < start:
            raise HotspotDataError(f"period '{text}' ends before it starts")
        return cls(start, end)

    def covered_by(self, months: list[pd.Period], where: object = None) -> Period:
        """This period when it holds at least one of the data's `months`; a period wholly outside
        them is refused (its figures would all be missing, never zeros)."""
        if months and (self.end < months[0] or self.start > months[-1]):
            raise HotspotDataError(
                f"period {self} has no crime data: the data covers {months[0]} to {months[-1]}",
                path=str(where) if where is not None else None,
            )
        return self

    @classmethod
    def latest_year(cls, last_month: pd.Period) -> Period:
        """The twelve months ending with `last_month`."""
        return cls(last_month - 11, last_month)

    @property
    def months(self) -> pd.PeriodIndex:
        """Every month of the period, in order."""
        return pd.period_range(self.start, self.end, freq="M")

    @property
    def before(self) -> Period:
        """The same months one year earlier: the baseline for a change."""
        return Period(self.start - 12, self.end - 12)

    def __str__(self) -> str:
        return f"{self.start}:{self.end}"

    def label(self) -> str:
        """A human label such as 'Oct 2025 – Sep 2026'."""
        return f"{self.start.strftime('%b %Y')} – {self.end.strftime('%b %Y')}"
