"""The data page (`/data`): upload files, see them checked and previewed, commit; data quality.

Layout and widgets only: checking is geo.store.imports, committing and the quality report
geo.app (the same code as `python -m geo import`), whichever store the dataset is kept in.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.analysis.dataset import Dataset
from geo.analysis.quality import FAR_M, QualityReport
from geo.app.configured import data_store
from geo.app.quality import data_quality
from geo.errors import HotspotDataError
from geo.store.imports.changes import SHOWN_CHANGES
from geo.store.imports.files import MAX_UPLOAD_BYTES
from geo.store.imports.staged import SKIPPED_PINGS, Staged
from geo.store.imports.uploads import check_uploads
from geo.view.grid import rounded_as_shown
from geo.view.import_check import CheckNotes, check_notes, findings_shown
from geo.view.preview import preview_map
from geo.view.tiles import tile_source
from geo.words import count_text, plural
from pages._access import change_refusal, current_visitor, gate
from pages._commit import committed, plan_shown
from pages._common import (
    cached_dataset,
    counts_table,
    current_dataset,
    plain,
    plain_table,
    wide_layout,
)
from pages._propose_action import propose_action

wide_layout()
gate()
store = data_store()  # a folder or a database: imports to a database go in one transaction
visitor = current_visitor()
refusal = change_refusal(visitor)  # None: this visitor may import
PATROL_TIMINGS = ["first_visit", "last_visit"]  # importers only: when officers were where
UPLOADERS = ("up_hotspots", "up_crimes", "up_patrols", "up_pings")


def _key(uploader: str) -> str:
    """The uploader's widget key in this round of uploads: a commit starts a new round, so its
    files leave the uploaders and cannot be committed twice."""
    round_number = st.session_state.get("upload_round", 0)
    return uploader if not round_number else f"{uploader}-{round_number}"


def _uploads(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _signature() -> tuple:
    """Which uploads a check was made for: a new upload makes the old check stale."""
    return tuple(
        (key, f.file_id, f.name, f.size)
        for key in map(_key, UPLOADERS)
        for f in _uploads(st.session_state.get(key))
    )


def _notes(staged: Staged) -> CheckNotes:
    """What committing would flag, against the dataset as it is (none readable: no flags yet)."""
    try:
        dataset = cached_dataset()
        current, now = dataset.type_counts, dataset.anomalies
    except HotspotDataError:
        current, now = None, ()
    try:
        return check_notes(staged, store, current, now)
    except HotspotDataError:  # the plan says what stands in the way, and nothing is committed
        return CheckNotes()


def _run_check(hotspots, crimes, patrols, pings) -> None:
    with st.status("Checking files…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")
        staged = check_uploads(
            store,
            hotspots=(hotspots.name, hotspots.getvalue()) if hotspots else None,
            crimes=[(f.name, f.getvalue()) for f in crimes],
            patrols=(patrols.name, patrols.getvalue()) if patrols else None,
            pings=[(f.name, f.getvalue()) for f in pings],
            progress=lambda fraction, text: bar.progress(
                min(max(fraction, 0.0), 1.0), text=plain(text)
            ),
        )
        bar.progress(1.0, text="Looking for months that would be flagged as anomalous")
        notes = _notes(staged)
        bar.progress(1.0, text="Done")
        problems = len(staged.errors)
        flagged = notes.flags.summary()
        status.update(
            label=f"Checked: {count_text(problems, 'problem')}"
            if problems
            else "Checked: ready to commit" + (f"; {flagged} once committed" if flagged else ""),
            state="error" if problems else "complete",
            expanded=False,
        )
    st.session_state["staged"] = staged
    st.session_state["check_notes"] = notes
    st.session_state["staged_for"] = _signature()
    st.session_state.pop("committed", None)


def _findings(staged: Staged) -> None:
    """The problems and warnings found, one a row; a finding about a whole file has no row."""
    table = findings_shown(plain_table(staged.findings_table(), ["file", "problem"]))
    row = st.column_config.TextColumn("row", help="Empty: the finding is about the whole file.")
    st.dataframe(table, hide_index=True, width="stretch", column_config={"row": row})


def _show(staged: Staged, notes: CheckNotes) -> None:
    """Problems, previews, months that would be flagged, and the commit button for a checked
    import."""
    if staged.errors:
        st.error(
            f"**{count_text(len(staged.errors), 'problem')}.** Nothing is imported until every "
            "file is fixed; the dataset folder is unchanged."
        )
        _findings(staged)
        return
    if staged.warnings:
        warnings = len(staged.warnings)
        st.warning(
            f"{count_text(warnings, 'warning')}: the import can go ahead; read "
            f"{'it' if warnings == 1 else 'them'} first."
        )
        _findings(staged)
    if staged.hotspots is not None:
        frame = staged.hotspots.frame
        st.subheader(f"Hotspots: {len(frame):,} from {plain(staged.hotspots.source)}")
        if staged.hotspots.crs:
            st.caption(
                f"Coordinates read as {plain(staged.hotspots.crs)}, stored as longitude/latitude."
            )
        st_folium(
            preview_map(frame, tile_source()),
            key="preview-map",
            height=420,
            use_container_width=True,
            returned_objects=[],
        )
        table = frame.drop(columns="geometry").copy()
        table["started"] = table["started"].dt.strftime("%Y-%m-%d").fillna("")
        st.dataframe(table, hide_index=True, width="stretch")
    if staged.crimes:
        crimes = staged.crimes_table()
        st.subheader(
            f"Crimes: {count_text(int(crimes['rows'].sum()), 'row')} in "
            f"{count_text(crimes['month'].nunique(), 'month')} of "
            f"{count_text(crimes['force'].nunique(), 'force')}"
        )
        counts_table(crimes)
        _flags(notes)
    if staged.patrols is not None:
        visits = staged.patrols.frame
        st.subheader(f"Patrol log: {len(visits):,} visits from {plain(staged.patrols.source)}")
        st.caption("Importing a patrol log replaces the whole log in the dataset.")
        shown = visits[["hotspot_id", "start", "end", "officers", "arrests", "engagements"]]
        st.dataframe(shown.head(200), hide_index=True, width="stretch")
    if staged.pings:
        pings = staged.pings_table()
        skipped = int(pings[SKIPPED_PINGS].sum())
        st.subheader(
            f"GPS pings: {int(pings['pings'].sum()):,} in {count_text(len(pings), 'file')}"
        )
        st.caption(
            "Officer ids are stored as keyed pseudonyms; a file of the same name in the same "
            "month is replaced."
            + (
                f" {count_text(skipped, 'ping')} without a position "
                f"{plural(skipped, 'is', 'are')} stored as given and not counted."
                if skipped
                else ""
            )
        )
        counts_table(pings)
    st.subheader("What committing will do")
    if not plan_shown(staged, store):
        return
    if st.button("Commit to the dataset", type="primary", key="commit"):
        if not committed(staged, store, visitor, "Nothing was imported."):
            return
        st.session_state.pop("staged", None)
        st.session_state.pop("check_notes", None)
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
        st.rerun()


def _flags(notes: CheckNotes) -> None:
    """The months the import would flag as anomalous, and what the figures then leave out."""
    flags = notes.flags
    if flags.new:
        st.warning(
            f"**Once committed, {flags.summary()}.** Unless you choose to count flagged months "
            "on the map page, the figures leave each one out, and the same month a year "
            "earlier or later that it is compared with:\n\n"
            + "\n".join(f"- {plain(line)}" for line in flags.lines()),
            icon=":material/rule:",
        )
    if flags.cleared:
        st.info(
            f"Once committed, {count_text(len(flags.cleared), 'month')} will no longer be "
            "flagged as anomalous: " + plain(", ".join(a.label() for a in flags.cleared)) + "."
        )


@st.cache_data(max_entries=4, show_spinner="Checking the dataset…")
def _quality(key: str, version: str, _dataset: Dataset) -> QualityReport:
    """The report, once per dataset version (keyed on the version: a GeoDataFrame is unhashable)."""
    return data_quality(_dataset)


@st.cache_data(max_entries=4, show_spinner=False)
def _status(key: str, version: str) -> list[str]:
    """What the store holds, once per version (HotspotDataError when it cannot be read)."""
    return store.status_lines()


st.title("Data")
st.caption(
    f"Dataset folder: {plain(store.name)} · "
    f"files up to {MAX_UPLOAD_BYTES // 1024**2} MB each · "
    "hotspots as GeoJSON, GeoPackage, KML or a zipped Shapefile (any declared CRS); police.uk "
    "street CSVs or the police.uk zip; a patrol log CSV; GPS ping CSVs. Text files must be UTF-8."
)
st.page_link("pages/explore.py", label="Back to the map", icon=":material/map:")

if "committed" in st.session_state:
    st.success(
        "Imported. The map now shows the new data.\n\n"
        + "\n".join(f"- {plain(line)}" for line in st.session_state["committed"])
    )

st.header("Import files")
if refusal:
    st.warning(refusal, icon=":material/lock:")
left, middle, right = st.columns(3)
hotspot_upload = left.file_uploader(
    "Hotspot polygons",
    type=["geojson", "json", "gpkg", "zip", "kml"],
    key=_key("up_hotspots"),
    disabled=bool(refusal),
    help="Columns hotspot_id, name, optional town and started. Replaces the dataset's hotspots.",
)
crime_uploads = middle.file_uploader(
    "police.uk crime files",
    type=["csv", "zip"],
    accept_multiple_files=True,
    key=_key("up_crimes"),
    disabled=bool(refusal),
    help="Monthly *-street.csv files or the police.uk archive zip. A month already in the "
    "dataset is replaced, not added twice.",
)
patrol_upload = right.file_uploader(
    "Patrol log",
    type=["csv"],
    key=_key("up_patrols"),
    disabled=bool(refusal),
    help="hotspot_id,start,end,officers,arrests,engagements. Replaces the whole patrol log.",
)
ping_uploads = st.file_uploader(
    "GPS pings",
    type=["csv"],
    accept_multiple_files=True,
    key=_key("up_pings"),
    disabled=bool(refusal),
    help="officer_id,timestamp,longitude,latitude (optional accuracy_m, unit, role). Officer ids "
    "are replaced by keyed pseudonyms; a file of the same name and month is replaced.",
)
anything = bool(hotspot_upload or crime_uploads or patrol_upload or ping_uploads) and not refusal
if st.button("Check files", key="check", disabled=not anything) and anything:
    _run_check(hotspot_upload, crime_uploads or [], patrol_upload, ping_uploads or [])
staged = st.session_state.get("staged")
if not refusal and staged is not None and st.session_state.get("staged_for") == _signature():
    _show(staged, st.session_state.get("check_notes", CheckNotes()))

if refusal:
    st.header("Propose hotspots")
    st.caption("Proposing hotspots to add is for those who may change the data.")
else:
    try:
        proposing = cached_dataset()
    except HotspotDataError:  # the quality report below says what is wrong with it
        proposing = None
    if proposing is not None:
        propose_action(proposing, store, visitor)

st.header("Changes to the data")
if visitor.is_importer:
    st.caption(store.changes_kept)
    try:
        log = store.change_log(SHOWN_CHANGES)
    except HotspotDataError as exc:  # the quality report below says what to do about it
        log = None
        st.warning(f"The log of changes cannot be read: {plain(exc.problem)}")
    if log is not None and log.unreadable:
        st.warning(f"{count_text(log.unreadable, 'line')} of the audit log cannot be read.")
    if log is not None and len(log.table):
        st.dataframe(log.table, hide_index=True, width="stretch")
    elif log is not None:
        st.caption("No commits are recorded yet.")
else:
    st.caption("The log of changes to the data is shown to importers.")

st.header("Data quality")
st.caption(
    "Counts for the dataset as it is now. Crime rows far from every hotspot are those more than "
    f"{FAR_M:,} m from the nearest one."
)
dataset = current_dataset()  # last on the page: on an unreadable dataset it says so and stops
st.caption("What the store holds: " + plain("; ".join(_status(store.key, dataset.version)[:1])))
report = _quality(dataset.store.key, dataset.version, dataset)
counts_table(report.summary())
patrols_outside = report.patrols_outside
if not visitor.is_importer:
    patrols_outside = patrols_outside.drop(columns=PATROL_TIMINGS, errors="ignore")
details = [
    (
        "Rows without a location, by month",
        report.no_location_by_month if report.no_location else [],
    ),
    ("Months held twice", report.duplicate_months),
    ("Hotspots with no crime in a period", report.quiet_hotspots),
    ("Overlapping hotspots", report.overlaps),
    ("Patrol visits outside programme dates", patrols_outside),
    ("Patrol log rows to look at", report.patrol_problems[["problem", "detail"]]),
    ("Months flagged as anomalous", report.anomaly_table()),
]
for title, table in details:
    if len(table):
        with st.expander(f"{title} ({len(table):,})"):
            st.dataframe(rounded_as_shown(pd.DataFrame(table)), hide_index=True, width="stretch")
if report.missing_months:
    st.warning("No crime data for " + ", ".join(report.missing_months) + ".")
if report.anomalies:
    st.warning(
        f"Flagged as anomalous: {count_text(len(report.anomalies), 'month')} of a crime type. "
        "Unless you choose to count flagged months on the map page, each is left out of both "
        "years of the figures it affects: " + plain("; ".join(a.line() for a in report.anomalies))
    )
