"""The data page's "Propose hotspots" action: proposals of a period previewed on a map and in a
table, the ones ticked added to the current hotspots through the ordinary import (the same
checks as an upload, the same commit, the same audit log).

An import replaces the hotspots whole, so adding proposals imports the current hotspots
unchanged with the chosen ones after them (geo.io.hotspot_layers): every hotspot id the patrol
log names is still there, and the import's check that it is holds as for any upload.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from geo.access import Visitor
from geo.analysis.dataset import Dataset
from geo.analysis.proposals import DEFAULT_MONTHS, DEFAULT_PLACES
from geo.app.load import dataset_version
from geo.crs import WGS84
from geo.errors import HotspotDataError
from geo.io.hotspot_layers import free_ids, layer_geojson, with_proposals
from geo.period import Period, parse_months
from geo.store.imports.staged import Staged
from geo.store.imports.uploads import check_uploads
from geo.store.interface import Store
from geo.view.import_check import findings_shown
from geo.view.preview import preview_map
from geo.view.tiles import tile_source
from geo.words import count_text
from pages._commit import committed, plan_shown
from pages._common import plain, plain_table
from pages._proposals import PROPOSAL_COLUMNS, proposal_rows, proposed_for

MOST_PLACES = 100
"""The most proposals the page asks for at once (the command line takes more)."""
ADD = "add"


def _first_of_next_month(today: date) -> date:
    return (pd.Period(today, freq="M") + 1).start_time.date()


def _request(dataset: Dataset) -> tuple[str, int] | None:
    """The period and number of proposals asked for, once the button is pressed (kept for the
    runs after it)."""
    months = [str(m) for m in dataset.counts.months]
    if not months:
        st.info("The dataset holds no crime data to propose hotspots from.")
        return None
    left, right = st.columns([3, 1])
    period = left.select_slider(
        "Period to propose from (whole months of ASB)",
        options=months,
        value=(months[max(0, len(months) - DEFAULT_MONTHS)], months[-1]),
        key="propose_period",
    )
    places = right.number_input(
        "At most", min_value=1, max_value=MOST_PLACES, value=DEFAULT_PLACES, step=1,
        key="propose_places", help="How many places to propose.",
    )  # fmt: skip
    if st.button("Propose hotspots", key="propose", icon=":material/add_location_alt:"):
        st.session_state["propose_request"] = (f"{period[0]}:{period[1]}", int(places))
        st.session_state.pop("proposal_staged", None)
    return st.session_state.get("propose_request")


def propose_action(dataset: Dataset, store: Store, visitor: Visitor) -> None:
    """The section, for a visitor who may change the data: ask, preview, choose, check and
    commit."""
    st.header("Propose hotspots")
    st.caption(
        "Small places where ASB concentrated and kept concentrating in a period, outside the "
        "current hotspots, ranked by the reports they held (how they are chosen, and how well "
        "they foretold the next year on real data: *Choosing hotspots* in the documentation). "
        "Tick the ones to add: they are added to the current hotspots, which stay as they are, "
        "through the same checks as an upload."
    )
    request = _request(dataset)
    if request is None:
        return
    period, places = request
    proposed = proposed_for(dataset, period, places)
    if proposed.problem:
        st.warning(f"No hotspots can be proposed: {plain(proposed.problem)}.")
        return
    frame = proposed.proposals.frame
    label = Period(*parse_months(period)).label()
    st.subheader(f"{count_text(len(frame), 'proposed hotspot')}, {label}")
    st.caption(plain(proposed.proposals.line()) + ".")
    from streamlit_folium import st_folium  # declares its component: inside a page run only

    st_folium(
        preview_map(frame.to_crs(WGS84), tile_source()),
        key="proposal-preview-map",
        height=420,
        use_container_width=True,
        returned_objects=[],
    )
    ids = free_ids(list(frame["hotspot_id"]), set(dataset.hotspots["hotspot_id"]))
    table = proposal_rows(frame).assign(added_as=ids)
    table.insert(0, ADD, False)
    chosen_rows = st.data_editor(
        table,
        key=f"proposal-choice-{period}-{places}-{dataset.version}",
        hide_index=True,
        width="stretch",
        disabled=[c for c in table.columns if c != ADD],
        column_config={
            ADD: st.column_config.CheckboxColumn("Add", help="Tick to add it to the hotspots."),
            "added_as": st.column_config.TextColumn(
                "Added as", help="Its hotspot_id once added (a suffix when the id is taken)."
            ),
            **PROPOSAL_COLUMNS,
        },
    )
    chosen = frame[chosen_rows[ADD].to_numpy(dtype=bool)]
    started = st.date_input(
        "Patrols in the added hotspots start on",
        value=_first_of_next_month(date.today()),
        key="propose_started",
        help="Their `started` date: each one's figures count from that month (and the same "
        "months a year earlier).",
    )
    signature = (request, tuple(chosen["hotspot_id"]), str(started), dataset.version)
    if st.button(
        f"Check the {count_text(len(chosen), 'chosen proposal')}",
        key="check-proposals",
        disabled=chosen.empty,
    ):
        _check(dataset, store, chosen, started, signature)
    checked = st.session_state.get("proposal_staged")
    if checked is not None and checked[0] == signature:
        _show(checked[1], store, visitor, signature, len(dataset.hotspots), len(chosen))


def _check(
    dataset: Dataset, store: Store, chosen: pd.DataFrame, started: date, signature: tuple
) -> None:
    """The current hotspots with the chosen proposals, checked as an upload of them would be."""
    with st.spinner("Checking the hotspots with the chosen proposals…"):
        try:
            layer = with_proposals(dataset.hotspots, chosen, started)
        except HotspotDataError as exc:
            st.error(plain(exc))
            return
        start, end = signature[0][0].split(":")
        name = f"hotspots-and-{len(chosen)}-proposed-{start}-{end}.geojson"
        staged = check_uploads(store, hotspots=(name, layer_geojson(layer)))
    st.session_state["proposal_staged"] = (signature, staged)


def _show(
    staged: Staged,
    store: Store,
    visitor: Visitor,
    signature: tuple,
    current: int,
    added: int,
) -> None:
    """What the check found and what committing will do; the commit."""
    findings = findings_shown(plain_table(staged.findings_table(), ["file", "problem"]))
    if staged.errors:
        st.error(
            f"**{count_text(len(staged.errors), 'problem')}.** Nothing is added; the dataset is "
            "unchanged."
        )
        st.dataframe(findings, hide_index=True, width="stretch")
        return
    if staged.warnings:
        st.warning(f"{count_text(len(staged.warnings), 'warning')}: read before adding.")
        st.dataframe(findings, hide_index=True, width="stretch")
    st.caption(
        f"The {count_text(current, 'current hotspot')} stay as they are; "
        f"{count_text(added, 'proposal')} {'is' if added == 1 else 'are'} added after them."
    )
    if not plan_shown(staged, store):
        return
    if not st.button("Add to the hotspots", type="primary", key="commit-proposals"):
        return
    if dataset_version(store) != signature[-1]:
        st.error(
            "Nothing was added: the dataset changed since these proposals were made. Propose "
            "again and check the ones to add."
        )
        return
    if not committed(staged, store, visitor, "Nothing was added."):
        return
    for key in ("proposal_staged", "propose_request"):
        st.session_state.pop(key, None)
    st.rerun()
