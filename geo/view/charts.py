"""Charts as Vega-Lite specifications (Altair), so they render with the app's own bundled
Vega and are tested without a browser."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

DETAIL_CHART_HEIGHT = 200
"""Height of each chart beside the map, so both show with the map on a 900-pixel-high screen."""
THIS_PERIOD_COLOUR = "#08519c"
A_YEAR_EARLIER_COLOUR = "#9e9e9e"


SERIES = ("This period", "A year earlier")


def whole_weeks(weekly: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The weeks (indexed by their Monday) that lie wholly from `start` to `end` (both days
    included): a week cut by the period's edge would read as a drop in patrols."""
    mondays = pd.DatetimeIndex(weekly.index)
    inside = (mondays >= start.normalize()) & (mondays + pd.Timedelta(days=6) <= end.normalize())
    return weekly[inside]


def monthly_asb_chart(monthly: pd.DataFrame) -> alt.Chart:
    """ASB per month (`this_year`, `last_year`, indexed by the period's month starts): this period
    as a strong line, a year earlier as a thin grey dashed one, on an axis naming month and year;
    the tooltip names the month each count is from."""
    starts = pd.DatetimeIndex(monthly.index)
    earlier = starts - pd.DateOffset(years=1)
    rows = pd.concat(
        [
            pd.DataFrame({"month": starts, "series": name, "asb": monthly[column].to_numpy(),
                          "from": shown.strftime("%B %Y")})
            for name, column, shown in zip(SERIES, ("this_year", "last_year"), (starts, earlier))
        ]
    )  # fmt: skip
    return (
        alt.Chart(rows)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y("asb:Q", title="ASB reports"),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(
                    domain=list(SERIES), range=[THIS_PERIOD_COLOUR, A_YEAR_EARLIER_COLOUR]
                ),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeWidth=alt.StrokeWidth(
                "series:N", scale=alt.Scale(domain=list(SERIES), range=[3, 1.5]), legend=None
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=list(SERIES), range=[[1, 0], [5, 3]]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("from:N", title="Month"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("asb:Q", title="ASB reports"),
            ],
        )
        .properties(height=DETAIL_CHART_HEIGHT)
    )


DOSE_CHART_HEIGHT = 420
ASSUMED_PLOT_WIDTH = 620
"""The narrowest plot width the dose chart is drawn at on a laptop; labels are chosen for it."""
LABEL_FONT_PX = 11
CHAR_WIDTH_PX = 6.3
"""Mean width of a character of the labels' font at LABEL_FONT_PX (system sans-serif)."""


def _right_half(x: np.ndarray) -> np.ndarray:
    """Points whose label goes on their left, so it stays inside the plot."""
    low, high = min(0.0, float(np.min(x, initial=0.0))), float(np.max(x, initial=1.0))
    return (x - low) > 0.6 * ((high - low) or 1.0)


def labels_that_fit(
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    width_px: float = ASSUMED_PLOT_WIDTH,
    height_px: float = DOSE_CHART_HEIGHT - 60,
) -> np.ndarray:
    """Which points get a name on the chart: the most outlying first, each only where its name
    covers no dot and no name already placed (the others are named on hover)."""
    if len(x) == 0:
        return np.zeros(0, dtype=bool)
    xlow, xhigh = min(0.0, x.min()), max(x.max(), 1e-9)
    ylow, yhigh = min(0.0, y.min()), max(0.0, y.max())
    px = (x - xlow) / ((xhigh - xlow) or 1.0) * width_px
    py = (1 - (y - ylow) / ((yhigh - ylow) or 1.0)) * height_px
    right = _right_half(x)
    order = np.argsort(-np.hypot(px - np.median(px), py - np.median(py)), kind="stable")
    dot = 6.0  # px: a dot's radius, which no name may cover
    placed = [(a - dot, b - dot, a + dot, b + dot) for a, b in zip(px, py)]
    fits = np.zeros(len(x), dtype=bool)
    for i in order:
        width = len(names[i]) * CHAR_WIDTH_PX
        left = px[i] - 7 - width if right[i] else px[i] + 7
        box = (left, py[i] - 6 - LABEL_FONT_PX, left + width, py[i] - 6 + 3)
        if not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
        ):
            placed.append(box)
            fits[i] = True
    return fits


def dose_response_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Officer hours per week against ASB change, one labelled point per hotspot."""
    data = table[["name", "town", "hours_per_week", "asb_change_pct", "asb_too_few"]].copy()
    data["reliability"] = data["asb_too_few"].map(
        {True: "too few to tell", False: "enough reports"}
    )
    data = data.dropna(subset=["hours_per_week", "asb_change_pct"])
    fits = labels_that_fit(
        data["hours_per_week"].to_numpy(float), data["asb_change_pct"].to_numpy(float),
        list(data["name"].astype(str)),
    )  # fmt: skip
    data["label"] = data["name"].where(fits, "")
    data["right_half"] = _right_half(data["hours_per_week"].to_numpy(float))
    base = alt.Chart(data).encode(
        x=alt.X("hours_per_week:Q", title="Officer patrol hours per week"),
        y=alt.Y("asb_change_pct:Q", title="ASB change on last year (%)"),
    )
    points = base.mark_circle(size=110, opacity=0.9).encode(
        color=alt.Color(
            "reliability:N",
            scale=alt.Scale(
                domain=["enough reports", "too few to tell"], range=["#2166ac", "#bdbdbd"]
            ),
            legend=alt.Legend(title=None, orient="top"),
        ),
        tooltip=[
            alt.Tooltip("name:N", title="Hotspot"),
            alt.Tooltip("town:N", title="Town"),
            alt.Tooltip("hours_per_week:Q", title="Hours per week", format=".1f"),
            alt.Tooltip("asb_change_pct:Q", title="ASB change %", format="+.1f"),
        ],
    )
    labels = alt.layer(
        base.transform_filter("!datum.right_half").mark_text(
            align="left", dx=7, dy=-6, fontSize=LABEL_FONT_PX
        ).encode(text="label:N"),
        base.transform_filter("datum.right_half").mark_text(
            align="right", dx=-7, dy=-6, fontSize=LABEL_FONT_PX
        ).encode(text="label:N"),
    )  # fmt: skip
    zero = (
        alt.Chart(pd.DataFrame({"y": [0]}))
        .mark_rule(color="#555", strokeDash=[4, 4])
        .encode(y="y:Q")
    )
    return alt.layer(zero, points, labels).properties(height=DOSE_CHART_HEIGHT)
