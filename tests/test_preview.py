"""geo.view.preview: the import preview map escapes names and serves Leaflet itself."""

from __future__ import annotations

import re

import pandas as pd

from geo.view.preview import preview_map
from geo.view.tiles import tile_source
from tests.helpers import (
    hotspot_frame,
)

# the preview map


def test_preview_map_escapes_names_and_serves_leaflet_itself():
    frame = hotspot_frame()
    frame.loc[0, "name"] = "<img src=x onerror=alert(1)>"
    frame["started"] = pd.to_datetime(frame["started"])
    html = preview_map(frame, tile_source("none")).get_root().render()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html.replace("\\u0026", "&")  # JSON-encoded
    sources = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"([^\"]+)\"", html)
    assert sources and all(s.startswith("/app/static/") for s in sources), sources
    assert html.count('"className": "hotspot-dot"') == len(frame)  # dots at far zooms
    assert "fitClear(map, bounds" in html  # fitted once the page has sized the map
