"""What every page shares: the cached dataset, cached figures, and the data notices."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from geo.analysis.anomalies import RULES
from geo.analysis.dataset import Dataset
from geo.analysis.evaluation import programme_wdd, with_q
from geo.analysis.figures import ProgrammeFigures
from geo.analysis.outcomes import with_hotspot_outcomes
from geo.analysis.programme import ProgrammeEvaluation, programme_evaluation
from geo.analysis.stats import WDDResult
from geo.app.configured import data_folder, data_store
from geo.app.load import load_dataset
from geo.errors import HotspotDataError
from geo.period import Period
from geo.store.interface import Store
from geo.store.layout import HOTSPOT_FILES
from geo.store.location_text import shown_location
from geo.view.briefing import briefing_page, left_out_note
from geo.view.briefing_file import render
from geo.view.links import FLAGGED_PARAM
from geo.view.shown import markdown_text, without_server_paths

OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)


def counts_table(frame: pd.DataFrame) -> None:
    """A full-width table whose whole-number columns are written with thousands separators
    (8,884 rows, as the headings above them write their totals)."""
    counts = {
        column: st.column_config.NumberColumn(format="localized")
        for column in frame.columns
        if pd.api.types.is_integer_dtype(frame[column])
    }
    st.dataframe(frame, hide_index=True, width="stretch", column_config=counts)


def wide_layout() -> None:
    """The wide layout, asked for by each page: asked for only in app.py, a page opened first by
    its own address on a freshly started app (/data) is drawn in Streamlit's narrow column."""
    st.set_page_config(layout="wide")


@st.cache_resource(show_spinner="Reading and counting the dataset…", max_entries=3)
def _load(key: str, version: str) -> Dataset:
    """One read and aggregation per store (its key) and version (files, sizes, modification
    times; a database's import counter)."""
    return load_dataset(key)


FOCUS_CSS = """<style>
a:focus-visible, button:focus-visible, div[data-focus-visible="true"],
[data-testid="stRadio"] label:has(input:focus-visible),
[data-testid="stCheckbox"] label:has(input:focus-visible) {
  outline: 3px solid #1a5fb4 !important; outline-offset: 2px;
}
</style>"""
"""A clear ring on whatever the keyboard has reached (streamlit's own is faint on some widgets)."""


def plain(text: object) -> str:
    """File-derived text for elements that render Markdown: every markup character escaped,
    so a name such as `*Heanor*` shows as written, and server paths hidden."""
    return markdown_text(text, data_folder())


