"""Build the hotspot map as a folium object: coloured polygons, names, legend, tooltips.

A thin presentation layer over the figures (like geopandas' explore.py): no streamlit here, so the
map is tested by rendering it to HTML. Leaflet is loaded from the app's own origin (`asset_base`),
never from a CDN, and every value that came from a file is HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.analysis.stats import ALPHA
from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.view.outline_codec import DECODE_JS, decimals_of, encode_outline, encode_point
from geo.view.payload import map_geometries
from geo.view.scales import (
    ASB_OUTCOMES,
    BIVARIATE_3X3,
    MISSING_COLOUR,
    BivariateScale,
    Scale,
    told_change,
)
from geo.view.tiles import TileSource

DEFAULT_ASSET_BASE = "/app/static/vendor/leaflet"
LABEL_ZOOM = 13
"""At this zoom and closer, hotspot names and outlines show; further out, dots and town names."""

PLAIN_BACKGROUND = "#eef0ec"
TILE_MAX_ZOOM = 19
"""The closest zoom of the tile servers (OpenStreetMap's standard tiles stop at 19)."""

_ON_MAP_JS = """
function onMap(owner, then) {
  if (owner instanceof L.Map) { then(owner); }
  else { owner.on("add", function () { then(owner._map); }); }
}
"""
"""Run `then(map)` once `owner` (a map, or a layer group not yet added) is on a map."""


@dataclass(frozen=True)
class MapStyle:
    """Sizes that differ between the browser page and the wall screen (text sizes in CSS units;
    the wall uses vh of the map frame, so names grow with the screen)."""

    label_size: str = "13px"
    town_label_size: str = "15px"
    legend_size: str = "13px"
    dot_radius: int = 8
    outline_weight: float = 1.5


WALL_STYLE = MapStyle(
    label_size="20px", town_label_size="25px", legend_size="18px", dot_radius=13,
    outline_weight=2.5,
)  # fmt: skip
"""Sizes for a wall map frame `WALL_REFERENCE_HEIGHT` pixels high; a taller frame (a 4K screen)
shows the same map scaled up whole, so tiles, names, outlines, scale bar and attribution keep
their proportions and the map fills the frame as it does at 1080p."""
WALL_REFERENCE_HEIGHT = 842
"""The wall map's frame height on a 1920×1080 screen (78% of the height)."""


def build_map(
    hotspots: gpd.GeoDataFrame,
    table: pd.DataFrame,
    scale: Scale,
    tiles: TileSource,
    style: MapStyle = MapStyle(),
    asset_base: str = DEFAULT_ASSET_BASE,
) -> folium.Map:
    """The map of `hotspots` (WGS84) coloured by `table[scale.metric]`, fitted to them."""
    shown = _merged(hotspots, table)
    m = base_map(tiles, style, asset_base)
    add_hotspots(m, shown, scale, style)
    m.get_root().html.add_child(Element(legend_html(scale, shown, style)))
    if len(shown):
        m.add_child(_FitBounds(_bounds(shown)))
    return m


def fit_to(m: folium.Map, frame: gpd.GeoDataFrame) -> None:
    """Fit `m` to `frame` (WGS84) once the page has sized it, clear of legend and controls."""
    if len(frame):
        m.add_child(_FitBounds(_bounds(frame)))


def _merged(hotspots: gpd.GeoDataFrame, table: pd.DataFrame) -> gpd.GeoDataFrame:
    return hotspots.merge(table, on=["hotspot_id", "name", "town"], how="inner")


def map_order(hotspots: gpd.GeoDataFrame, table: pd.DataFrame) -> list[str]:
    """Hotspot ids in the order `build_map` draws them: a clicked feature's `key` indexes this."""
    return list(_merged(hotspots, table)["hotspot_id"])


def base_map(
    tiles: TileSource, style: MapStyle = MapStyle(), asset_base: str = DEFAULT_ASSET_BASE
) -> folium.Map:
    """A map with tiles, styles and zoom behaviour but no hotspots (`build_map` adds them; the
    data page's preview adds its own)."""
    # keyboard=False: Leaflet focuses the map on mousedown, which scrolls the embedding page and
    # turns a click into a drag off the polygon. Keyboard users select through the sidebar instead.
    m = folium.Map(
        location=[53.1, -1.6], zoom_start=9, tiles=None, control_scale=True, keyboard=False,
        zoom_snap=0.25, zoom_delta=0.5,
    )  # fmt: skip
    _serve_locally(m, asset_base)
    if tiles.url:
        folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, max_zoom=TILE_MAX_ZOOM).add_to(m)
    m.get_root().header.add_child(Element(map_css(style, tiles)))
    m.add_child(_ZoomClasses(LABEL_ZOOM))
    return m


