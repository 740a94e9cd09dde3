"""The hotspot map of the map page and the wall: one Leaflet map in a frame of the app's own
(geo/view/js/index.html, a Streamlit component with no build step) that stays alive across the
page's reruns. The outlines are sent once per set of outlines; every run after sends only what
the hotspots look like (geo.view.map_frame), and the frame restyles them in place.

The frame's value says which outlines it holds (`geometry`, a digest) and its last click; the
outlines are sent again only when they change or the frame says it holds none (a new frame).
The proposed hotspots (`proposals`) and a playback's months (`playback`) are sent the same way:
once, then only their digest, so showing them, hiding them or any other change sends neither.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

import geo.view
from geo.analysis.dataset import Dataset
from geo.view.map_frame import (
    FrameGeometry,
    frame_geometry,
    frame_legend,
    frame_options,
    frame_styles,
)
from geo.view.mapping import MapStyle
from geo.view.playback import Playback, playback_legend_html, playback_options
from geo.view.proposal_layer import ProposalLayer, proposal_legend_row
from geo.view.scales import BivariateScale, Scale, month_change_scale
from geo.view.tiles import TileSource

FRAME_FILES = Path(geo.view.__file__).parent / "js"
"""The frame's page and scripts, served by the app itself (index.html loads Leaflet from the
app's vendored copy)."""
COMPONENT = "hotspot_map"
FRAME_TITLE = f"{__name__}.{COMPONENT}"
"""The frame's title in the page (Streamlit names a component's frame after it)."""


@st.cache_resource(max_entries=4, show_spinner=False)
def _geometry(store: str, version: str, _hotspots: gpd.GeoDataFrame) -> FrameGeometry:
    """The outlines of a dataset version, encoded once for every session."""
    return frame_geometry(_hotspots)


def dataset_geometry(dataset: Dataset) -> FrameGeometry:
    """The outlines of `dataset` as the frame is sent them (cached per dataset version)."""
    return _geometry(dataset.store.key, dataset.version, dataset.hotspots)


def hotspot_map(
    *,
    key: str,
    dataset: Dataset,
    table: pd.DataFrame,
    scale: Scale | BivariateScale,
    tiles: TileSource,
    height: int,
    style: MapStyle | None = None,
    focus: str = "",
    follow: str | None = None,
    selected: str | None = None,
    legend: bool = True,
    wall: bool = False,
    on_click: Callable[[str], None] | None = None,
    proposals: ProposalLayer | None = None,
    show_proposals: bool = False,
    playback: Playback | None = None,
    play_seconds: int = 0,
) -> None:
    """Draw (or restyle) the map `key`: all hotspots of `dataset` known to the frame, those of
    `table` shown in their colours under `scale`, fitted to the town `focus` ("" for
    all shown) or, with `follow`, to the town named by the `data-town` of the page's element
    matching that selector; `style` sizes names and dots (the browser's by default). A click on a
    hotspot calls `on_click` with its id before the next run. `proposals`, when given, are held
    by the frame and drawn when `show_proposals`; `playback`, when given, colours the hotspots
    month by month, `play_seconds` each, in place of `scale`."""
    style = style or MapStyle()
    geometry = dataset_geometry(dataset)
    value = st.session_state.get(key) or {}
    component = components.declare_component(COMPONENT, path=str(FRAME_FILES))
    extra = proposal_legend_row() if proposals is not None and show_proposals else ""
    if not legend:
        shown_legend = ""
    elif playback is not None:
        shown_legend = playback_legend_html(month_change_scale(), style, extra)
    else:
        shown_legend = frame_legend(table, scale, style, extra)

    def clicked() -> None:
        click = (st.session_state.get(key) or {}).get("click")
        if on_click is not None and click and click != st.session_state.get(f"{key}-click"):
            st.session_state[f"{key}-click"] = click
            on_click(str(click["id"]))

    component(
        key=key,
        default=None,
        on_change=clicked,
        height=height,
        geometry=None if value.get("geometry") == geometry.key else geometry.text,
        geometry_key=geometry.key,
        styles=frame_styles(table, scale),
        legend=shown_legend,
        options=frame_options(tiles, style, wall),
        proposals=_unless_held(proposals, value.get("proposals")),
        proposals_key=proposals.key if proposals is not None else "",
        proposals_shown=show_proposals,
        play=_unless_held(playback, value.get("playback")),
        play_key=playback.key if playback is not None else "",
        play_options=playback_options(month_change_scale(), play_seconds),
        focus=focus,
        follow=follow,
        selected=selected,
    )


def _unless_held(sent: ProposalLayer | Playback | None, held: str | None) -> str | None:
    """The text of `sent` unless the frame says it holds it already."""
    return None if sent is None or held == sent.key else sent.text