def plain_table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A table for the browser with server paths hidden in its text `columns`."""
    shown = frame.copy()
    for column in columns:
        shown[column] = shown[column].map(lambda t: without_server_paths(t, data_folder()))
    return shown


def cached_dataset() -> Dataset:
    """The dataset of `HOTSPOT_DATA` from the cache (read on the first call of its version)."""
    store = data_store()
    return _load(store.key, store.version())


def current_dataset() -> Dataset:
    """The dataset of `HOTSPOT_DATA`; a plain message and a stop when it cannot be read."""
    store = data_store()
    try:
        dataset = cached_dataset()
    except HotspotDataError as exc:
        st.error(f"The dataset cannot be shown. {plain(exc)}")
        folder_help(store)
        st.stop()
        raise
    for note in dataset.notes:
        st.warning(plain(note[:1].upper() + note[1:]), icon=":material/history:")
    return dataset


def folder_help(store: Store) -> None:
    """What a dataset folder needs and where to go next, under a read error."""
    st.markdown(
        f"**The app reads the dataset folder** {plain(shown_location(store.key))} (set by "
        "`HOTSPOT_DATA`). It needs:\n\n"
        f"- a hotspots file, one of {', '.join(f'`{name}`' for name in HOTSPOT_FILES)}: one "
        "polygon per hotspot, with a `hotspot_id` and a `name` (and optionally a `town`);\n"
        "- a `crimes/` folder with police.uk street-level crime files, as downloaded (monthly "
        "folders of files named like `2024-10-derbyshire-street.csv`);\n"
        "- optionally `patrols.csv`: one row per patrol visit.\n\n"
        "Upload these on the data page, which checks them first and says what to fix, or point "
        "`HOTSPOT_DATA` at a folder that has them (`.venv/bin/python -m geo sample` writes "
        "an example)."
    )
    st.page_link("pages/data.py", label="Import data and check quality", icon=":material/upload:")


def last_good_dataset() -> tuple[Dataset | None, str]:
    """The dataset for an unattended screen: on a read problem, the last good one and a note."""
    store = data_store()
    try:
        dataset = _load(store.key, store.version())
    except HotspotDataError as exc:
        previous = st.session_state.get("last_good_dataset")
        note = f"New data could not be read ({exc}); showing the last good data."
        return previous, note if previous is not None else str(exc)
    st.session_state["last_good_dataset"] = dataset
    return dataset, " ".join(note[:1].upper() + note[1:] + "." for note in dataset.notes)


@st.cache_data(max_entries=16, show_spinner=False)
def briefing_file(
    folder: str, version: str, period: str, town: str | None, kind: str, keep: bool = False
) -> bytes:
    """The briefing as PDF or PNG bytes, drawn once per dataset version, period and town."""
    page = briefing_page(_load(folder, version), Period.parse(period), town, keep_flagged=keep)
    return render(page, kind)


@st.cache_data(max_entries=16, show_spinner=False)
def monthly_return_file(folder: str, version: str, month: str) -> bytes:
    """The monthly return as an Excel workbook, made once per dataset version and month."""
    from geo.analysis.monthly_return import monthly_return
    from geo.period import parse_month
    from geo.view.return_file import return_xlsx

    return return_xlsx(monthly_return(_load(folder, version), parse_month(month)))


@st.cache_data(max_entries=64, show_spinner=False)
def evaluation_table_cached(
    folder: str, version: str, period: str, keep_flagged: bool = False
) -> pd.DataFrame:
    """Per-hotspot figures with significance, WDD, dosage and trend, once per version and period."""
    return _load(folder, version).table(Period.parse(period), keep_flagged)


def evaluation_for(dataset: Dataset, period: Period, keep_flagged: bool = False) -> pd.DataFrame:
    """The evaluated per-hotspot table of `dataset` for `period` (cached)."""
    return evaluation_table_cached(dataset.store.key, dataset.version, str(period), keep_flagged)


@st.cache_data(max_entries=64, show_spinner=False)
def programme_evaluation_cached(
    folder: str, version: str, period: str, keep_flagged: bool = False, town: str | None = None
) -> ProgrammeEvaluation:
    """The programme evaluation of the hotspots of `town` (all when None) for the period, the
    verdict's source, once per version, period and town."""
    dataset = _load(folder, version)
    table = evaluation_table_cached(folder, version, period, keep_flagged)
    if town is not None:
        table = table[table["town"] == town]
    context = dataset.context(Period.parse(period), keep_flagged)
    return programme_evaluation(with_q(table), dataset.counts, dataset.areas, context)


def programme_evaluation_for(
    dataset: Dataset, period: Period, keep_flagged: bool = False, town: str | None = None
) -> ProgrammeEvaluation:
    """The programme evaluation of `town`'s hotspots (all when None) for `period` (cached)."""
    return programme_evaluation_cached(
        dataset.store.key, dataset.version, str(period), keep_flagged, town
    )


@st.cache_data(max_entries=64, show_spinner=False)
def programme_wdd_cached(
    folder: str, version: str, period: str, keep_flagged: bool = False, town: str | None = None
) -> WDDResult | None:
    """The WDD test of the hotspots of `town` (all when None) taken together, with their rings,
    once per version, period and town."""
    dataset = _load(folder, version)
    table = evaluation_table_cached(folder, version, period, keep_flagged)
    if town is not None:
        table = table[table["town"] == town]
    context = dataset.context(Period.parse(period), keep_flagged)
    ids = list(table["hotspot_id"])
    return programme_wdd(dataset.counts, dataset.areas, context, ids, table)


def programme_wdd_for(
    dataset: Dataset, period: Period, keep_flagged: bool = False, town: str | None = None
) -> WDDResult | None:
    """The WDD test of `town`'s hotspots (all when None) for `period` (cached)."""
    return programme_wdd_cached(dataset.store.key, dataset.version, str(period), keep_flagged, town)