def add_hotspots(
    parent: folium.Map | folium.FeatureGroup, shown: gpd.GeoDataFrame, scale: Scale, style: MapStyle
) -> None:
    """Coloured polygons, dots for far zooms, and names, for hotspots merged with their figures."""
    parent.add_child(_Hotspots(hotspot_data(shown, scale), style))
    _add_labels(parent, shown, style)


def _bounds(frame: gpd.GeoDataFrame) -> list[list[float]]:
    minx, miny, maxx, maxy = frame.total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _serve_locally(m: folium.Map, asset_base: str) -> None:
    """Only Leaflet, from the app itself: no jQuery, Bootstrap or fonts from CDNs."""
    m.default_js = [("leaflet", f"{asset_base}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{asset_base}/leaflet.css")]


def fill_colours(shown: pd.DataFrame, scale: Scale | BivariateScale) -> list[str]:
    """The fill colour of each hotspot under a one- or two-variable scale."""
    if isinstance(scale, BivariateScale):
        return scale.colours_for_rows(shown["hours_per_week"], told_change(shown))
    return scale.colours_for(_coloured_values(shown, scale))


def _coloured_values(shown: pd.DataFrame, scale: Scale) -> np.ndarray:
    """The values a one-variable scale colours: an ASB change only where it can be told."""
    if scale.metric == "asb_change_pct":
        return told_change(shown)
    return shown[scale.metric].to_numpy(dtype=float)


def hotspot_data(shown: gpd.GeoDataFrame, scale: Scale | BivariateScale) -> dict:
    """What the browser needs to draw the hotspots, in few bytes: compact outlines (see
    geo.view.outline_codec), a dot position, a fill colour and the figures of the tooltip each.

    Text from files (names, towns) is HTML-escaped here; the rest are numbers.
    """
    colours = fill_colours(shown, scale)
    outlines = map_geometries(shown.geometry)
    decimals = decimals_of(outlines)
    dots = shapely.point_on_surface(outlines)
    features = [
        {
            "key": position,
            "fill": colour,
            "g": encode_outline(outline, decimals),
            "d": encode_point(dot, decimals),
            "p": tip,
        }
        for position, (tip, colour, outline, dot) in enumerate(
            zip(tooltip_table(shown), colours, outlines, dots)
        )
    ]
    return {"q": 10**decimals, "decimals": decimals, "features": features}


def tooltip_fields(row: dict) -> dict:
    """The tooltip's figures: escaped name and town, rounded numbers, None for missing."""
    return tooltip_table(pd.DataFrame([row]))[0]


_TOOLTIP_COLUMNS = (  # key, column, how it is written (digits for a rounded number)
    ("n", "name", "text"), ("w", "town", "text"), ("b", "asb_before", "whole"),
    ("a", "asb_after", "whole"), ("c", "asb_change_pct", 1), ("tf", "asb_too_few", "flag"),
    ("h", "officer_hours", 0), ("v", "visits", "count"),
)  # fmt: skip
_ADJUSTED_COLUMNS = (  # shown when the table has the control-adjusted reading
    ("ar", "adjusted_ratio", 2), ("al", "adjusted_low", 2), ("ah", "adjusted_high", 2),
    ("bc", "adjusted_p", "beyond chance"), ("rr", "asb_rr", 2), ("lo", "asb_rr_low", 2),
    ("hi", "asb_rr_high", 2), ("hw", "hours_per_week", 1), ("mv", "minutes_per_visit", 0),
    ("s15", "share_15_min", 2), ("tr", "trend", "text"),
)  # fmt: skip


