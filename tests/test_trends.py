"""Trend classes of a hotspot's monthly ASB, one hand-made 24-month series (or more) per class."""

from __future__ import annotations

import pytest

from geo.analysis.stats import poisson_z
from geo.analysis.trends import TREND_RULES, classify_trend
from geo.errors import HotspotDataError

QUIET_YEAR = [0] * 12


def _halves(first: list[int], second: list[int], middle: tuple[int, ...] = ()) -> list[int]:
    """A monthly series from its first half, an optional middle month and its second half."""
    return [*first, *middle, *second]


# Checks outputs


def test_every_class_has_a_plain_rule():
    assert list(TREND_RULES) == [
        "none", "new", "intensifying", "diminishing", "persistent", "sporadic",
    ]  # fmt: skip
    for rule in TREND_RULES.values():
        assert rule.endswith(".")
        assert len(rule) < 250


def test_none():
    assert classify_trend([0] * 24) == "none"


def test_new():
    assert classify_trend(_halves(QUIET_YEAR, [0, 0, 1, 0, 2, 0, 0, 3, 1, 0, 0, 2])) == "new"


def test_new_needs_three_months_of_asb():
    assert classify_trend(_halves(QUIET_YEAR, [0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 0])) == "sporadic"


def test_intensifying():
    series = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0] + [3] * 12
    assert poisson_z(6, 36) >= 1.96
    assert classify_trend(series) == "intensifying"


def test_intensifying_beats_persistent():
    assert classify_trend([4] * 12 + [9] * 12) == "intensifying"


def test_diminishing():
    assert classify_trend([6] * 12 + [2] * 12) == "diminishing"


def test_diminishing_to_nothing():
    assert (
        classify_trend(_halves([0, 2, 1, 0, 3, 0, 1, 0, 0, 2, 0, 1], QUIET_YEAR)) == "diminishing"
    )


def test_persistent_with_ups_and_downs():
    series = [3, 5, 2, 0, 4, 6, 3, 2, 0, 5, 4, 3, 2, 4, 5, 3, 0, 6, 2, 3, 4, 0, 3, 5]
    first, second = sum(series[:12]), sum(series[12:])
    assert abs(poisson_z(first, second)) < 1.96
    assert classify_trend(series) == "persistent"


def test_persistent_needs_three_of_every_four_months():
    on_18 = [2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0] * 2
    on_17 = _halves([2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 2, 0], [2, 2, 2, 0, 2, 2, 2, 0, 2, 2, 0, 0])
    assert classify_trend(on_18) == "persistent"
    assert classify_trend(on_17) == "sporadic"


def test_sporadic_on_and_off():
    assert classify_trend([1, 0, 0, 2, 0, 0, 1, 0, 0, 0, 3, 0] * 2) == "sporadic"


def test_sporadic_when_too_few_months_to_call():
    assert classify_trend([0] * 23 + [1]) == "sporadic"
    assert classify_trend([5, 0, 0, 0, 0, 4] + [0] * 18) == "sporadic"


def test_odd_middle_month_belongs_to_neither_half():
    """25 months: months 1–12 against 14–25; month 13 counts only as a month with ASB."""
    assert classify_trend(_halves(QUIET_YEAR, [0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0], (40,))) == "new"
    assert classify_trend(_halves([2] * 12, [2] * 12, (50,))) == "persistent"


def test_whole_floats_are_counts():
    assert classify_trend([6.0] * 12 + [2.0] * 12) == "diminishing"


def test_short_series():
    assert classify_trend([0, 0]) == "none"
    assert classify_trend([1, 1]) == "sporadic"


# Checks inputs


@pytest.mark.parametrize("counts", [[], [3]])
def test_too_short_is_refused(counts):
    with pytest.raises(HotspotDataError, match="at least two months"):
        classify_trend(counts)


@pytest.mark.parametrize("bad", [-1, 2.5, float("nan"), "x", None])
def test_bad_counts_are_refused(bad):
    with pytest.raises(HotspotDataError, match="whole numbers of 0 or more"):
        classify_trend([1] * 23 + [bad])
