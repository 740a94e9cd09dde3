"""The wall screen (`/briefing`): the programme's headline figures and map, for a room to read.

Query parameters set it up for unattended use: `town=` pins one town, `rotate=SECONDS` cycles
through the towns, `period=START:END` fixes the period (refused, with a note, when it or its
baseline has no data), `flagged=keep` counts months flagged as anomalous, `play=1` (or
`play=SECONDS` a month) plays the period month by month, over and over, `refresh=SECONDS`
(default 60) is how often the dataset folder is checked. New data appears by itself and only
what changed is redrawn: the map stays mounted and its hotspots are restyled in place.
"""

from __future__ import annotations

import time
from html import escape
from pathlib import Path

import streamlit as st

from geo.analysis.dataset import Dataset
from geo.app.configured import data_folder
from geo.errors import HotspotDataError
from geo.period import Period
from geo.view.briefing import (
    briefing_page,
    flags_line,
    headlines,
    headlines_html,
    legend_strip_html,
    outcomes_html,
)
from geo.view.mapping import WALL_STYLE
from geo.view.playback import PLAY_PARAM, play_seconds, playback_strip_html
from geo.view.scales import asb_change_scale, month_change_scale, told_change
from geo.view.shown import html_text
from geo.view.tiles import tile_source
from pages._access import gate, may_view
from pages._common import (
    evaluation_for,
    keep_flagged_from_url,
    last_good_dataset,
    period_problem,
    wide_layout,
)
from pages._map_frame import hotspot_map
from pages._playback import playback_for

REFRESH_SECONDS = 60
WALL_CSS = (Path(__file__).parent / "wall.css").read_text()


def _seconds(name: str) -> int | None:
    """A number of seconds from the link (`rotate=`, `refresh=`), kept within 5 s to an hour."""
    try:
        return min(max(int(st.query_params.get(name, "")), 5), 3600)
    except ValueError:
        return None


def _town(dataset: Dataset, rotate: int | None) -> tuple[str | None, str]:
    """The town to show now and a note on where the rotation is."""
    pinned = st.query_params.get("town")
    if pinned in dataset.towns:
        return pinned, ""
    if not rotate or not dataset.towns:
        return None, ""
    step, since = st.session_state.get("rotation", (-1, 0.0))
    if time.monotonic() - since >= rotate - 1:  # a refresh-only run keeps the town
        step, since = step + 1, time.monotonic()
        st.session_state["rotation"] = (step, since)
    index = step % len(dataset.towns)
    return dataset.towns[index], f"{index + 1} of {len(dataset.towns)} towns, every {rotate} s"


def _period(dataset: Dataset) -> tuple[Period, str]:
    """The link's period when it can be compared with its baseline; else the default and why."""
    text = st.query_params.get("period")
    if not text:
        return dataset.default_period, ""
    try:
        period = Period.parse(text)
        dataset.check_period(period)
    except HotspotDataError as exc:
        return dataset.default_period, f"Ignoring the period in the link: {exc.problem}"
    return period, ""


wide_layout()
gate(wall=True)
st.html(f"<style>{WALL_CSS}</style>")
dataset_folder = data_folder()
rotate = _seconds("rotate")
refresh = _seconds("refresh") or REFRESH_SECONDS


@st.fragment(run_every=min(rotate or refresh, refresh))
def wall() -> None:
    """Draw the briefing; runs again on its own to rotate and to pick up new data."""
    if not may_view(wall=True):  # e.g. the screen token was revoked: nothing more is drawn
        st.rerun(scope="app")  # and the whole page runs again, closes and says why
    dataset, problem = last_good_dataset()
    if dataset is None:
        st.html(
            "<div class='wall-title'>Hotspot patrols</div>"
            f"<div class='wall-sub'>{html_text(problem, dataset_folder)}</div>"
        )
        return
    town, rotation = _town(dataset, rotate)
    period, refused = _period(dataset)
    if period_problem(dataset, period):
        st.html(
            "<div class='wall-title'>Hotspot patrols</div><div class='wall-sub'>No change can be "
            f"shown: {escape(period_problem(dataset, period))}</div>"
        )
        return
    keep = keep_flagged_from_url()
    play, play_note = play_seconds(st.query_params.get(PLAY_PARAM))
    table = evaluation_for(dataset, period, keep)  # cached: a refresh with no new data is free
    page = briefing_page(dataset, period, town, table, keep_flagged=keep)
    badge = "<span class='wall-badge'>SAMPLE DATA</span>" if dataset.is_sample else ""
    flags = flags_line(dataset.anomalies, page.figures, keep)
    notes = " · ".join(
        html_text(n, dataset_folder) for n in (rotation, problem, refused, play_note) if n
    )
    st.html(
        f"<div class='wall-head' data-testid='wall-head' data-town='{escape(town or '')}'>"
        f"<span class='wall-title'>{escape(page.title)}</span><div class='wall-lines'>"
        f"<span class='wall-sub'>{escape(page.subtitle)}</span><span class='wall-more'>"
        f"<span class='wall-note'>{notes}</span><span class='wall-flags'>{escape(flags)}</span>"
        f"</span></div>{badge}</div>"
    )
    left, right = st.columns([5, 6], gap="medium")
    left.html(headlines_html(headlines(page.figures, page.evaluation), bool(page.outcomes)))
    if page.outcomes:
        left.html(outcomes_html(page.outcomes))
    scale = asb_change_scale()
    everything = briefing_page(dataset, period, table=table, keep_flagged=keep)
    with right:
        hotspot_map(  # moves to the town its head names, in the same frame as the head
            key="wall-map", dataset=dataset, table=everything.table, scale=scale,
            tiles=tile_source(), height=700, style=WALL_STYLE, legend=False, wall=True,
            focus=town or "", follow="[data-testid=wall-head]",
            playback=playback_for(dataset, period, keep) if play else None, play_seconds=play,
        )  # fmt: skip
        if play:
            st.html(playback_strip_html(month_change_scale()))
        else:
            st.html(legend_strip_html(scale, told_change(everything.table)))


wall()