@st.cache_data(max_entries=64, show_spinner=False)
def outcomes_table_cached(
    folder: str, version: str, period: str, keep_flagged: bool = False
) -> tuple[pd.DataFrame, list[str]]:
    """The evaluated table with a column for each optional outcome the patrol log records, and
    those columns (see with_hotspot_outcomes), once per version and period."""
    dataset = _load(folder, version)
    table = evaluation_table_cached(folder, version, period, keep_flagged)
    return with_hotspot_outcomes(table, dataset.patrol_rows, Period.parse(period))


def outcomes_table_for(
    dataset: Dataset, period: Period, keep_flagged: bool = False
) -> tuple[pd.DataFrame, list[str]]:
    """`evaluation_for` with the hotspots' optional outcome columns, and those columns (cached:
    a rerun that changes only the metric or the hotspot adds nothing up again)."""
    return outcomes_table_cached(dataset.store.key, dataset.version, str(period), keep_flagged)


KEEP_PARAM = FLAGGED_PARAM


def keep_flagged_from_url() -> bool:
    """Whether the link asks to count flagged months (`flagged=keep`)."""
    return st.query_params.get(KEEP_PARAM) == "keep"


def anomaly_notice(dataset: Dataset, figures: ProgrammeFigures, keep_flagged: bool) -> None:
    """Say which months are flagged and which the figures leave out of both years."""
    if not dataset.anomalies:
        if figures.late_starters:
            st.info(plain(left_out_note(figures)) + ".", icon=":material/event:")
        return
    labels = ", ".join(plain(a.label()) for a in dataset.anomalies)
    note = left_out_note(figures)
    if keep_flagged:
        what = "They are **counted** in these figures, as you chose."
    else:
        what = plain(note) + "." if note else "None falls in this period or its baseline."
    st.warning(f"**Months flagged as anomalous:** {labels}. {what}", icon=":material/rule:")
    with st.expander("Why these months are flagged"):  # closed: the map stays on the first screen
        st.markdown(
            "\n".join(f"- {plain(a.line())}" for a in dataset.anomalies)
            + f"\n\nEach month of each crime type is {plain(RULES)}."
        )


def period_problem(dataset: Dataset, period: Period) -> str:
    """Why a period cannot be compared with its baseline; '' when it can."""
    try:
        dataset.check_period(period)
    except HotspotDataError as exc:
        return str(exc)
    return ""


def sample_notice(dataset: Dataset) -> None:
    """Say plainly when the figures are the generated sample, not police data."""
    if dataset.is_sample:
        st.info(
            "**Sample data.** These hotspots, crimes and patrols are generated by "
            "`.venv/bin/python -m geo sample` to show how the app works; they are not real police "
            "data. Set `HOTSPOT_DATA` to a dataset folder to show your own.",
            icon=":material/science:",
        )


def history_navigation() -> bool:
    """Whether this run was started by the browser's Back or Forward, when the address names the
    view to show. Any other run may carry an address older than the changes of the runs before it
    (a click made while the page was still running): there, the controls say what to show."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.is_history_navigation)


_BELOW_MAP_SENT = "below_map_sent"


def below_map_waits(map_shown: bool) -> bool:
    """True on a browser session's first run: the page stops after the map, so the browser loads
    and draws it before the charts, table and downloads below it, whose scripts (about 2 MB)
    otherwise load and run at the same time; the map's first value (which outlines it holds,
    sent once it has drawn them) reruns the page with them. Never when there is no map, nor
    without a browser to draw it."""
    first = _BELOW_MAP_SENT not in st.session_state
    st.session_state[_BELOW_MAP_SENT] = True
    waits = first and map_shown and bool(st.context.headers)
    if waits:
        st.session_state[_BACKSTOP_ARMED] = True
        _below_map_backstop()
    return waits


BELOW_MAP_BACKSTOP_S = 5
"""Seconds after which the page reruns with what is below the map even if the map never says it
has drawn (its frame failed): the browser ends the timer at the rerun the map starts."""
_BACKSTOP_ARMED = "below_map_backstop_armed"


@st.fragment(run_every=BELOW_MAP_BACKSTOP_S)
def _below_map_backstop() -> None:
    """Nothing in the run that arms it; run again by the browser's timer, the whole page."""
    if not st.session_state.pop(_BACKSTOP_ARMED, False):
        st.rerun()
