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
