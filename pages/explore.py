"""The map page (`/`): hotspots coloured by ASB change or patrol hours, with detail and table."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.analysis.evaluation import programme_wdd
from geo.analysis.figures import programme_figures
from geo.errors import HotspotDataError
from geo.period import Period
from geo.view.export import hotspots_geojson, table_csv
from geo.view.mapping import build_map, format_change, selection_outline
from geo.view.scales import asb_change_scale, bivariate_scale, hours_scale
from geo.view.tiles import tile_source
from pages._common import (
    OGL_ATTRIBUTION,
    briefing_file,
    current_dataset,
    evaluation_for,
    plain,
    sample_notice,
)
from pages._sections import dose_response, hotspot_detail, hotspot_table_view, programme_evaluation

METRICS = {
    "asb": "ASB change %",
    "hours": "Officer patrol hours",
    "both": "Both: hours × ASB change",
}
ALL_TOWNS = "All towns"
NO_HOTSPOT = "—"

dataset = current_dataset()
params = st.query_params


def _initial(key: str, value: str) -> None:
    """Seed a widget from the URL the first time the page runs in a session."""
    if key not in st.session_state:
        st.session_state[key] = value


def _period_from_url() -> Period:
    text = params.get("period")
    if text:
        try:
            return dataset.checked_period(Period.parse(text))
        except HotspotDataError as exc:
            st.warning(f"Ignoring the period in the link: {plain(exc)}")
    return dataset.default_period


months = [str(m) for m in dataset.counts.months]
url_period = _period_from_url()
_initial("metric", params.get("metric", "asb") if params.get("metric") in METRICS else "asb")
_initial("town", params.get("town") if params.get("town") in dataset.towns else ALL_TOWNS)
_initial("period", (str(url_period.start), str(url_period.end)))
if st.session_state["period"][0] not in months or st.session_state["period"][1] not in months:
    st.session_state["period"] = (
        str(dataset.default_period.start),
        str(dataset.default_period.end),
    )
ids = list(dataset.hotspots["hotspot_id"])
_initial("hotspot", params.get("hotspot") if params.get("hotspot") in ids else NO_HOTSPOT)
if "pending_hotspot" in st.session_state:
    st.session_state["hotspot"] = st.session_state.pop("pending_hotspot")

with st.sidebar:
    st.page_link("pages/briefing.py", label="Wall-screen briefing", icon=":material/tv:")
    st.page_link("pages/data.py", label="Import data and check quality", icon=":material/upload:")
    st.header("Show")
    st.radio("Colour hotspots by", list(METRICS), format_func=METRICS.get, key="metric")
    st.selectbox("Town", [ALL_TOWNS, *dataset.towns], key="town")
    st.select_slider(
        "Period (whole months, compared with the same months a year earlier)",
        options=months,
        key="period",
    )

period = Period.parse(":".join(st.session_state["period"]))
town = st.session_state["town"]
table = evaluation_for(dataset, period)
if town != ALL_TOWNS:
    table = table[table["town"] == town]
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

query = {"metric": st.session_state["metric"], "period": str(period)}
if town != ALL_TOWNS:
    query["town"] = town
if selected != NO_HOTSPOT:
    query["hotspot"] = selected
if dict(params) != query:
    params.from_dict(query)

st.title("Hotspot patrol map")
st.caption(
    f"{period.label()} compared with {period.before.label()} · data up to "
    f"{dataset.last_month.strftime('%B %Y')} · {len(table)} hotspots"
    + ("" if town == ALL_TOWNS else f" in {plain(town)}")
)
sample_notice(dataset)

figures = programme_figures(table, dataset.counts, period)
if figures.missing_months:
    st.warning(
        "No crime data for "
        + ", ".join(figures.missing_months)
        + ": changes involving those months are understated."
    )
cols = st.columns(5)
cols[0].metric(
    "Officer patrol hours",
    f"{figures.officer_hours:,.0f}",
    help=f"{figures.visits:,} visits; hours = (end − start) × officers",
)
cols[1].metric("Arrests", f"{figures.arrests:,}")
cols[2].metric("People spoken to", f"{figures.engagements:,}")
cols[3].metric(
    "ASB change, mean of hotspots",
    format_change(figures.asb_mean_change_pct),
    help=(
        f"Mean of {figures.asb_mean_over} hotspots' own changes. Pooled: ASB "
        f"{figures.asb_before:,} → {figures.asb_after:,} "
        f"({format_change(figures.asb_pooled_change_pct)}). Largest reduction "
        f"{format_change(figures.asb_largest_reduction_pct)} at "
        f"{plain(figures.asb_largest_reduction_where)}."
    ),
)
cols[4].metric(
    "All crime in hotspots",
    format_change(figures.crime_change_pct),
    help=(
        f"{figures.crime_before:,} → {figures.crime_after:,}, each crime counted once. "
        f"Forcewide: {figures.force_crime_before:,} → {figures.force_crime_after:,} "
        f"({format_change(figures.force_crime_change_pct)})."
    ),
)
st.caption(
    f"Largest ASB reduction: {format_change(figures.asb_largest_reduction_pct)} at "
    f"{plain(figures.asb_largest_reduction_where or 'none')} · pooled ASB change "
    f"{format_change(figures.asb_pooled_change_pct)} · forcewide all crime "
    f"{format_change(figures.force_crime_change_pct)}"
    + (
        f" · {figures.too_few} hotspot(s) had too few ASB reports to tell; they are not ranked"
        if figures.too_few
        else ""
    )
)
if not table.empty:
    programme_evaluation(
        dataset, table, programme_wdd(dataset.counts, dataset.areas, period, shown_ids)
    )

scales = {
    "asb": asb_change_scale,
    "hours": lambda: hours_scale(table["officer_hours"]),
    "both": lambda: bivariate_scale(table["officer_hours"]),
}
scale = scales[st.session_state["metric"]]()
tiles = tile_source()
hotspots = dataset.hotspots[dataset.hotspots["hotspot_id"].isin(shown_ids)]
if table.empty:
    st.warning("No hotspots to show for this town.")
else:
    fmap = build_map(hotspots, table, scale, tiles)
    clicked = st_folium(
        fmap,
        key="map",
        height=620,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        feature_group_to_add=selection_outline(hotspots, selected),
    )
    drawing = (clicked or {}).get("last_active_drawing") or {}
    key = (drawing.get("properties") or {}).get("key")
    if key is not None and st.session_state.get("last_click") != drawing:
        st.session_state["last_click"] = drawing
        st.session_state["pending_hotspot"] = shown_ids[int(key)]
        st.rerun()

if selected != NO_HOTSPOT:
    hotspot_detail(dataset, table.set_index("hotspot_id").loc[selected], period)

if not table.empty:
    dose_response(table)

st.subheader("Hotspots shown")
hotspot_table_view(table)
downloads = st.columns(4)
stem = f"hotspots-{period.start}-{period.end}" + ("" if town == ALL_TOWNS else f"-{town}")
downloads[0].download_button(
    "Download table (CSV)",
    lambda: table_csv(table.drop(columns=["asb_monthly"])),
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
folder_key = (str(dataset.folder.resolve()), dataset.version, str(period))
briefing_town = None if town == ALL_TOWNS else town
for column, kind, mime in (
    (downloads[2], "pdf", "application/pdf"),
    (downloads[3], "png", "image/png"),
):
    column.download_button(
        f"Briefing ({kind.upper()})",
        lambda kind=kind: briefing_file(*folder_key, briefing_town, kind),
        file_name=f"briefing-{stem}.{kind}",
        mime=mime,
        on_click="ignore",
        help="The wall-screen briefing for this town and period as a one-page file.",
    )
st.caption(
    f"{OGL_ATTRIBUTION} Crime counts: police.uk street-level data, snapped to anonymous map "
    "points. "
    "A crime counts for a hotspot when its point is inside the polygon or on its edge."
)
