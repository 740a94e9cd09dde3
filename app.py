"""Hotspot patrol map: entry point and navigation only (pages hold layout, geo holds analysis)."""

from pathlib import Path

import streamlit as st

from geo.view.assets import vendor_leaflet

# The layout is each page's own call (pages._common.wide_layout).
st.set_page_config(page_title="Hotspot patrol map", page_icon=":round_pushpin:")
vendor_leaflet(Path(__file__).parent / "static")

explore = st.Page("pages/explore.py", title="Hotspot map", url_path="", default=True)
briefing = st.Page("pages/briefing.py", title="Briefing", url_path="briefing")
data = st.Page("pages/data.py", title="Data", url_path="data")
navigation = st.navigation([explore, briefing, data], position="hidden")
navigation.run()
