"""What the app's own map frame (geo/view/js/index.html) is sent: the hotspot outlines once per
set of outlines, then, on every change, only a style table.

The frame keeps one live Leaflet map across the page's reruns. A colouring, a town, a period or a
selection changes what each hotspot looks like (fill, class, tooltip) and which hotspots show,
never their outlines, so a change repaints the map in place instead of rebuilding it. Text that
came from a file (names, towns, ids) is HTML-escaped here or only ever used as data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.view.mapping import (
    LABEL_ZOOM,
    TILE_MAX_ZOOM,
    WALL_REFERENCE_HEIGHT,
    MapStyle,
    compact_json,
    fill_colours,
    legend_html,
    map_css,
    tooltip_table,
)
from geo.view.outline_codec import decimals_of, encode_outline, encode_point
from geo.view.payload import map_geometries
from geo.view.proposal_layer import DASH, OUTLINE_COLOUR
from geo.view.scales import BivariateScale, Scale, told_change
from geo.view.tiles import TileSource


@dataclass(frozen=True)
class FrameGeometry:
    """Every hotspot's outline, dot and name place, and the towns' name places, as compact JSON
    (`text`), with a digest of it (`key`) that the frame reports back once it holds them."""

    key: str
    text: str


def frame_geometry(hotspots: gpd.GeoDataFrame) -> FrameGeometry:
    """The outlines of all `hotspots` for the frame: per hotspot [id, outline, dot, name place,
    escaped name, town] (outlines and dots integer-coded, see geo.view.outline_codec; the town as
    written, only ever compared), and the towns' name places (`town_places`)."""
    outlines = map_geometries(hotspots.geometry)
    decimals = decimals_of(outlines)
    dots = shapely.point_on_surface(outlines)
    places = hotspots.to_crs(WGS84).geometry.representative_point()
    rows = [
        [str(hotspot_id), encode_outline(outline, decimals), encode_point(dot, decimals),
         [round(place.y, 6), round(place.x, 6)], _escaped(name), town]
        for hotspot_id, outline, dot, place, name, town in zip(
            hotspots["hotspot_id"], outlines, dots, places, hotspots["name"], _towns(hotspots)
        )
    ]  # fmt: skip
    text = compact_json({"q": 10**decimals, "hotspots": rows, "towns": town_places(hotspots)})
    return FrameGeometry(hashlib.sha256(text.encode()).hexdigest()[:16], text)


def _towns(hotspots: gpd.GeoDataFrame) -> pd.Series:
    if "town" not in hotspots:
        return pd.Series([""] * len(hotspots), index=hotspots.index)
    return hotspots["town"].fillna("").astype(str)


def _escaped(text: object) -> str:
    return escape(str(text))


def town_places(hotspots: gpd.GeoDataFrame) -> list[list]:
    """[lat, lon, town, escaped town] per town: the centre of its hotspots, busiest town first
    (its name wins where two would collide)."""
    named = hotspots.assign(town=_towns(hotspots))
    named = named[named["town"] != ""].to_crs(BRITISH_NATIONAL_GRID)
    if named.empty:
        return []
    towns = named.dissolve(by="town", aggfunc={"hotspot_id": "count"})
    towns = towns.sort_values("hotspot_id", ascending=False, kind="stable")
    centres = towns.geometry.centroid.to_crs(WGS84)
    return [
        [round(p.y, 6), round(p.x, 6), str(town), _escaped(town)]
        for town, p in zip(towns.index, centres)
    ]


def frame_styles(table: pd.DataFrame, scale: Scale | BivariateScale) -> dict[str, list]:
    """{hotspot id: [fill colour, class, tooltip fields]} for the hotspots of `table` (those the
    map shows); the class is the scale's class index, −1 where the value is missing."""
    colours = fill_colours(table, scale)
    classes = style_classes(table, scale)
    tips = tooltip_table(table)
    return {
        str(hotspot_id): [colour, int(kind), tip]
        for hotspot_id, colour, kind, tip in zip(table["hotspot_id"], colours, classes, tips)
    }


def style_classes(table: pd.DataFrame, scale: Scale | BivariateScale) -> np.ndarray:
    """Each hotspot's class under `scale`: one index for a one-variable scale, row × 3 + column
    of the square for the two-variable one; −1 where a value is missing."""
    if isinstance(scale, BivariateScale):
        xs, ys = scale.classify(table["hours_per_week"].to_numpy(dtype=float), told_change(table))
        return np.where((xs < 0) | (ys < 0), -1, ys * 3 + xs)
    values = (
        told_change(table)
        if scale.metric == "asb_change_pct"
        else table[scale.metric].to_numpy(dtype=float)
    )
    return scale.classify(values)


def frame_legend(
    table: pd.DataFrame, scale: Scale | BivariateScale, style: MapStyle, extra: str = ""
) -> str:
    """The legend box drawn over the map (escaped HTML, see geo.view.mapping.legend_html), with
    `extra` rows (another layer's entry)."""
    return legend_html(scale, table, style, extra)


def frame_options(tiles: TileSource, style: MapStyle, wall: bool = False) -> dict:
    """What never changes for one page's map: tiles, sizes, its stylesheet, and whether it is the
    wall's (no controls, no clicks, drawn at a reference height and scaled up to its frame)."""
    return {
        "tiles": {"url": tiles.url, "attribution": tiles.attribution, "max_zoom": TILE_MAX_ZOOM}
        if tiles.url
        else None,
        "css": map_css(style, tiles, fill_frame=wall),
        "weight": style.outline_weight,
        "dot_radius": style.dot_radius,
        "label_zoom": LABEL_ZOOM,
        "wall": wall,
        "reference_height": WALL_REFERENCE_HEIGHT,
        "proposals": {
            "colour": OUTLINE_COLOUR,
            "dash": DASH,
            "weight": max(2.0, style.outline_weight),
            "radius": style.dot_radius,
        },
    }
