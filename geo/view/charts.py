"""Charts as Vega-Lite specifications (Altair), so they render with the app's own bundled
Vega and are tested without a browser."""

from __future__ import annotations

import altair as alt
import pandas as pd


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
