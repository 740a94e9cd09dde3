"""Counted words for what a person reads: '1 hotspot', '2 hotspots', never '1 hotspot(s)'."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """`word` as it goes with a count of `n`: itself for one, else `many` (default word + 's')."""
    return word if n == 1 else (many or f"{word}s")


def count_text(n: int, word: str, many: str | None = None) -> str:
    """The count with thousands separators and its word: '1 month', '1,204 rows'."""
    return f"{n:,} {plural(n, word, many)}"
