"""The map of hotspots about to be imported, shown on the data page before anything is stored.

Built on `base_map`, so Leaflet is served by the app itself, never from a CDN.
"""

from __future__ import annotations

from html import escape

import folium
import geopandas as gpd
import shapely.geometry

from geo.view.mapping import DEFAULT_ASSET_BASE, MapStyle, base_map, fit_to
from geo.view.tiles import TileSource


def preview_map(
    hotspots: gpd.GeoDataFrame, tiles: TileSource, asset_base: str | None = None
) -> folium.Map:
    """A plain folium map of hotspots being imported: outlines, dots where outlines would be
    specks (far zooms), and an escaped id · name tooltip; zoomed to the hotspots."""
    m = base_map(tiles, asset_base=asset_base or DEFAULT_ASSET_BASE)
    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(geom),
            "properties": {
                "tip": escape(f"{hotspot_id} · {name}" + (f" ({town})" if town else "")),
            },
        }
        for hotspot_id, name, town, geom in zip(
            hotspots["hotspot_id"], hotspots["name"], hotspots["town"], hotspots.geometry
        )
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Hotspots to import",
        style_function=lambda _f: {
            "color": "#2166ac",
            "weight": 2,
            "fillColor": "#67a9cf",
            "fillOpacity": 0.35,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(m)
    for hotspot_id, name, point in zip(
        hotspots["hotspot_id"], hotspots["name"], hotspots.geometry.representative_point()
    ):
        folium.CircleMarker(
            [point.y, point.x], radius=MapStyle().dot_radius, color="#2166ac", weight=2,
            fill=True, fill_color="#67a9cf", fill_opacity=0.9, class_name="hotspot-dot",
            tooltip=folium.Tooltip(escape(f"{hotspot_id} · {name}")),
        ).add_to(m)  # fmt: skip
    fit_to(m, hotspots)
    return m
