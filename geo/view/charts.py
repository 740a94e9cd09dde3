"""Charts as Vega-Lite specifications (Altair), so they render with the app's own bundled
Vega and are tested without a browser."""

from __future__ import annotations

import altair as alt
import pandas as pd

DETAIL_CHART_HEIGHT = 200
"""Height of each chart beside the map, so both show with the map on a 900-pixel-high screen."""
THIS_PERIOD_COLOUR = "#08519c"
A_YEAR_EARLIER_COLOUR = "#9e9e9e"


SERIES = ("This period", "A year earlier")


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


def dose_response_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Officer hours per week against ASB change, one labelled point per hotspot."""
    data = table[["name", "town", "hours_per_week", "asb_change_pct", "asb_too_few"]].copy()
    data["reliability"] = data["asb_too_few"].map(
        {True: "too few to tell", False: "enough reports"}
    )
    data = data.dropna(subset=["hours_per_week", "asb_change_pct"])
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
    labels = base.mark_text(align="left", dx=7, dy=-6, fontSize=11).encode(text="name:N")
    zero = (
        alt.Chart(pd.DataFrame({"y": [0]}))
        .mark_rule(color="#555", strokeDash=[4, 4])
        .encode(y="y:Q")
    )
    return alt.layer(zero, points, labels).properties(height=420)
