"""The map page (`/`): hotspots coloured by ASB change or patrol hours, with detail and table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis.coverage import no_comparison_reason
from geo.analysis.evaluation import with_q
from geo.analysis.figures import ProgrammeFigures, programme_figures
from geo.analysis.outcomes import programme_outcomes
from geo.period import MAX_MONTHS, Period
from geo.view.briefing import (
    HEADLINE_KEY,
    HEADLINES_CSS,
    LARGEST_FALL_LABEL,
    MEAN_LABEL,
    REASON_KEY,
    headlines,
    outcome_line,
    verdict_html,
)
from geo.view.export import hotspots_geojson, plain_table, table_csv
from geo.view.links import ALL_TOWNS, NO_HOTSPOT, View, query_for, view_from_query
from geo.view.page_scripts import fit_to_window_js, scroll_into_view_js
from geo.view.playback import DEFAULT_SECONDS, PLAY_RULE
from geo.view.proposal_layer import LAYER_NAME
from geo.view.scales import asb_change_scale, bivariate_scale, hours_scale
from geo.view.tiles import tile_source
from geo.view.unranked import too_few_note
from geo.words import count_text
from pages._access import current_visitor, gate
from pages._common import (
    FOCUS_CSS,
    OGL_ATTRIBUTION,
    anomaly_notice,
    below_map_waits,
    briefing_file,
    current_dataset,
    history_navigation,
    monthly_return_file,
    outcomes_table_for,
    period_problem,
    plain,
    programme_evaluation_for,
    programme_wdd_for,
    sample_notice,
    wide_layout,
)
from pages._map_frame import hotspot_map
from pages._playback import playback_for
from pages._proposals import proposal_section, proposed_for
from pages._sections import dose_response, hotspot_detail, hotspot_table_view, programme_evaluation

METRICS = {
    "asb": "ASB change %",
    "hours": "Officer patrol hours",
    "both": "Both: hours × ASB change",
}
MAP_HEIGHT = 620  # on a screen with room for it; on a laptop the map reaches the window's foot
MAP_LEAST_HEIGHT = 320  # however little room the window leaves below the figures


def more_help(figures: ProgrammeFigures) -> dict[str, str]:
    """What the help of each figure after the verdict says beyond its own detail."""
    return {
        MEAN_LABEL: "Each hotspot's own change, averaged (those with too few reports left out): "
        "not the programme's change, which is the pooled one, and moved by chance and by "
        "regression to the mean.",
        LARGEST_FALL_LABEL: "The one hotspot that fell most: among many hotspots some fall far "
        "by chance alone.",
        "All crime in hotspots": f"{figures.crime_before:,} → {figures.crime_after:,}, each "
        f"crime counted once. Forcewide: {figures.force_crime_before:,} → "
        f"{figures.force_crime_after:,}.",
        "Officer patrol hours": "Hours = (end − start) × officers.",
    }


wide_layout()
gate()
dataset = current_dataset()
params = st.query_params
if not dataset.patrol_log:  # no patrol data: nothing to colour by but ASB
    METRICS = {"asb": METRICS["asb"]}


def _keep_within_a_year() -> None:
    """A period longer than a year would overlap its baseline: keep its last twelve months."""
    start, end = (pd.Period(m, freq="M") for m in st.session_state["period"])
    if end.ordinal - start.ordinal + 1 > MAX_MONTHS:
        st.session_state["period"] = (str(end - (MAX_MONTHS - 1)), str(end))
        st.session_state["period_note"] = (
            f"A period is at most {MAX_MONTHS} months: a longer one would overlap its own "
            "baseline (the same months a year earlier). Kept the last "
            f"{MAX_MONTHS} months you chose."
        )


months = [str(m) for m in dataset.comparable_months]
if not months:
    st.error(f"No change can be shown: {plain(no_comparison_reason(dataset.counts.months))}.")
    st.stop()
ids = list(dataset.hotspots["hotspot_id"])
url_view, url_notes = view_from_query(
    params.to_dict(), metrics=list(METRICS), towns=dataset.towns, months=months, hotspots=ids,
    default_period=dataset.default_period, problem=lambda p: period_problem(dataset, p),
)  # fmt: skip
default_view, _ = view_from_query(
    {}, metrics=list(METRICS), towns=dataset.towns, months=months, hotspots=ids,
    default_period=dataset.default_period,
)  # fmt: skip
navigated = "metric" not in st.session_state or history_navigation()
if navigated:
    # First run, a link, Back or Forward: the address names the view to show. Another run's
    # address may predate the changes of the runs before it: there, the controls are kept.
    for note in url_notes:
        st.warning(plain(note))
    st.session_state["link_notes"] = url_notes  # again in the next run, which the map starts
    for field in ("metric", "town", "period", "hotspot", "keep_flagged"):
        st.session_state[field] = getattr(url_view, field)
    st.session_state["show_proposals"] = url_view.proposals
    st.session_state["play_on"] = bool(url_view.play)
    st.session_state["play_seconds"] = url_view.play or DEFAULT_SECONDS
    st.session_state["url_view"] = url_view
else:
    for note in st.session_state.pop("link_notes", []):
        st.warning(plain(note))
if not set(st.session_state["period"]) <= set(months):  # the data changed under the session
    st.session_state["period"] = url_view.period
if st.session_state["town"] not in (ALL_TOWNS, *dataset.towns):
    st.session_state["town"] = url_view.town
if "pending_hotspot" in st.session_state:
    st.session_state["hotspot"] = st.session_state.pop("pending_hotspot")

st.html(FOCUS_CSS)
with st.sidebar:
    st.page_link("pages/briefing.py", label="Wall-screen briefing", icon=":material/tv:")
    st.page_link("pages/data.py", label="Import data and check quality", icon=":material/upload:")
    st.header("Show")
    st.radio("Colour hotspots by", list(METRICS), format_func=METRICS.get, key="metric")
    if st.session_state.get("play_on"):
        st.caption(
            "While the period plays month by month, hotspots are coloured by each month's ASB; "
            "this colouring comes back when it stops."
        )
    st.selectbox("Town", [ALL_TOWNS, *dataset.towns], key="town")
    st.select_slider(
        "Period (whole months, compared with the same months a year earlier)",
        options=months,
        value=default_view.period,  # a pair: a range slider
        key="period",
        on_change=_keep_within_a_year,
        help=f"Up to {MAX_MONTHS} months; only months whose year before has data are offered.",
    )
    if dataset.anomalies:
        st.checkbox(
            "Count months flagged as anomalous",
            key="keep_flagged",
            help="By default a flagged month is left out of both years of the figures it affects.",
        )
    st.toggle(
        "Play the period month by month",
        key="play_on",
        help="Each hotspot coloured by its ASB in each month against the same month a year "
        f"before, {st.session_state['play_seconds']} seconds a month, over and over. In a link: "
        + PLAY_RULE
        + ".",
    )
    importer = current_visitor().is_importer
    if importer:
        st.checkbox(
            f"Show {LAYER_NAME.lower()}",
            key="show_proposals",
            help="Places where ASB concentrated and kept concentrating in the period, outside "
            "the current hotspots, drawn as dashed outlines (computed from the period's ASB: "
            "a few seconds the first time). Add chosen ones on the data page.",
        )
if "period_note" in st.session_state:
    st.warning(st.session_state.pop("period_note"))

period = Period.parse(":".join(st.session_state["period"]))
keep_flagged = bool(st.session_state["keep_flagged"]) and bool(dataset.anomalies)
town = st.session_state["town"]
shown_town = None if town == ALL_TOWNS else town
table, outcome_columns = outcomes_table_for(dataset, period, keep_flagged)
if town != ALL_TOWNS:
    table = with_q(table[table["town"] == town])
shown_ids = list(table["hotspot_id"])
names = dict(zip(dataset.hotspots["hotspot_id"], dataset.hotspots["name"]))
if st.session_state["hotspot"] not in shown_ids:
    st.session_state["hotspot"] = NO_HOTSPOT
with st.sidebar:
    st.selectbox(
        "Hotspot",
        [NO_HOTSPOT, *shown_ids],
        key="hotspot",
        format_func=lambda i: names.get(i, "— none selected —"),
        help="Or click a hotspot on the map.",
    )
selected = st.session_state["hotspot"]

play = st.session_state["play_seconds"] if st.session_state["play_on"] else 0
show_proposals = importer and bool(st.session_state.get("show_proposals"))
view = View(
    st.session_state["metric"], town, tuple(st.session_state["period"]), selected, keep_flagged,
    play, show_proposals,
)  # fmt: skip
if view != st.session_state.get("url_view") or (navigated and url_notes):
    # a deliberate change (a new history entry), or an address naming what cannot be shown
    params.from_dict(query_for(view))
st.session_state["url_view"] = view

st.title("Hotspot patrol map")
st.caption(
    f"{period.label()} compared with {period.before.label()} · data up to "
    f"{dataset.last_month.strftime('%B %Y')} · {count_text(len(table), 'hotspot')}"
    + ("" if town == ALL_TOWNS else f" in {plain(town)}")
)
sample_notice(dataset)

context = dataset.context(period, keep_flagged)
figures = programme_figures(table, dataset.counts, context, patrol_log=dataset.patrol_log)
anomaly_notice(dataset, figures, keep_flagged)
evaluation = programme_evaluation_for(dataset, period, keep_flagged, shown_town)
items = headlines(figures, evaluation)
helps = more_help(figures)
st.html(HEADLINES_CSS + verdict_html(items[0]))  # the verdict: the first figure read
row = st.container(key=HEADLINE_KEY).columns(len(items) - 1, vertical_alignment="bottom")
for index, (column, item) in enumerate(zip(row, items[1:])):
    box = column.container(key=f"{REASON_KEY}-{index}") if item.missing else column
    box.metric(
        item.label,
        item.missing or item.value,
        help=plain(
            " ".join(filter(None, [item.detail.replace("\n", "; "), helps.get(item.label)]))
        ),
    )
if outcome_columns:
    outcomes = programme_outcomes(dataset.patrol_rows, period, shown_ids, outcome_columns)
    st.caption(plain(outcome_line(tuple(outcomes))))
scales = {
    "asb": asb_change_scale,
    "hours": hours_scale,
    "both": bivariate_scale,
}
scale = scales[st.session_state["metric"]]()
tiles = tile_source()
hotspots = dataset.hotspots[dataset.hotspots["hotspot_id"].isin(shown_ids)]
proposed = proposed_for(dataset, str(period), keep_flagged=keep_flagged) if show_proposals else None
if proposed is not None and proposed.problem:
    st.info(f"No {LAYER_NAME.lower()} for this period: {plain(proposed.problem)}.")
if table.empty:
    st.warning("No hotspots to show for this town.")
else:
    map_column, detail_column = st.container(key="map-row").columns([5, 3], gap="medium")
    with map_column:
        hotspot_map(
            key="map", dataset=dataset, table=table, scale=scale, tiles=tiles,
            height=MAP_HEIGHT, focus=shown_town or "",
            selected=None if selected == NO_HOTSPOT else selected,
            on_click=lambda hotspot_id: st.session_state.update(pending_hotspot=hotspot_id),
            proposals=proposed.layer if proposed is not None else None,
            show_proposals=show_proposals,
            playback=playback_for(dataset, period, keep_flagged) if play else None,
            play_seconds=play,
        )  # fmt: skip
        st.html(
            fit_to_window_js("map-row", MAP_LEAST_HEIGHT, MAP_HEIGHT), unsafe_allow_javascript=True
        )
    with detail_column:
        if selected == NO_HOTSPOT:
            st.info(
                "Click a hotspot on the map, or choose one under **Hotspot** in the sidebar, to "
                "see its ASB month by month against last year and its patrol hours week by week.",
                icon=":material/touch_app:",
            )
        else:
            hotspot_detail(dataset, table.set_index("hotspot_id").loc[selected], period)
    if figures.too_few:  # under the map: the map and its legend stay on the first screen
        st.caption(too_few_note(figures))
    if selected != st.session_state.get("detail_shown"):
        st.session_state["detail_shown"] = selected
        if selected != NO_HOTSPOT:
            st.html(scroll_into_view_js("map-row", selected), unsafe_allow_javascript=True)

if below_map_waits(map_shown=not table.empty):
    st.stop()  # the map's first value, sent once it is drawn, reruns the page with the rest
if not table.empty:  # below the map: the map is the first thing seen, and the first sent
    programme_evaluation(
        dataset, evaluation, programme_wdd_for(dataset, period, keep_flagged, shown_town)
    )
    dose_response(table)

st.header("Hotspots shown")
hotspot_table_view(table)
downloads = st.columns(4)
stem = f"hotspots-{period.start}-{period.end}" + ("" if town == ALL_TOWNS else f"-{town}")
downloads[0].download_button(
    "Download table (CSV)",
    lambda: table_csv(plain_table(table.drop(columns=["asb_monthly"]), period)),
    file_name=f"{stem}.csv",
    mime="text/csv",
    on_click="ignore",
)
downloads[1].download_button(
    "Download hotspots (GeoJSON)",
    lambda: hotspots_geojson(hotspots, table.drop(columns=["asb_monthly"])),
    file_name=f"{stem}.geojson",
    mime="application/geo+json",
    on_click="ignore",
)
folder_key = (dataset.store.key, dataset.version, str(period))
for column, kind, mime in (
    (downloads[2], "pdf", "application/pdf"),
    (downloads[3], "png", "image/png"),
):
    column.download_button(
        f"Briefing ({kind.upper()})",
        lambda kind=kind: briefing_file(*folder_key, shown_town, kind, keep_flagged),
        file_name=f"briefing-{stem}.{kind}",
        mime=mime,
        on_click="ignore",
        help="The wall-screen briefing for this town and period as a one-page file.",
    )
st.download_button(
    f"Monthly return for {period.end.strftime('%B %Y')} (Excel)",
    lambda: monthly_return_file(folder_key[0], folder_key[1], str(period.end)),
    file_name=f"monthly-return-{period.end}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    help="Per hotspot and in total for the period's last month: patrol hours by type, visits, "
    "outcomes, ASB and all crime against the same month last year.",
)
if proposed is not None and proposed.proposals is not None:
    proposal_section(proposed.proposals, shown_town, stem)
st.caption(
    f"{OGL_ATTRIBUTION} Crime counts: police.uk street-level data, snapped to anonymous map "
    "points. "
    "A crime counts for a hotspot when its point is inside the polygon or on its edge. "
    + dataset.patrol_source_sentence
)
