"""Proposed hotspots for the map page's layer and the data page's action: computed once per
dataset version and period (they take a few seconds: every crime row is read again with its
Location text), for every session."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from geo.analysis.dataset import Dataset
from geo.analysis.proposals import DEFAULT_PLACES, ProposalRules, Proposals, propose
from geo.app.proposals import dataset_source
from geo.errors import HotspotDataError
from geo.io.hotspot_layers import layer_geojson
from geo.view.proposal_layer import LAYER_NAME, ProposalLayer, proposal_layer
from pages._common import plain


@dataclass(frozen=True)
class Proposed:
    """The proposals of a period and their layer for the map, or why there are none."""

    proposals: Proposals | None
    layer: ProposalLayer | None
    problem: str = ""


@st.cache_resource(max_entries=8, show_spinner="Proposing hotspots from the period's ASB…")
def _proposed(place: str, version: str, period: str, places: int, keep_flagged: bool) -> Proposed:
    """The proposals of the dataset whose store's key is `place` for one period, once per
    version (`version` keys the cache)."""
    try:
        rules = ProposalRules(places=places)
        proposals = propose(dataset_source(place), None, period, rules, keep_flagged)
    except HotspotDataError as exc:
        return Proposed(None, None, str(exc))
    return Proposed(proposals, proposal_layer(proposals.frame))


def proposed_for(
    dataset: Dataset, period: str, places: int = DEFAULT_PLACES, keep_flagged: bool = False
) -> Proposed:
    """Proposed hotspots of the dataset's ASB in `period` (START:END), at most `places`, kept
    clear of its hotspots, flagged months left out unless `keep_flagged` (cached)."""
    return _proposed(dataset.store.key, dataset.version, period, places, keep_flagged)


PROPOSAL_COLUMNS = {
    "hotspot_id": "Id",
    "name": "Place",
    "town": "Town",
    "incidents": st.column_config.NumberColumn("ASB reports", format="localized"),
    "share_pct": st.column_config.NumberColumn(
        "Share of the period's ASB", format="%.2f%%", help="Of the period's located ASB reports."
    ),
    "months_hot": st.column_config.NumberColumn(
        "Months with ASB", help="Months of the period with at least one report inside."
    ),
    "months": st.column_config.NumberColumn("Months counted"),
    "gi_z": st.column_config.NumberColumn(
        "Gi* z", format="%.1f", help="Getis–Ord Gi* z of its busiest 50 m square."
    ),
    "density_km2": st.column_config.NumberColumn("Reports per km²", format="localized"),
    "area_km2": st.column_config.NumberColumn("Area km²", format="%.4f"),
}
"""The columns of a table of proposals, in a manager's words."""


def proposal_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The proposals' figures for a table (shown as text, never as markup): the columns of
    PROPOSAL_COLUMNS."""
    rows = pd.DataFrame(frame.drop(columns="geometry"))[list(PROPOSAL_COLUMNS)]
    return rows.assign(density_km2=rows["density_km2"].round().astype("Int64"))


def proposal_section(proposals: Proposals, town: str | None, stem: str) -> None:
    """Under the map, when the layer is shown: the proposals of the town shown (all when None)
    as a table (what the map's tooltips say, for keyboard and screen reader too), and the
    download `geo import hotspots` takes."""
    frame = proposals.frame
    if town is not None:
        frame = frame[frame["town"] == town]
    st.header(LAYER_NAME)
    st.caption(
        plain(proposals.line())
        + (f"; {len(frame)} of them near {plain(town)}" if town is not None else "")
        + ". Add chosen ones to the hotspots on the data page, under **Propose hotspots**."
    )
    st.dataframe(
        proposal_rows(frame), hide_index=True, width="stretch", column_config=PROPOSAL_COLUMNS
    )
    st.download_button(
        f"Download {LAYER_NAME.lower()} (GeoJSON)",
        lambda: layer_geojson(frame),
        file_name=f"proposed-{stem}.geojson",
        mime="application/geo+json",
        on_click="ignore",
        disabled=frame.empty,
        help="A hotspot file as `python -m geo import hotspots` takes it: hotspot_id, name, "
        "town and each place's figures.",
    )
