"""Words for what a person reads, one rule each: counted nouns ('1 hotspot', '2 hotspots', never
'1 hotspot(s)'), spans ('2024-03', '2024-01 to 2024-06', never a month to itself) and signed
percentages with a true minus sign ('−25%', never '-25%'). Every layer writes messages with
these (geo.io too), so this module imports nothing of the library's."""

from __future__ import annotations

import math

MINUS = "\u2212"
"""The minus sign of a negative figure in text (a hyphen is too short beside a plus sign)."""


def plural(n: int, word: str, many: str | None = None) -> str:
    """`word` as it goes with a count of `n`: itself for one, else `many` (default word + 's').
    Also verbs: plural(n, 'is', 'are'), plural(n, 'qualifies', 'qualify')."""
    return word if n == 1 else (many or f"{word}s")


def count_text(n: int, word: str, many: str | None = None) -> str:
    """The count with thousands separators and its word: '1 month', '1,204 rows'."""
    return f"{n:,} {plural(n, word, many)}"


def span(first: object, last: object, joiner: str = " to ") -> str:
    """From `first` to `last` as written ('2024-01 to 2024-06'); one alone when they are the
    same ('2024-03', not '2024-03 to 2024-03')."""
    first, last = str(first), str(last)
    return first if first == last else f"{first}{joiner}{last}"


def signed_percent(value: float | None, digits: int = 0, missing: str = "unknown") -> str:
    """'−25%' / '+3%' / '0%' rounded to `digits` decimals, with a true minus sign; `missing`
    for no value (None or NaN)."""
    if value is None or math.isnan(value):
        return missing
    rounded = round(value, digits)
    if rounded == 0:
        return "0%"
    return ("+" if rounded > 0 else MINUS) + f"{abs(rounded):.{digits}f}%"
