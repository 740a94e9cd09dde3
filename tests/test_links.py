"""The map page's view in its address: links, Back and Forward (geo.view.links)."""

from __future__ import annotations

import pandas as pd

from geo.period import Period
from geo.view.charts import monthly_asb_chart, whole_weeks
from geo.view.export import plain_table
from geo.view.links import ALL_TOWNS, NO_HOTSPOT, View, query_for, view_from_query
from geo.view.page_scripts import scroll_into_view_js

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
DEFAULT = Period.parse("2025-01:2025-12")


def _view(query: dict) -> tuple[View, list[str]]:
    return view_from_query(
        query, metrics=["asb", "hours"], towns=["Heanor"], months=MONTHS, hotspots=["HS-1"],
        default_period=DEFAULT,
    )  # fmt: skip


def test_an_empty_address_is_the_default_view():
    view, notes = _view({})
    assert view == View("asb", ALL_TOWNS, ("2025-01", "2025-12"), NO_HOTSPOT) and notes == []


def test_a_view_survives_its_own_query():
    view = View("hours", "Heanor", ("2025-03", "2025-08"), "HS-1")
    assert _view(query_for(view)) == (view, [])


def test_unknown_values_fall_back_and_a_bad_period_is_reported():
    view, notes = _view(
        {"metric": "<script>", "town": "Atlantis", "hotspot": "HS-9", "period": "2024-99:x"}
    )
    assert view == View("asb", ALL_TOWNS, ("2025-01", "2025-12"), NO_HOTSPOT)
    assert len(notes) == 1 and notes[0].startswith("Ignoring the period in the link")
    view, notes = _view({"period": "2019-01:2019-02"})
    assert view.period == ("2025-01", "2025-12") and "has no data" in notes[0]


def test_all_towns_and_no_hotspot_stay_out_of_the_address():
    query = query_for(View("asb", ALL_TOWNS, ("2025-01", "2025-12"), NO_HOTSPOT))
    assert query == {"metric": "asb", "period": "2025-01:2025-12"}


def test_scroll_script_carries_no_page_text():
    script = scroll_into_view_js("map-row", "</script><script>alert(1)</script>")
    assert "alert" not in script and script.count("<script") == 1
    assert ".st-key-map-row" in script


def test_monthly_chart_names_years_and_the_year_earlier_months():
    index = pd.to_datetime(["2025-11-01", "2025-12-01", "2026-01-01"])
    monthly = pd.DataFrame({"this_year": [3, 4, 5], "last_year": [6, 7, 8]}, index=index)
    spec = monthly_asb_chart(monthly).to_dict()
    rows = next(iter(spec["datasets"].values()))
    earlier = [r["from"] for r in rows if r["series"] == "A year earlier"]
    assert earlier == ["November 2024", "December 2024", "January 2025"]
    assert spec["encoding"]["x"]["axis"]["format"] == "%b %Y"
    widths = spec["encoding"]["strokeWidth"]["scale"]
    assert widths["domain"][0] == "This period" and widths["range"][0] > widths["range"][1]


def test_downloaded_table_has_plain_headings_and_states_its_period():
    table = pd.DataFrame({"hotspot_id": ["a"], "asb_rr_low": [0.5], "new_code": [1]})
    out = plain_table(table, Period.parse("2025-10:2026-09"))
    assert list(out.columns) == [
        "Period", "Compared with", "Hotspot id", "ASB rate ratio 95% interval from", "new_code",
    ]  # fmt: skip
    assert out.iloc[0, 0] == "Oct 2025 – Sep 2026" and out.iloc[0, 1] == "Oct 2024 – Sep 2025"


def test_weekly_chart_keeps_whole_weeks_only():
    mondays = pd.date_range("2025-09-29", "2026-09-28", freq="W-MON")
    weekly = pd.DataFrame({"officer_hours": 1.0}, index=mondays)
    start, end = pd.Timestamp("2025-10-01"), pd.Timestamp("2026-09-30 23:59:59")
    kept = whole_weeks(weekly, start, end)
    assert kept.index[0] == pd.Timestamp("2025-10-06")  # 29 Sep starts before the period
    assert kept.index[-1] == pd.Timestamp("2026-09-21")  # 28 Sep runs past its end
    assert len(kept) == len(weekly) - 2


def test_a_default_period_outside_the_data_is_moved_inside_it():
    view, _ = view_from_query(
        {}, metrics=["asb"], towns=[], months=["2023-03", "2023-04", "2024-02"], hotspots=[],
        default_period=Period.parse("2023-02:2024-01"),
    )  # fmt: skip
    assert view.period == ("2023-03", "2023-04")
