"""The trend of a hotspot's monthly ASB (typically 24 months) as one of six plain classes.

The months are split into a first and a second half (with an odd number, the middle month counts
towards months with ASB but towards neither half). A rise or fall counts as clear when the Poisson
z of the two halves' totals, 2(√second − √first), is beyond ±1.96: a change larger than chance
alone gives about 19 times in 20. Classes are tested in the order of TREND_RULES; the rules are
written so that exactly one fits any series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from geo.analysis.stats import poisson_z
from geo.errors import HotspotDataError

Z_CLEAR = 1.96
"""A Poisson z beyond ±this between the halves is a clear rise or fall."""

MIN_ACTIVE_MONTHS = 3
"""Fewer months than this with any ASB are too few to call a trend."""

PERSISTENT_SHARE = 0.75
"""ASB in at least this share of months, with no clear change, is persistent."""

TREND_RULES: dict[str, str] = {
    "none": "No ASB recorded in any month.",
    "new": (
        f"No ASB in the first half of the months, then ASB in at least {MIN_ACTIVE_MONTHS} "
        "months of the second half."
    ),
    "intensifying": (
        f"ASB in at least {MIN_ACTIVE_MONTHS} months, the first half included, and clearly more "
        "in the second half than the first: a rise larger than chance alone gives "
        f"(Poisson test, z of {Z_CLEAR} or more)."
    ),
    "diminishing": (
        f"ASB in at least {MIN_ACTIVE_MONTHS} months, and clearly less in the second half than "
        "the first: a fall larger than chance alone gives "
        f"(Poisson test, z of \u2212{Z_CLEAR} or less)."
    ),
    "persistent": (
        "ASB in at least 3 of every 4 months, with no clear rise or fall between the halves."
    ),
    "sporadic": (
        "Any other pattern: ASB on and off, in fewer than 3 of every 4 months, with no clear rise "
        f"or fall; or in fewer than {MIN_ACTIVE_MONTHS} months, too few to call a trend."
    ),
}


def classify_trend(monthly_counts: Sequence[int]) -> str:
    """The trend class (a key of TREND_RULES) of a hotspot's monthly ASB counts, oldest first."""
    counts = _checked(monthly_counts)
    active = _active(counts)
    if active == 0:
        return "none"
    if active < MIN_ACTIVE_MONTHS:
        return "sporadic"
    first, second = _halves(counts)
    if sum(first) == 0:
        return "new" if _active(second) >= MIN_ACTIVE_MONTHS else "sporadic"
    z = poisson_z(sum(first), sum(second))
    if z >= Z_CLEAR:
        return "intensifying"
    if z <= -Z_CLEAR:
        return "diminishing"
    if active >= PERSISTENT_SHARE * len(counts):
        return "persistent"
    return "sporadic"


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
