"""The hotspot map of the map page and the wall: one Leaflet map in a frame of the app's own
(geo/view/js/index.html, a Streamlit component with no build step) that stays alive across the
page's reruns. The outlines are sent once per set of outlines; every run after sends only what
the hotspots look like (geo.view.map_frame), and the frame restyles them in place.

The frame's value says which outlines it holds (`geometry`, a digest) and its last click; the
outlines are sent again only when they change or the frame says it holds none (a new frame).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

import geo.view
from geo.store.dataset import Dataset
from geo.view.map_frame import (
    FrameGeometry,
    frame_geometry,
    frame_legend,
    frame_options,
    frame_styles,
)
from geo.view.mapping import MapStyle
from geo.view.scales import BivariateScale, Scale
from geo.view.tiles import TileSource

FRAME_FILES = Path(geo.view.__file__).parent / "js"
"""The frame's page and scripts, served by the app itself (index.html loads Leaflet from the
app's vendored copy)."""
COMPONENT = "hotspot_map"
FRAME_TITLE = f"{__name__}.{COMPONENT}"
"""The frame's title in the page (Streamlit names a component's frame after it)."""


@st.cache_resource(max_entries=4, show_spinner=False)
def _geometry(folder: str, version: str, _hotspots: gpd.GeoDataFrame) -> FrameGeometry:
    """The outlines of a dataset version, encoded once for every session."""
    return frame_geometry(_hotspots)


def dataset_geometry(dataset: Dataset) -> FrameGeometry:
    """The outlines of `dataset` as the frame is sent them (cached per dataset version)."""
    return _geometry(str(dataset.folder), dataset.version, dataset.hotspots)


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
) -> None:
    """Draw (or restyle) the map `key`: all hotspots of `dataset` known to the frame, those of
    `table` shown in their colours under `scale`, fitted to the town `focus` ("" for
    all shown) or, with `follow`, to the town named by the `data-town` of the page's element
    matching that selector; `style` sizes names and dots (the browser's by default). A click on a
    hotspot calls `on_click` with its id before the next run."""
    style = style or MapStyle()
    geometry = dataset_geometry(dataset)
    held = (st.session_state.get(key) or {}).get("geometry")
    component = components.declare_component(COMPONENT, path=str(FRAME_FILES))

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
        geometry=None if held == geometry.key else geometry.text,
        geometry_key=geometry.key,
        styles=frame_styles(table, scale),
        legend=frame_legend(table, scale, style) if legend else "",
        options=frame_options(tiles, style, wall),
        focus=focus,
        follow=follow,
        selected=selected,
    )