def tooltip_table(table: pd.DataFrame) -> list[dict]:
    """`tooltip_fields` of every row of `table`, worked out a column at a time."""
    spec = _TOOLTIP_COLUMNS + (_ADJUSTED_COLUMNS if "adjusted_ratio" in table else ())
    columns = {key: _tooltip_values(table, column, how) for key, column, how in spec}
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _tooltip_values(table: pd.DataFrame, column: str, how: str | int) -> list:
    """One tooltip field for every row (see tooltip_fields)."""
    if how == "text":
        values = table[column] if column in table else pd.Series([""] * len(table))
        return [escape(str(v or "") if column == "town" else str(v)) for v in values.tolist()]
    if how == "flag":
        return (
            [bool(v) for v in table[column].tolist()] if column in table else [False] * len(table)
        )
    numbers = table[column].to_numpy(dtype=float).tolist()
    if how == "whole":
        return [int(v) for v in numbers]
    if how == "count":
        return [None if v != v else int(v) for v in numbers]  # None: no patrol log
    if how == "beyond chance":
        return [v == v and v < ALPHA for v in numbers]
    return [None if v != v else round(v, how) for v in numbers]


def _add_labels(m: folium.Map, shown: gpd.GeoDataFrame, style: MapStyle) -> None:
    """Hotspot names near their polygons, and town names for zoomed-out views."""
    labels = [
        [round(p.y, 6), round(p.x, 6), escape(str(name)), "hotspot-label"]
        for name, p in zip(shown["name"], shown.geometry.representative_point())
    ]
    named = shown[shown["town"] != ""].to_crs(BRITISH_NATIONAL_GRID)
    towns = named.dissolve(by="town", aggfunc={"hotspot_id": "count"})
    towns = towns.sort_values("hotspot_id", ascending=False, kind="stable")  # busiest towns win
    centres = towns.geometry.centroid.to_crs(WGS84)
    labels += [
        [round(p.y, 6), round(p.x, 6), escape(str(town)), "town-label"]
        for town, p in zip(towns.index, centres)
    ]
    m.add_child(_Labels(labels))


def legend_html(
    scale: Scale | BivariateScale,
    shown: pd.DataFrame,
    style: MapStyle = MapStyle(),
    extra: str = "",
) -> str:
    """The legend box: title with units, one swatch per class with its range and count, then
    `extra` rows (escaped HTML: another layer's entry)."""
    if isinstance(scale, BivariateScale):
        return bivariate_legend_html(scale, shown, style, extra)
    classes = scale.classify(_coloured_values(shown, scale))
    rows = [
        _legend_row(colour, label, int((classes == index).sum()))
        for index, (colour, label) in enumerate(zip(scale.colours, scale.labels))
    ]
    missing = int((classes == -1).sum())
    if missing:
        rows.append(_legend_row(MISSING_COLOUR, scale.missing_label, missing))
    return (
        f"<div class='hotspot-legend' role='figure' aria-label='Map legend' "
        f"style='font-size:{style.legend_size}'>"
        f"<div class='legend-title'>{escape(scale.title)}</div>"
        f"<div class='legend-note'>{escape(scale.note)}</div>"
        f"{''.join(reversed(rows)) if scale.metric == 'hours_per_week' else ''.join(rows)}"
        f"<div class='legend-note'>Number of hotspots in brackets.</div>{extra}</div>"
    )


def bivariate_legend_html(
    scale: BivariateScale, shown: pd.DataFrame, style: MapStyle, extra: str = ""
) -> str:
    """The square 3×3 legend: hours across, ASB outcome down, a count in each cell; then
    `extra` rows (escaped HTML)."""
    xs, ys = scale.classify(shown["hours_per_week"].to_numpy(dtype=float), told_change(shown))
    cells = []
    for y in reversed(range(3)):
        cells.append(f"<div class='bv-ylabel'>{escape(ASB_OUTCOMES[y])}</div>")
        for x in range(3):
            count = int(((xs == x) & (ys == y)).sum())
            cells.append(
                f"<div class='bv-cell' style='background:{BIVARIATE_3X3[y][x]}' "
                f"title='{escape(ASB_OUTCOMES[y])}, {escape(scale.hours_labels[x])}'>{count}</div>"
            )
    cells.append("<div></div>")
    cells += [f"<div class='bv-xlabel'>{escape(label)}</div>" for label in scale.hours_labels]
    missing = int(((xs == -1) | (ys == -1)).sum())
    gaps = _legend_row(MISSING_COLOUR, scale.missing_label, missing) if missing else ""
    return (
        f"<div class='hotspot-legend bivariate-legend' role='figure' aria-label='Map legend' "
        f"style='font-size:{style.legend_size}'>"
        f"<div class='legend-title'>{escape(scale.title)}</div>"
        f"<div class='legend-note'>{escape(scale.note)}</div>"
        f"<div class='bv-grid'>{''.join(cells)}</div>"
        "<div class='legend-note'>Across: officer patrol hours per week, the classes of the "
        "hours map. Down: ASB against last year. "
        "Number of hotspots in each square.</div>"
        f"{gaps}{extra}</div>"
    )


