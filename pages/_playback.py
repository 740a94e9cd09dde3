"""The months of a playback for the map page and the wall, computed once per dataset version,
period and choice of flagged months, for every session."""

from __future__ import annotations

import streamlit as st

from geo.analysis.dataset import Dataset
from geo.analysis.month_by_month import month_by_month
from geo.period import Period
from geo.view.playback import Playback, playback
from geo.view.scales import month_change_scale


@st.cache_resource(max_entries=16, show_spinner=False)
def _playback(
    folder: str, version: str, period: str, keep_flagged: bool, _dataset: Dataset
) -> Playback:
    """Every month's colours of all the dataset's hotspots (keyed on the version: a dataset is
    unhashable)."""
    context = _dataset.context(Period.parse(period), keep_flagged)
    readings = month_by_month(_dataset.counts, list(_dataset.hotspots["hotspot_id"]), context)
    return playback(readings, month_change_scale())


def playback_for(dataset: Dataset, period: Period, keep_flagged: bool = False) -> Playback:
    """The playback of `period` for all of `dataset`'s hotspots (the map shows those it shows)."""
    return _playback(dataset.store.key, dataset.version, str(period), keep_flagged, dataset)
