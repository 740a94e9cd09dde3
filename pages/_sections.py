"""Sections of the map page (layout and widgets only; the numbers come from geo)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis.dataset import Dataset
from geo.analysis.evaluation import PRIMARY_LABEL, format_p, primary_reading
from geo.analysis.figures import NO_PATROL_LOG, monthly_asb, weekly_patrols
from geo.analysis.outcomes import (
    NOT_RECORDED,
    NOT_RECORDED_WHY,
    OPTIONAL_OUTCOMES,
    OUTCOME_LABELS,
    Outcome,
)
from geo.analysis.programme import ProgrammeEvaluation
from geo.analysis.stats import ALPHA, TOO_FEW_RULE, WDDResult, wdd_reading
from geo.analysis.trends import TREND_RULES
from geo.period import Period
from geo.view.briefing import outcome_line
from geo.view.charts import (
    DETAIL_CHART_HEIGHT,
    dose_response_chart,
    monthly_asb_chart,
    whole_weeks,
)
from geo.view.grid import rounded_as_shown
from geo.view.scales import told_change
from geo.words import signed_percent
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
    "adjusted_ratio": st.column_config.NumberColumn(
        f"{PRIMARY_LABEL}: ratio", format="%.2f", help="The primary reading: see below."
    ),
    "adjusted_ci": f"{PRIMARY_LABEL}: 95% interval",
    "adjusted_p": st.column_config.NumberColumn(f"{PRIMARY_LABEL}: p", format="%.3f"),
    "q": st.column_config.NumberColumn("q (false discovery)", format="%.3f"),
    "matched_change_pct": st.column_config.NumberColumn(
        "Similar untreated areas: change %", format="%.1f%%"
    ),
    "asb_rr": st.column_config.NumberColumn("Before/after alone: rate ratio", format="%.2f"),
    "asb_rr_ci": "Before/after alone: 95% interval",
    "asb_p": st.column_config.NumberColumn("Before/after alone: p", format="%.3f"),
    "wdd_p": st.column_config.NumberColumn("WDD p (hotspot + ring)", format="%.3f"),
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
    **{
        column: st.column_config.NumberColumn(OUTCOME_LABELS[column], format="localized")
        for column in OPTIONAL_OUTCOMES
    },
}
"""Columns of the hotspot table; an optional outcome appears only when the patrol log records it."""


def hotspot_table_view(table: pd.DataFrame) -> None:
    """The sortable table, its numbers rounded as shown; a change with too few reports is
    blanked so it is never ranked."""
    view = table.copy()
    view["asb_change_shown"] = told_change(view)
    view["asb_rr_ci"] = _intervals(view["asb_rr_low"], view["asb_rr_high"])
    view["adjusted_ci"] = _intervals(view["adjusted_low"], view["adjusted_high"])
    view["officer_hours"] = view["officer_hours"].round(0)  # whole hours, with thousands marks
    table_box = st.container(key="hotspot-table")
    # The grid's own CSV download writes names as they are; the page's download button makes
    # them safe for spreadsheets, so the grid's is hidden.
    table_box.html(
        "<style>.st-key-hotspot-table [data-testid=stElementToolbar] "
        "button[aria-label='Download as CSV'] {display:none;}</style>"
    )
    shown = rounded_as_shown(  # what a screen reader reads out is what the grid shows
        view[[column for column in TABLE_COLUMNS if column in view.columns]], TABLE_COLUMNS
    )
    table_box.dataframe(shown, hide_index=True, width="stretch", column_config=TABLE_COLUMNS)
    with st.expander("How trends and significance are worked out"):
        st.markdown(
            "**Trend** (over the 24 months of the period and the year before):\n\n"
            + "\n".join(f"- **{name}**: {rule}" for name, rule in TREND_RULES.items())
            + f"\n\n**{PRIMARY_LABEL}** (the primary reading): the hotspot's ASB ratio (after ÷ "
            "before) divided by the control's, with a 95% interval widened by how much untreated "
            "areas of similar ASB vary beyond chance (their dispersion). Beyond chance when "
            f"p < {ALPHA:g}. **q**: the Benjamini–Hochberg false-discovery q across the hotspots "
            f"shown; with many hotspots some reach p < {ALPHA:g} by chance alone, q < {ALPHA:g} "
            "allows for that. **Similar untreated areas**: the change of areas with as much ASB "
            "last year and no programme (regression to the mean). **Before/after alone**: the "
            "exact test and interval of the hotspot's own counts, with no control. "
            f"**Too few to tell**: {TOO_FEW_RULE} **WDD p**: the weighted displacement "
            "difference test (Wheeler & Ratcliffe 2018) of the hotspot and its ring against "
            "the control, with the same dispersion."
        )


def _intervals(low: pd.Series, high: pd.Series) -> list[str]:
    """'0.47–0.91' per row; '—' where an end is unknown."""
    return [
        f"{lo:.2f}–{hi:.2f}" if pd.notna(lo) and pd.notna(hi) else "—" for lo, hi in zip(low, high)
    ]


def programme_evaluation(
    dataset: Dataset, evaluation: ProgrammeEvaluation, result: WDDResult | None
) -> None:
    """The programme's reading and its WDD (`result`, None when there is none) for the hotspots
    shown, and where its areas come from."""
    st.info(plain(evaluation.reading), icon=":material/query_stats:")
    if result is not None:
        st.caption("WDD test: " + wdd_reading(result, ring_m=dataset.areas.ring_m))
    st.caption(
        f"Displacement area: a {dataset.areas.ring_m} m ring round each hotspot. Control: "
        f"{dataset.areas.control_source}, scaled to each area's own level of ASB last year."
    )


def hotspot_detail(dataset: Dataset, row: pd.Series, period: Period) -> None:
    """One hotspot, laid out for the column beside the map: counts first, then its monthly and
    weekly charts (visible with the map), then significance and dosage."""
    st.header(plain(row["name"]) + (f", {plain(row['town'])}" if row["town"] else ""))
    top = st.columns(2)
    change = row["asb_change_pct"]
    top[0].metric(
        "ASB, last year → this",
        f"{row['asb_before']:,} → {row['asb_after']:,}",
        None if pd.isna(change) else signed_percent(change, 1),
        **_change_delta(change),
        help="ASB reports in the same months a year earlier → in this period.",
    )
    no_log = pd.isna(row["visits"])
    if no_log:
        top[1].metric("Officer hours", NO_PATROL_LOG, help="The dataset has no patrol data.")
    else:
        top[1].metric(
            "Officer hours", f"{row['officer_hours']:,.0f}", help=f"{row['visits']:,.0f} visits"
        )
    monthly = monthly_asb(dataset.counts, row.name, period)
    monthly.index = pd.to_datetime([m.start_time for m in period.months])
    st.markdown("**ASB per month: this period and a year earlier**")
    st.altair_chart(monthly_asb_chart(monthly), width="stretch")
    flagged = [f"{a.month} {a.crime_type}" for a in dataset.anomalies]
    if flagged:
        st.caption(
            "Drawn as published; months flagged as anomalous ("
            + plain(", ".join(flagged))
            + ") are left out of the figures unless you count them."
        )
    st.markdown("**Officer patrol hours per week** (whole weeks, Monday to Sunday)")
    if no_log:
        st.info(f"{NO_PATROL_LOG.capitalize()}: patrol hours are not known.")
    else:
        weekly = whole_weeks(
            weekly_patrols(dataset.patrols, row.name, period).set_index("week"),
            period.start.start_time, period.end.end_time,
        )  # fmt: skip
        st.bar_chart(
            weekly["officer_hours"], x_label="Week starting", y_label="Officer hours",
            height=DETAIL_CHART_HEIGHT,
        )  # fmt: skip
    bottom = st.columns(2)
    for column, name, label in (
        (bottom[0], "arrests", "Arrests"), (bottom[1], "engagements", "People spoken to"),
    ):  # fmt: skip
        if no_log:
            column.metric(label, NO_PATROL_LOG)
        elif pd.isna(row[name]):  # hours from GPS, and no patrol log to record outcomes
            column.metric(label, NOT_RECORDED, help=f"{NOT_RECORDED_WHY.capitalize()}.")
        else:
            column.metric(label, f"{row[name]:,.0f}")
    recorded = [c for c in OPTIONAL_OUTCOMES if c in row.index]
    if recorded:
        outcomes = tuple(Outcome(c, OUTCOME_LABELS[c], float(row[c])) for c in recorded)
        st.caption(plain(outcome_line(outcomes)))
    st.markdown(plain(primary_reading(row)))
    if pd.notna(row["asb_rr"]):
        st.caption(
            f"Before/after alone: rate ratio {row['asb_rr']:.2f} (95% interval "
            f"{row['asb_rr_low']:.2f}–{row['asb_rr_high']:.2f}), exact {format_p(row['asb_p'])}. "
            f"Similar untreated areas changed by {signed_percent(row['matched_change_pct'], 1)}."
        )
    if not no_log and row["visits"]:
        st.caption(
            f"Dosage: {row['hours_per_week']:.1f} officer hours a week, "
            f"{row['visits_per_day']:.2f} visits a day, {row['minutes_per_visit']:.0f} minutes a "
            f"visit; {row['share_15_min']:.0%} of visits lasted 15 minutes or more. Trend: "
            f"{row['trend']}."
        )


def _change_delta(change: float) -> dict[str, str]:
    """The colour and arrow of an ASB change shown with a true minus sign, which streamlit does
    not read as negative: a fall green and down, a rise red and up, none grey."""
    rounded = round(change, 1) if pd.notna(change) else 0
    if rounded < 0:
        return {"delta_color": "green", "delta_arrow": "down"}
    if rounded > 0:
        return {"delta_color": "red", "delta_arrow": "up"}
    return {"delta_color": "gray", "delta_arrow": "off"}


def dose_response(table: pd.DataFrame) -> None:
    """Hours per week against ASB change, hotspots labelled."""
    st.header("Dose and response")
    if table["visits"].isna().all():
        st.info(f"{NO_PATROL_LOG.capitalize()}: patrol dose cannot be set against ASB change.")
        return
    st.caption(
        "Each dot is a hotspot: officer patrol hours per week against its ASB change. Hotspots "
        "with many hours and no fall sit top right. Grey: too few reports to tell. Names are "
        "shown where they fit; point at a dot for the rest."
    )
    st.altair_chart(dose_response_chart(table), width="stretch")