def _legend_row(colour: str, label: str, count: int) -> str:
    return (
        f"<div class='legend-row'><span class='swatch' style='background:{colour}'></span>"
        f"{escape(label)} ({count})</div>"
    )


SHORT_MAP_PX = 560
"""A map frame at most this high (the map page on a laptop, the data page's preview) draws its
legend smaller and narrower, its title on two lines, leaving the hotspots room beside it."""


def map_css(style: MapStyle, tiles: TileSource, fill_frame: bool = False) -> str:
    """The map's stylesheet: names, dots, tooltips and legend at the sizes of `style`; a plain
    background without tiles; a map filling its frame on the wall."""
    fill = "#map_div {height:100vh !important; width:100% !important;}" if fill_frame else ""
    background = (
        "" if tiles.url else f".folium-map, .leaflet-container {{background:{PLAIN_BACKGROUND};}}"
    )
    halo = "0 0 3px #fff, 0 0 3px #fff, 0 0 5px #fff, 0 0 6px #fff"
    return f"""<style>
{fill}
{background}
.label {{pointer-events:none;}}
.leaflet-interactive:focus {{outline:none;}}
.leaflet-container a:focus-visible {{outline:3px solid #1a5fb4; outline-offset:2px;}}
.label span {{white-space:nowrap; font-family:system-ui,sans-serif; color:#111; text-shadow:{halo};
  display:inline-block; position:absolute; left:0; top:0; transform:translate(-50%, 0.5em);}}
.label span.placed {{transform:none;}}
.label .leader {{display:none; position:absolute; left:0; top:0; height:1.5px; background:#333;
  transform-origin:0 0; box-shadow:0 0 2px #fff;}}
.hotspot-label {{font-size:{style.label_size}; font-weight:600;}}
.town-label {{font-size:{style.town_label_size}; font-weight:700; letter-spacing:0.02em;}}
.zoom-far .hotspot-label, .zoom-near .town-label, .zoom-near .hotspot-dot,
  .zoom-near .selected-ring {{display:none;}}
.hotspot-tip {{font-family:system-ui,sans-serif; font-size:13px; white-space:normal;
  width:max-content; max-width:min(26em, 44vw);}}
.hotspot-tip .tt-name {{font-weight:700; font-size:14px;}}
.hotspot-tip .tt-warn {{color:#a63603;}}
.hotspot-legend {{position:absolute; bottom:28px; right:10px; z-index:1000;
  background:rgba(255,255,255,0.95); border:1px solid #888; border-radius:4px; padding:8px 10px;
  font-family:system-ui,sans-serif;
  color:#111; line-height:1.35; max-width:22em;}}
.hotspot-legend .legend-title {{font-weight:700;}}
.bv-grid {{display:grid; grid-template-columns:auto 2.4em 2.4em 2.4em; gap:2px; margin:6px 0;
  align-items:center;}}
.bv-cell {{height:2.4em; display:flex; align-items:center; justify-content:center;
  font-weight:700; color:#111; border:1px solid #666;}}
.bv-ylabel {{font-size:0.85em; text-align:right; padding-right:4px;}}
.bv-xlabel {{font-size:0.75em; text-align:center; line-height:1.1;}}
.hotspot-legend .legend-note {{font-size:0.85em; color:#333;}}
.hotspot-legend .swatch {{display:inline-block; width:1.1em; height:0.9em; border:1px solid #555;
  margin-right:0.4em; vertical-align:middle;}}
@media (max-height: {SHORT_MAP_PX}px) {{
  .hotspot-legend {{font-size:12px !important; line-height:1.25; padding:5px 8px; max-width:16em;}}
}}
</style>"""


