"""Counted words as a person reads them: '1 hotspot', '2 hotspots', never '1 hotspot(s)'."""

from __future__ import annotations

from geo.view.words import count_text, plural


def test_one_takes_the_word_and_any_other_count_its_plural():
    assert count_text(1, "hotspot") == "1 hotspot"
    assert count_text(0, "hotspot") == "0 hotspots"
    assert count_text(1204, "row") == "1,204 rows"
    assert count_text(2, "person", "people") == "2 people"
    assert plural(1, "month") == "month" and plural(3, "month") == "months"
