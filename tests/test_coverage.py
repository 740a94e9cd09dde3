"""Which periods can be compared with the year before: only those whose months all have data."""

import pandas as pd
import pytest

from geo.analysis.coverage import (
    check_period,
    comparable_months,
    gap_months,
    latest_comparable,
    no_comparison_reason,
)
from geo.errors import HotspotDataError
from geo.period import Period


def _months(start: str, end: str, without: tuple[str, ...] = ()) -> list[pd.Period]:
    return [m for m in pd.period_range(start, end, freq="M") if str(m) not in without]


def test_only_months_with_a_year_of_data_before_them_are_offered():
    months = _months("2024-10", "2026-09")  # the sample's 24 months
    assert [str(m) for m in comparable_months(months)][:1] == ["2025-10"]
    assert str(comparable_months(months)[-1]) == "2026-09"
    assert str(latest_comparable(months)) == "2025-10:2026-09"


def test_a_baseline_without_data_is_refused_naming_its_months():
    months = _months("2024-10", "2026-09")
    with pytest.raises(HotspotDataError) as caught:
        check_period(Period.parse("2025-01:2025-12"), months)
    message = str(caught.value)
    assert "2024-01 to 2024-09 in its baseline" in message
    assert "choose months from 2025-10 to 2026-09" in message


def test_twelve_months_or_fewer_offer_no_period_and_say_why():
    months = _months("2024-01", "2024-12")
    assert comparable_months(months) == [] and latest_comparable(months) is None
    assert "2024-01 to 2024-12 (12 months)" in no_comparison_reason(months)
    assert "at least 13 months" in no_comparison_reason(months)
    assert no_comparison_reason(_months("2023-01", "2024-01")) == ""


def test_gaps_inside_the_data_are_found_and_do_not_refuse_a_period():
    months = _months("2023-01", "2024-12", without=("2023-05",))
    assert [str(m) for m in gap_months(months)] == ["2023-05"]
    check_period(Period.parse("2024-01:2024-12"), months)  # the gap is left out, not refused
