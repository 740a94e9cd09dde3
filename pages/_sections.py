"""Sections of the map page (layout and widgets only; the numbers come from geo)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis.evaluation import control_pair, hotspot_wdd
from geo.analysis.figures import monthly_asb, weekly_patrols
from geo.analysis.stats import wdd_reading
from geo.analysis.trends import TREND_RULES
from geo.period import Period
from geo.store.dataset import Dataset
from geo.view.charts import (
    DETAIL_CHART_HEIGHT,
    dose_response_chart,
    monthly_asb_chart,
    whole_weeks,
)
from pages._common import plain

TABLE_COLUMNS = {
    "hotspot_id": "Id",
    "name": "Hotspot",
    "town": "Town",
    "asb_before": st.column_config.NumberColumn("ASB before", format="localized"),
    "asb_after": st.column_config.NumberColumn("ASB after", format="localized"),
    "asb_change_shown": st.column_config.NumberColumn(
        "ASB change %", format="%.1f%%", help="Empty when there are too few reports to tell."
    ),
    "asb_too_few": st.column_config.CheckboxColumn("Too few to tell"),
    "asb_z": st.column_config.NumberColumn("Poisson z", format="%.1f"),
    "asb_rr": st.column_config.NumberColumn("Rate ratio", format="%.2f"),
    "asb_rr_ci": "95% interval",
    "wdd_p": st.column_config.NumberColumn("WDD p", format="%.3f"),
    "asb_monthly": st.column_config.LineChartColumn("ASB by month (24)"),
    "trend": "Trend",
    "crime_before": st.column_config.NumberColumn("All crime before", format="localized"),
    "crime_after": st.column_config.NumberColumn("All crime after", format="localized"),
    "crime_change_pct": st.column_config.NumberColumn("Crime change %", format="%.1f%%"),
    "officer_hours": st.column_config.NumberColumn("Officer hours", format="localized"),
    "hours_per_week": st.column_config.NumberColumn("Hours / week", format="%.1f"),
    "visits": st.column_config.NumberColumn("Visits", format="localized"),
    "visits_per_day": st.column_config.NumberColumn("Visits / day", format="%.2f"),
    "minutes_per_visit": st.column_config.NumberColumn("Minutes / visit", format="%.0f"),
    "share_15_min": st.column_config.NumberColumn("Visits ≥15 min", format="percent"),
    "arrests": st.column_config.NumberColumn("Arrests", format="localized"),
    "engagements": st.column_config.NumberColumn("People spoken to", format="localized"),
}


def hotspot_table_view(table: pd.DataFrame) -> None:
    """The sortable table; a change with too few reports is blanked so it is never ranked."""
    view = table.copy()
    view["asb_change_shown"] = view["asb_change_pct"].where(~view["asb_too_few"])
    view["asb_rr_ci"] = [
        f"{low:.2f}–{high:.2f}" if pd.notna(low) else "—"
        for low, high in zip(view["asb_rr_low"], view["asb_rr_high"])
    ]
    view["officer_hours"] = view["officer_hours"].round(0)  # whole hours, with thousands marks
    table_box = st.container(key="hotspot-table")
    # The grid's own CSV download writes names as they are; the page's download button makes
    # them safe for spreadsheets, so the grid's is hidden.
    table_box.html(
        "<style>.st-key-hotspot-table [data-testid=stElementToolbar] "
        "button[aria-label='Download as CSV'] {display:none;}</style>"
    )
    table_box.dataframe(
        view[list(TABLE_COLUMNS)], hide_index=True, width="stretch", column_config=TABLE_COLUMNS
    )
    with st.expander("How trends and significance are worked out"):
        st.markdown(
            "**Trend** (over the 24 months of the period and the year before):\n\n"
            + "\n".join(f"- **{name}**: {rule}" for name, rule in TREND_RULES.items())
            + "\n\n**Poisson z** = 2(√after − √before): beyond ±1.96 the change is larger than "
            "chance alone gives about 19 times in 20. **Rate ratio** = after ÷ before with a 95% "
            "interval. **Too few to tell**: fewer than 20 reports in the two years together, "
            "or fewer than 10 last year. **WDD p**: the weighted displacement difference test "
            "(Wheeler & Ratcliffe 2018) of the hotspot and its ring against the control trend."
        )


def programme_evaluation(dataset: Dataset, table: pd.DataFrame, result) -> None:
    """The plain-language WDD reading for the hotspots shown, and where its areas come from."""
    st.info(wdd_reading(result, ring_m=dataset.areas.ring_m), icon=":material/query_stats:")
    st.caption(
        f"Displacement area: a {dataset.areas.ring_m} m ring round each hotspot. Control: "
        f"{dataset.areas.control_source}, scaled to each area's own level of ASB last year."
    )


def hotspot_detail(dataset: Dataset, row: pd.Series, period: Period) -> None:
    """One hotspot, laid out for the column beside the map: counts first, then its monthly and
    weekly charts (visible with the map), then significance and dosage."""
    st.subheader(plain(row["name"]) + (f", {plain(row['town'])}" if row["town"] else ""))
    top = st.columns(2)
    change = row["asb_change_pct"]
    top[0].metric(
        "ASB reports, last year → this period",
        f"{row['asb_before']:,} → {row['asb_after']:,}",
        None if pd.isna(change) else f"{change:+.1f}%",  # ASCII sign: streamlit reads it
        delta_color="inverse",
    )
    top[1].metric("Officer hours", f"{row['officer_hours']:,.0f}", help=f"{row['visits']:,} visits")
    monthly = monthly_asb(dataset.counts, row.name, period)
    monthly.index = pd.to_datetime([m.start_time for m in period.months])
    st.markdown("**ASB per month: this period and a year earlier**")
    st.altair_chart(monthly_asb_chart(monthly), width="stretch")
    weekly = whole_weeks(
        weekly_patrols(dataset.patrols, row.name, period).set_index("week"),
        period.start.start_time, period.end.end_time,
    )  # fmt: skip
    st.markdown("**Officer patrol hours per week** (whole weeks, Monday to Sunday)")
    st.bar_chart(
        weekly["officer_hours"], x_label="Week starting", y_label="Officer hours",
        height=DETAIL_CHART_HEIGHT,
    )  # fmt: skip
    bottom = st.columns(2)
    bottom[0].metric("Arrests", f"{row['arrests']:,}")
    bottom[1].metric("People spoken to", f"{row['engagements']:,}")
    result = hotspot_wdd(
        row["asb_before"], row["asb_after"], row["ring_asb_before"], row["ring_asb_after"],
        control_pair(dataset.areas, period),
    )  # fmt: skip
    if row["asb_too_few"]:
        st.caption("Too few ASB reports to tell a change from chance: read the % with care.")
    st.markdown(wdd_reading(result, ring_m=dataset.areas.ring_m))
    if row["visits"]:
        st.caption(
            f"Dosage: {row['hours_per_week']:.1f} officer hours a week, "
            f"{row['visits_per_day']:.2f} visits a day, {row['minutes_per_visit']:.0f} minutes a "
            f"visit; {row['share_15_min']:.0%} of visits lasted 15 minutes or more. Trend: "
            f"{row['trend']}."
        )


def dose_response(table: pd.DataFrame) -> None:
    """Hours per week against ASB change, hotspots labelled."""
    st.subheader("Dose and response")
    st.caption(
        "Each dot is a hotspot: officer patrol hours per week against its ASB change. Hotspots "
        "with many hours and no fall sit top right. Grey: too few reports to tell. Names are "
        "shown where they fit; point at a dot for the rest."
    )
    st.altair_chart(dose_response_chart(table), width="stretch")
