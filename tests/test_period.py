import pandas as pd
import pytest

from geo.errors import HotspotDataError
from geo.period import Period


def test_parse_and_baseline():
    period = Period.parse("2024-01:2024-12")
    assert period.before == Period.parse("2023-01:2023-12")
    assert len(period.months) == 12
    assert str(period) == "2024-01:2024-12"


def test_latest_year_ends_on_last_month():
    period = Period.latest_year(pd.Period("2026-09", freq="M"))
    assert str(period) == "2025-10:2026-09"


@pytest.mark.parametrize(
    "text", ["2024-13:2024-12", "2024-1:2024-12", "2024-01", "2024-05:2024-01"]
)
def test_bad_periods_are_refused(text):
    with pytest.raises(HotspotDataError):
        Period.parse(text)


def test_a_period_longer_than_a_year_is_refused_as_it_overlaps_its_baseline():
    with pytest.raises(HotspotDataError, match="13 months long.*overlaps its own baseline"):
        Period.parse("2024-01:2025-01")
    assert len(Period.parse("2024-02:2025-01").months) == 12


def test_left_out_months_leave_the_baseline_too():
    period = Period.parse("2024-01:2024-06").without(
        [pd.Period("2024-03", freq="M"), pd.Period("2025-03", freq="M")]
    )
    assert [str(m) for m in period.counted] == [
        "2024-01",
        "2024-02",
        "2024-04",
        "2024-05",
        "2024-06",
    ]
    assert [str(m) for m in period.before.counted] == [
        "2023-01", "2023-02", "2023-04", "2023-05", "2023-06"
    ]  # fmt: skip
    assert period.whole == Period.parse("2024-01:2024-06")
    assert str(period) == "2024-01:2024-06"
