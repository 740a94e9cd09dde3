"""The trend of a hotspot's monthly ASB (typically 24 months) as one of six plain classes.

A rise or fall counts as clear when the Mann–Kendall trend test over the months gives a two-sided
p below stats.ALPHA: a steady rise or fall that chance alone gives less than one time in 20. The
months are also split into a first and a second half (with an odd number, the middle month
counts towards months with ASB but towards neither half) to see ASB that started. The class
names are plain words of their own, not the Emerging Hot Spot Analysis names of other tools,
which mean other things. Classes are tested in the order of TREND_RULES; the rules are written
so that exactly one fits any series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from geo.analysis.stats import ALPHA, mann_kendall
from geo.errors import HotspotDataError

MIN_ACTIVE_MONTHS = 3
"""Fewer months than this with any ASB are too few to call a trend."""

STEADY_SHARE = 0.75
"""ASB in at least this share of months, with no clear trend, is steady."""

TREND_RULES: dict[str, str] = {
    "none": "No ASB recorded in any month.",
    "started": (
        f"No ASB in the first half of the months, then ASB in at least {MIN_ACTIVE_MONTHS} "
        "months of the second half."
    ),
    "rising": (
        f"ASB in at least {MIN_ACTIVE_MONTHS} months, the first half included, and a clear "
        f"upward trend over the months (Mann–Kendall test, p < {ALPHA:g})."
    ),
    "falling": (
        f"ASB in at least {MIN_ACTIVE_MONTHS} months and a clear downward trend over the "
        f"months (Mann–Kendall test, p < {ALPHA:g})."
    ),
    "steady": (
        f"ASB in at least {STEADY_SHARE:.0%} of months, with no clear upward or downward trend."
    ),
    "on and off": (
        f"Any other pattern: ASB in fewer than {STEADY_SHARE:.0%} of months with no clear trend, "
        f"or in fewer than {MIN_ACTIVE_MONTHS} months, too few to call a trend."
    ),
}


def classify_trend(monthly_counts: Sequence[int]) -> str:
    """The trend class (a key of TREND_RULES) of a hotspot's monthly ASB counts, oldest first."""
    counts = _checked(monthly_counts)
    active = _active(counts)
    if active == 0:
        return "none"
    if active < MIN_ACTIVE_MONTHS:
        return "on and off"
    first, second = _halves(counts)
    if sum(first) == 0:
        return "started" if _active(second) >= MIN_ACTIVE_MONTHS else "on and off"
    s, p = mann_kendall(counts)
    if p < ALPHA:
        return "rising" if s > 0 else "falling"
    if active >= STEADY_SHARE * len(counts):
        return "steady"
    return "on and off"


def _active(counts: list[int]) -> int:
    """The number of months with any ASB."""
    return sum(1 for count in counts if count > 0)


def _halves(counts: list[int]) -> tuple[list[int], list[int]]:
    """The first and second halves; an odd middle month belongs to neither."""
    half = len(counts) // 2
    return counts[:half], counts[len(counts) - half :]


def _checked(monthly_counts: Sequence[int]) -> list[int]:
    """At least two months of whole counts of 0 or more."""
    counts = list(monthly_counts)
    if len(counts) < 2:
        raise HotspotDataError("a trend needs at least two months of counts")
    if not all(_is_count(count) for count in counts):
        raise HotspotDataError("monthly counts must be whole numbers of 0 or more")
    return [int(count) for count in counts]


def _is_count(value: object) -> bool:
    """Whether a value is a whole number of 0 or more (an int, or a float such as 3.0)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number >= 0 and number.is_integer()
