"""Trend classes of a hotspot's monthly ASB, one hand-made 24-month series (or more) per class."""

from __future__ import annotations

import pytest

from geo.analysis.stats import ALPHA, mann_kendall
from geo.analysis.trends import TREND_RULES, classify_trend
from geo.errors import HotspotDataError

QUIET_YEAR = [0] * 12


def _halves(first: list[int], second: list[int], middle: tuple[int, ...] = ()) -> list[int]:
    """A monthly series from its first half, an optional middle month and its second half."""
    return [*first, *middle, *second]


# Checks outputs


def test_every_class_has_a_plain_rule():
    assert list(TREND_RULES) == ["none", "started", "rising", "falling", "steady", "on and off"]
    for rule in TREND_RULES.values():
        assert rule.endswith(".")
        assert len(rule) < 250


def test_none():
    assert classify_trend([0] * 24) == "none"


def test_started():
    assert classify_trend(_halves(QUIET_YEAR, [0, 0, 1, 0, 2, 0, 0, 3, 1, 0, 0, 2])) == "started"


def test_started_needs_three_months_of_asb():
    assert classify_trend(_halves(QUIET_YEAR, [0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 0])) == "on and off"


def test_rising():
    series = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0] + [3] * 12
    assert mann_kendall(series)[1] < ALPHA
    assert classify_trend(series) == "rising"


def test_a_jump_in_one_month_is_not_a_trend():
    """A single busy month in the second half raised the old halves' z; it is no steady rise."""
    series = [2] * 12 + [2] * 5 + [40] + [2] * 6
    assert 2 * ((sum(series[12:])) ** 0.5 - (sum(series[:12])) ** 0.5) > 1.96
    assert mann_kendall(series)[1] >= ALPHA
    assert classify_trend(series) == "steady"


def test_rising_beats_steady():
    assert classify_trend([4] * 12 + [9] * 12) == "rising"


def test_falling():
    assert classify_trend([6] * 12 + [2] * 12) == "falling"


def test_falling_to_nothing():
    assert classify_trend(_halves([0, 2, 1, 0, 3, 0, 1, 0, 0, 2, 0, 1], QUIET_YEAR)) == "falling"


def test_steady_with_ups_and_downs():
    series = [3, 5, 2, 0, 4, 6, 3, 2, 0, 5, 4, 3, 2, 4, 5, 3, 0, 6, 2, 3, 4, 0, 3, 5]
    assert mann_kendall(series)[1] >= ALPHA
    assert classify_trend(series) == "steady"


def test_steady_needs_three_of_every_four_months():
    on_18 = [2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0] * 2
    on_17 = _halves([2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0], [2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 0, 0])
    assert classify_trend(on_18) == "steady"
    assert classify_trend(on_17) == "on and off"


def test_on_and_off_on_and_off():
    assert classify_trend([1, 0, 0, 2, 0, 0, 1, 0, 0, 0, 3, 0] * 2) == "on and off"


def test_on_and_off_when_too_few_months_to_call():
    assert classify_trend([0] * 23 + [1]) == "on and off"
    assert classify_trend([5, 0, 0, 0, 0, 4] + [0] * 18) == "on and off"


def test_odd_middle_month_belongs_to_neither_half():
    """25 months: months 1–12 against 14–25; month 13 counts only as a month with ASB."""
    assert (
        classify_trend(_halves(QUIET_YEAR, [0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0], (40,)))
        == "started"
    )
    assert classify_trend(_halves([2] * 12, [2] * 12, (50,))) == "steady"


def test_whole_floats_are_counts():
    assert classify_trend([6.0] * 12 + [2.0] * 12) == "falling"


def test_short_series():
    assert classify_trend([0, 0]) == "none"
    assert classify_trend([1, 1]) == "on and off"


# Checks inputs


@pytest.mark.parametrize("counts", [[], [3]])
def test_too_short_is_refused(counts):
    with pytest.raises(HotspotDataError, match="at least two months"):
        classify_trend(counts)


@pytest.mark.parametrize("bad", [-1, 2.5, float("nan"), "x", None])
def test_bad_counts_are_refused(bad):
    with pytest.raises(HotspotDataError, match="whole numbers of 0 or more"):
        classify_trend([1] * 23 + [bad])