class _ZoomClasses(MacroElement):
    """Marks the map container `zoom-near` / `zoom-far` so CSS shows names or dots."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (map) {
  function update() {
    var near = map.getZoom() >= {{ this.threshold }};
    map.getContainer().classList.toggle('zoom-near', near);
    map.getContainer().classList.toggle('zoom-far', !near);
  }
  map.on('zoomend', update);
  update();
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, threshold: int) -> None:
        super().__init__()
        self._name = "ZoomClasses"
        self.threshold = threshold


SELECTED_RING = ("#ffffff", "#000000")
"""The selected hotspot's ring at far zooms: a wide white ring under a black one, which stands out
on every fill colour and on the tiles."""


def selection_outline(
    hotspots: gpd.GeoDataFrame, hotspot_id: str | None, style: MapStyle = MapStyle()
) -> folium.FeatureGroup:
    """The selected hotspot marked, added without redrawing the whole map: a thick outline at
    close zooms, and a ring round its dot at far zooms (where the outline is a speck)."""
    group = folium.FeatureGroup(name="Selected")
    chosen = hotspots[hotspots["hotspot_id"] == hotspot_id]
    if len(chosen):
        outline = map_geometries(chosen.geometry)[0]
        geometry = json.loads(shapely.to_geojson(outline))
        for colour, weight in zip(SELECTED_RING, (9, 4)):
            folium.GeoJson(
                {"type": "Feature", "geometry": geometry, "properties": {}},
                style_function=lambda f, colour=colour, weight=weight: {
                    "color": colour, "weight": weight, "fill": False, "opacity": 1,
                },
                interactive=False,
            ).add_to(group)  # fmt: skip
        dot = shapely.point_on_surface(outline)
        for colour, weight in zip(SELECTED_RING, (8, 4)):
            folium.CircleMarker(
                [dot.y, dot.x], radius=style.dot_radius + 7, color=colour, weight=weight,
                fill=False, opacity=1, interactive=False, class_name="selected-ring",
            ).add_to(group)  # fmt: skip
    return group


_PLACE_LABELS_JS = (Path(__file__).parent / "js" / "place_labels.js").read_text()
"""JavaScript: each name placed beside its point where it covers no other, or hidden."""


class _Labels(MacroElement):
    """Text labels as non-interactive Leaflet divIcons, each placed beside its point clear of
    earlier ones, the legend and the controls (see js/place_labels.js).

    The text is escaped before it gets here.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (owner) {"""
        + _ON_MAP_JS
        + _PLACE_LABELS_JS
        + """
  var markers = [];
  {{ this.labels | tojson }}.forEach(function (label) {
    var icon = L.divIcon({
      html: "<div class='leader'></div><span class='" + label[3] + "'>" + label[2] + "</span>",
      className: "label", iconSize: [0, 0], iconAnchor: [0, 0]
    });
    markers.push(L.marker([label[0], label[1]], {icon: icon, interactive: false, keyboard: false})
      .addTo(owner));
  });
  onMap(owner, function (map) {
    function update() { placeLabels(map, markers); }
    map.on("zoomend moveend resize", update);
    owner.on("remove", function () { map.off("zoomend moveend resize", update); });
    setTimeout(update, 0);
  });
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, labels: list[list]) -> None:
        super().__init__()
        self._name = "Labels"
        self.labels = labels


_FIT_CLEAR_JS = (Path(__file__).parent / "js" / "fit_clear.js").read_text()
"""JavaScript: fit the map to bounds, keeping hotspots clear of the legend and the controls."""


