"""The map page's period under AppTest: a range slider, periods with data only, flagged months."""

from __future__ import annotations

import pytest

from tests.flagged_data import ASB, ASB_PER_MONTH, NO_ASB_MONTH, three_year_dataset
from tests.helpers import run_map_page, shown

_app = run_map_page


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    return three_year_dataset(tmp_path_factory.mktemp("three") / "data")


def test_the_period_slider_is_a_range_and_moving_it_changes_the_figures(monkeypatch, sample_dir):
    at = _app(monkeypatch, sample_dir)
    slider = at.sidebar.select_slider(key="period")
    assert slider.value == ("2025-10", "2026-09")
    assert slider.options[0] == "2025-10"  # a baseline before the data's first year is not offered
    before = at.dataframe[0].value["asb_after"].sum()
    slider.set_value(("2025-12", "2026-06")).run()
    assert not at.exception
    assert at.sidebar.select_slider(key="period").value == ("2025-12", "2026-06")
    assert at.query_params["period"] == "2025-12:2026-06"
    assert at.dataframe[0].value["asb_after"].sum() < before
    assert "Dec 2025 – Jun 2026 compared with Dec 2024 – Jun 2025" in at.caption[0].value


def test_a_link_whose_baseline_has_no_data_is_refused_saying_so(monkeypatch, sample_dir):
    at = _app(monkeypatch, sample_dir, period="2025-01:2025-12")
    assert not at.exception
    (warning,) = [shown(w.value) for w in at.warning if "Ignoring the period" in w.value]
    assert "no crime data for 2024-01 to 2024-09 in its baseline" in warning
    assert at.sidebar.select_slider(key="period").value == ("2025-10", "2026-09")
    assert at.query_params["period"] == "2025-10:2026-09"
    assert "+300" not in " ".join(m.value for m in at.metric)


def test_a_longer_period_is_cut_to_twelve_months_saying_why(monkeypatch, three_years):
    at = _app(monkeypatch, three_years)
    at.sidebar.select_slider(key="period").set_value(("2023-01", "2024-12")).run()
    assert not at.exception
    assert at.sidebar.select_slider(key="period").value == ("2024-01", "2024-12")
    assert any("overlap its own baseline" in shown(w.value) for w in at.warning)


def test_a_flagged_month_is_left_out_of_both_years_unless_put_back(monkeypatch, three_years):
    at = _app(monkeypatch, three_years, period="2024-01:2024-12")
    notice = " ".join(shown(w.value) for w in at.warning)
    assert "Months flagged as anomalous" in notice and f"{NO_ASB_MONTH} ASB." in notice
    assert "2023-03, 2024-03" in notice
    (why,) = [e for e in at.expander if e.label == "Why these months are flagged"]
    detail = shown(why.markdown[0].value)
    assert f"{NO_ASB_MONTH} {ASB}: none recorded" in detail
    assert "Each month of each crime type is compared with up to 3 months either side" in detail
    row = at.dataframe[0].value.iloc[0]
    assert (row["asb_before"], row["asb_after"]) == (11 * ASB_PER_MONTH, 11 * ASB_PER_MONTH)
    at.sidebar.checkbox(key="keep_flagged").check().run()
    assert at.query_params["flagged"] == "keep"
    row = at.dataframe[0].value.iloc[0]
    assert (row["asb_before"], row["asb_after"]) == (12 * ASB_PER_MONTH, 11 * ASB_PER_MONTH)
    linked = _app(monkeypatch, three_years, period="2024-01:2024-12", flagged="keep")
    assert linked.sidebar.checkbox(key="keep_flagged").value is True


def test_the_data_page_reports_the_flagged_month(monkeypatch, three_years):
    at = _app(monkeypatch, three_years)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    summary = next(d.value for d in at.dataframe if d.value.columns[0] == "check")
    row = summary.set_index("check").loc[
        "Months flagged as anomalous (left out of both years by default)"
    ]
    assert row["count"] == 1 and f"{NO_ASB_MONTH} {ASB}" in row["detail"]
    assert any(f"{NO_ASB_MONTH} {ASB}: none recorded" in shown(w.value) for w in at.warning)


def test_the_wall_names_the_flagged_month_and_what_it_leaves_out(monkeypatch, three_years):
    at = _app(monkeypatch, three_years)
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    html = " ".join(str(e.proto) for e in at.get("html"))
    assert f"Flagged {NO_ASB_MONTH} ASB: left out of both years (2023-03, 2024-03)" in html
