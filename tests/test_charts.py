"""Charts as Vega-Lite specifications: the monthly and weekly detail, and dose and response."""

import numpy as np
import pandas as pd

from geo.view.charts import dose_response_chart, labels_that_fit, monthly_asb_chart, whole_weeks


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


def test_weekly_chart_keeps_whole_weeks_only():
    mondays = pd.date_range("2025-09-29", "2026-09-28", freq="W-MON")
    weekly = pd.DataFrame({"officer_hours": 1.0}, index=mondays)
    start, end = pd.Timestamp("2025-10-01"), pd.Timestamp("2026-09-30 23:59:59")
    kept = whole_weeks(weekly, start, end)
    assert kept.index[0] == pd.Timestamp("2025-10-06")  # 29 Sep starts before the period
    assert kept.index[-1] == pd.Timestamp("2026-09-21")  # 28 Sep runs past its end
    assert len(kept) == len(weekly) - 2


def test_dose_response_chart_labels_every_hotspot():
    table = pd.DataFrame(
        {"name": ["<b>A</b>", "B"], "town": ["T", "T"], "hours_per_week": [2.0, 5.0],
         "asb_change_pct": [-10.0, 5.0], "asb_too_few": [False, True]}
    )  # fmt: skip
    spec = dose_response_chart(table).to_dict()
    values = next(v for v in spec["datasets"].values() if "name" in v[0])
    assert [v["name"] for v in values] == ["<b>A</b>", "B"]  # Vega draws text, never HTML
    marks = [layer["mark"]["type"] for layer in spec["layer"][:2]]
    assert marks == ["rule", "circle"]
    assert {layer["mark"]["type"] for layer in spec["layer"][2]["layer"]} == {"text"}
    assert [v["label"] for v in values] == ["<b>A</b>", "B"]  # far apart: both named


def test_dose_response_names_only_what_fits():
    x = np.array([5.0, 5.0, 5.1, 0.5, 9.0])
    y = np.array([-20.0, -20.0, -20.5, 30.0, -40.0])
    names = [
        "Heanor Market Place",
        "Heanor Derby Road",
        "Heanor Loscoe Road",
        "Glossop",
        "Ilkeston",
    ]
    fits = labels_that_fit(x, y, names)
    assert fits[3] and fits[4]  # alone: named
    assert fits[:3].sum() == 1  # three on one spot: one name, the others on hover