class _FitBounds(MacroElement):
    """Moves the map to the bounds, clear of legend and controls, when it (or its layer group)
    is added (no remount of the map)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (owner) {"""
        + _ON_MAP_JS
        + _FIT_CLEAR_JS
        + """
  onMap(owner, function (map) {
    // Again when the frame takes its final size, unless the user has moved the map since.
    var bounds = {{ this.bounds | tojson }}, moved = false, container = map.getContainer();
    function refit() { if (!moved) { fitClear(map, bounds, 16); } }
    ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (name) {
      container.addEventListener(name, function () { moved = true; }, {passive: true});
    });
    map.on("resize", refit);
    owner.on("remove", function () { map.off("resize", refit); });
    // Until Leaflet's stylesheet applies, its controls sit in the page's flow, so the room
    // measured around them is wrong (a slow stylesheet left the map a zoom level out): once
    // they stand in the map's corners, fit again (looked for every 0.1 s, for at most 20 s).
    function styled() {
      var corner = container.querySelector(".leaflet-top, .leaflet-bottom");
      return !corner || getComputedStyle(corner).position === "absolute";
    }
    refit();
    if (!styled()) {
      var looks = 0, watch = setInterval(function () {
        if (styled() || ++looks >= 200) { clearInterval(watch); refit(); }
      }, 100);
    }
    // A first fit made while the frame was still settling stayed a zoom level out about one
    // time in ten under test (its cause unseen): fit again after 0.3 s and 1.5 s; a fit that
    // was right is left as it was.
    [300, 1500].forEach(function (ms) { setTimeout(refit, ms); });
  });
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitBounds"
        self.bounds = bounds


_TOOLTIP_JS = (Path(__file__).parent / "js" / "hotspot_tooltip.js").read_text()
"""JavaScript: the tooltip of a hotspot from its fields (text fields arrive escaped)."""


def compact_json(data: object) -> str:
    """JSON without spaces, safe inside a <script> (as jinja's tojson: <, >, &, ' escaped)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, code)
    return text


class _Hotspots(MacroElement):
    """Hotspot polygons and their far-zoom dots, decoded in the browser from `hotspot_data`.

    Each polygon and dot carries `key` (its row) as a GeoJSON property, which streamlit-folium
    returns when it is clicked. It reads the clicked layer from the event a layer group passes
    on, so polygons (a GeoJSON group) and dots (a feature group) both sit inside groups.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (owner) {"""
        + DECODE_JS
        + _TOOLTIP_JS
        + """
  var data = {{ this.data_json }}, q = data.q, style = {{ this.style | tojson }};
  // Each click carries its time: streamlit-folium sends a value only when it differs from the
  // last one, so without it a second click on the same hotspot (after clearing it) is lost.
  // Runs before the group passes the click on to streamlit-folium's handler. A new object: the
  // last value sent holds the old one, which must keep the old time to differ.
  function stamp(event) {
    var feature = event.target.feature;
    feature.properties = {key: feature.properties.key, clicked: Date.now()};
  }
  var polygons = L.geoJSON({type: "FeatureCollection", features: data.features.map(function (f) {
    return {type: "Feature", geometry: decodeOutline(f.g, q), properties: {key: f.key}};
  })}, {
    smoothFactor: 0,
    style: function (feature) {
      return {fillColor: data.features[feature.properties.key].fill, fillOpacity: 0.85,
              color: "#222222", weight: style.weight};
    },
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(hotspotTooltip(data.features[feature.properties.key].p),
                        {sticky: true, className: "hotspot-tip"});
      layer.on("mouseover", function () {
        layer.setStyle({weight: style.weight * 2.5, color: "#000000"});
      });
      layer.on("mouseout", function () { polygons.resetStyle(layer); });
      layer.on("click", stamp);
    }
  }).addTo(owner);
  var dots = L.featureGroup().addTo(owner);  // a group, so a click on a dot names its hotspot
  data.features.forEach(function (f) {
    var dot = L.circleMarker([f.d[1] / q, f.d[0] / q], {
      radius: style.dot_radius, fill: true, fillColor: f.fill, fillOpacity: 0.95,
      color: "#222222", weight: 1.5, className: "hotspot-dot"
    });
    dot.feature = {type: "Feature", properties: {key: f.key}};
    dot.bindTooltip(hotspotTooltip(f.p), {sticky: true, className: "hotspot-tip"});
    dot.on("click", stamp);
    dot.addTo(dots);
  });
  // Out of the tab order: Chromium makes each clickable outline a tab stop, 50 and more of them.
  // Keyboard users choose a hotspot in the sidebar's Hotspot list.
  function untab() {
    [polygons, dots].forEach(function (group) {
      group.eachLayer(function (layer) {
        var el = layer.getElement && layer.getElement();
        if (el) { el.setAttribute("tabindex", "-1"); el.setAttribute("focusable", "false"); }
      });
    });
  }
  if (owner instanceof L.Map) { untab(); } else { owner.on("add", untab); }
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, data: dict, style: MapStyle) -> None:
        super().__init__()
        self._name = "Hotspots"
        self.data_json = compact_json(data)
        self.style = {"weight": style.outline_weight, "dot_radius": style.dot_radius}
