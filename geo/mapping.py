"""Build the hotspot map as a folium object: coloured polygons, names, legend, tooltips.

A thin presentation layer over the figures (like geopandas' explore.py): no streamlit here, so the
map is tested by rendering it to HTML. Leaflet is loaded from the app's own origin (`asset_base`),
never from a CDN, and every value that came from a file is HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.hotspots import BRITISH_NATIONAL_GRID, WGS84
from geo.payload import map_geometries
from geo.scales import (
    ASB_OUTCOMES,
    BIVARIATE_3X3,
    MISSING_COLOUR,
    BivariateScale,
    Scale,
)
from geo.tiles import TileSource

DEFAULT_ASSET_BASE = "/app/static/vendor/leaflet"
LABEL_ZOOM = 13
"""At this zoom and closer, hotspot names and outlines show; further out, dots and town names."""

COORDINATE_DECIMALS = 6
PLAIN_BACKGROUND = "#eef0ec"

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
    label_size="2.4vh", town_label_size="3vh", legend_size="2.2vh", dot_radius=13,
    outline_weight=2.5,
)  # fmt: skip


def build_map(
    hotspots: gpd.GeoDataFrame,
    table: pd.DataFrame,
    scale: Scale,
    tiles: TileSource,
    style: MapStyle = MapStyle(),
    asset_base: str = DEFAULT_ASSET_BASE,
) -> folium.Map:
    """The map of `hotspots` (WGS84) coloured by `table[scale.metric]`, fitted to them."""
    shown = hotspots.merge(table, on=["hotspot_id", "name", "town"], how="inner")
    m = base_map(tiles, style, asset_base)
    add_hotspots(m, shown, scale, style)
    m.get_root().html.add_child(Element(legend_html(scale, shown, style)))
    if len(shown):
        m.fit_bounds(_bounds(shown), padding=(30, 30), max_zoom=16)
    return m


def base_map(
    tiles: TileSource,
    style: MapStyle = MapStyle(),
    asset_base: str = DEFAULT_ASSET_BASE,
    fill_frame: bool = False,
) -> folium.Map:
    """A map with tiles, styles and zoom behaviour but no hotspots: content that never changes,
    so streamlit-folium keeps it mounted while hotspot layers come and go."""
    # keyboard=False: Leaflet focuses the map on mousedown, which scrolls the embedding page and
    # turns a click into a drag off the polygon. Keyboard users select through the sidebar instead.
    m = folium.Map(
        location=[53.1, -1.6], zoom_start=9, tiles=None, control_scale=True, keyboard=False,
        zoom_control=not fill_frame, zoom_snap=0.25, zoom_delta=0.5,
    )  # fmt: skip
    _serve_locally(m, asset_base)
    if tiles.url:
        folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, max_zoom=19).add_to(m)
    m.get_root().header.add_child(Element(_css(style, tiles, fill_frame)))
    m.add_child(_ZoomClasses(LABEL_ZOOM))
    return m


def add_hotspots(
    parent: folium.Map | folium.FeatureGroup, shown: gpd.GeoDataFrame, scale: Scale, style: MapStyle
) -> None:
    """Coloured polygons, dots for far zooms, and names, for hotspots merged with their figures."""
    features = feature_collection(shown, scale)
    _add_polygons(parent, features, style)
    _add_dots(parent, features, style)
    _add_labels(parent, shown, style)


def hotspot_layer(
    hotspots: gpd.GeoDataFrame,
    table: pd.DataFrame,
    scale: Scale,
    style: MapStyle,
    focus: gpd.GeoDataFrame | None = None,
) -> folium.FeatureGroup:
    """All hotspots as one layer that also moves the map to `focus` (default: all of them)."""
    shown = hotspots.merge(table, on=["hotspot_id", "name", "town"], how="inner")
    group = folium.FeatureGroup(name="Hotspots")
    add_hotspots(group, shown, scale, style)
    target = shown if focus is None or focus.empty else focus
    if len(target):
        group.add_child(_FitBounds(_bounds(target)))
    return group


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
        return scale.colours_for_rows(shown["officer_hours"], shown["asb_change_pct"])
    return scale.colours_for(shown[scale.metric].to_numpy(dtype=float))


def feature_collection(shown: gpd.GeoDataFrame, scale: Scale | BivariateScale) -> dict:
    """GeoJSON of the hotspots with escaped display properties and a fill colour each."""
    colours = fill_colours(shown, scale)
    geometry = map_geometries(shown.geometry)
    features = []
    for position, (row, colour, geom) in enumerate(
        zip(shown.itertuples(index=False), colours, geometry)
    ):
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(geom)),
                "properties": {
                    "key": position,
                    "hotspot_id": escape(str(row.hotspot_id)),
                    "fill": colour,
                    "tooltip": tooltip_html(row._asdict()),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def tooltip_html(row: dict) -> str:
    """Name, town, ASB before → after with the change, hours and visits; all values escaped."""
    town = f"<div class='tt-town'>{escape(str(row['town']))}</div>" if row.get("town") else ""
    change = format_change(row["asb_change_pct"])
    small = " <span class='tt-warn'>(too few to tell)</span>" if row.get("asb_too_few") else ""
    return (
        f"<div class='tt-name'>{escape(str(row['name']))}</div>{town}"
        f"<div>ASB {int(row['asb_before']):,} → {int(row['asb_after']):,} ({change}){small}</div>"
        f"<div>{row['officer_hours']:,.0f} officer hours · {int(row['visits']):,} visits</div>"
        + _evaluation_lines(row)
    )


def _evaluation_lines(row: dict) -> str:
    """Significance and dosage lines, when the row carries them (geo.evaluation)."""
    if "asb_z" not in row:
        return ""
    if row["asb_too_few"]:
        verdict = "too few reports to tell"
    else:
        verdict = f"z = {row['asb_z']:.1f}" + (
            " (beyond chance)" if abs(row["asb_z"]) >= 1.96 else ""
        )
    ratio = (
        f"rate ratio {row['asb_rr']:.2f} ({row['asb_rr_low']:.2f}–{row['asb_rr_high']:.2f})"
        if not np.isnan(row["asb_rr"])
        else "no rate ratio (a zero count)"
    )
    dose = (
        f"{row['hours_per_week']:.1f} h/week · {row['minutes_per_visit']:.0f} min/visit · "
        f"{row['share_15_min']:.0%} of visits ≥15 min"
        if row["visits"]
        else "no patrol visits"
    )
    return (
        f"<div>{verdict} · {ratio}</div><div>{dose}</div><div>trend: {escape(row['trend'])}</div>"
    )


def format_change(value: float) -> str:
    """A change as '−25.0%' / '+3.1%', or 'no baseline' when it is empty."""
    if value is None or np.isnan(value):
        return "no baseline"
    sign = "−" if value < 0 else "+"
    return f"{sign}{abs(value):.1f}%"


def _add_polygons(m: folium.Map, features: dict, style: MapStyle) -> None:
    folium.GeoJson(
        features,
        name="Hotspots",
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.85,
            "color": "#222222",
            "weight": style.outline_weight,
        },
        highlight_function=lambda f: {"weight": style.outline_weight * 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, class_name="hotspot-tip"),
        smooth_factor=0,
    ).add_to(m)


def _add_dots(m: folium.Map, features: dict, style: MapStyle) -> None:
    """A dot per hotspot for zoomed-out views, where a 200 m polygon is a pixel or two."""
    dots = []
    for feature in features["features"]:
        point = shapely.from_geojson(json.dumps(feature["geometry"])).representative_point()
        dots.append({**feature, "geometry": json.loads(shapely.to_geojson(point))})
    folium.GeoJson(
        {"type": "FeatureCollection", "features": dots},
        name="Hotspot dots",
        marker=folium.CircleMarker(radius=style.dot_radius, fill=True, class_name="hotspot-dot"),
        style_function=lambda f: {
            "fill": True,
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.95,
            "color": "#222222",
            "weight": 1.5,
            "className": "hotspot-dot",
        },
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, class_name="hotspot-tip"),
    ).add_to(m)


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
    scale: Scale | BivariateScale, shown: pd.DataFrame, style: MapStyle = MapStyle()
) -> str:
    """The legend box: title with units, one swatch per class with its range and count."""
    if isinstance(scale, BivariateScale):
        return bivariate_legend_html(scale, shown, style)
    classes = scale.classify(shown[scale.metric].to_numpy(dtype=float))
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
        f"{''.join(reversed(rows)) if scale.metric == 'officer_hours' else ''.join(rows)}"
        "<div class='legend-note'>Number of hotspots in brackets.</div></div>"
    )


def bivariate_legend_html(scale: BivariateScale, shown: pd.DataFrame, style: MapStyle) -> str:
    """The square 3×3 legend: hours across, ASB outcome down, a count in each cell."""
    xs, ys = scale.classify(shown["officer_hours"].to_numpy(dtype=float), shown["asb_change_pct"])
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
    missing = int((ys == -1).sum())
    extra = _legend_row(MISSING_COLOUR, scale.missing_label, missing) if missing else ""
    return (
        f"<div class='hotspot-legend bivariate-legend' role='figure' aria-label='Map legend' "
        f"style='font-size:{style.legend_size}'>"
        f"<div class='legend-title'>{escape(scale.title)}</div>"
        f"<div class='legend-note'>{escape(scale.note)}</div>"
        f"<div class='bv-grid'>{''.join(cells)}</div>"
        "<div class='legend-note'>Across: officer patrol hours. Down: ASB against last year. "
        "Number of hotspots in each square.</div>"
        f"{extra}</div>"
    )


def _legend_row(colour: str, label: str, count: int) -> str:
    return (
        f"<div class='legend-row'><span class='swatch' style='background:{colour}'></span>"
        f"{escape(label)} ({count})</div>"
    )


def _css(style: MapStyle, tiles: TileSource, fill_frame: bool = False) -> str:
    fill = "#map_div {height:100vh !important; width:100% !important;}" if fill_frame else ""
    background = (
        "" if tiles.url else f".folium-map, .leaflet-container {{background:{PLAIN_BACKGROUND};}}"
    )
    halo = "0 0 3px #fff, 0 0 3px #fff, 0 0 5px #fff, 0 0 6px #fff"
    return f"""<style>
{fill}
{background}
.label {{pointer-events:none;}}
.label span {{white-space:nowrap; font-family:system-ui,sans-serif; color:#111; text-shadow:{halo};
  display:inline-block; transform:translate(-50%, 0.5em);}}
.hotspot-label {{font-size:{style.label_size}; font-weight:600;}}
.town-label {{font-size:{style.town_label_size}; font-weight:700; letter-spacing:0.02em;}}
.zoom-far .hotspot-label, .zoom-near .town-label, .zoom-near .hotspot-dot {{display:none;}}
.hotspot-tip {{font-family:system-ui,sans-serif; font-size:13px;}}
.hotspot-tip .tt-name {{font-weight:700; font-size:14px;}}
.hotspot-tip .tt-warn {{color:#a63603;}}
.hotspot-legend {{position:fixed; bottom:28px; right:10px; z-index:1000;
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


def selection_outline(hotspots: gpd.GeoDataFrame, hotspot_id: str | None) -> folium.FeatureGroup:
    """A thick outline round the selected hotspot, added without redrawing the whole map."""
    group = folium.FeatureGroup(name="Selected")
    chosen = hotspots[hotspots["hotspot_id"] == hotspot_id]
    if len(chosen):
        geometry = json.loads(shapely.to_geojson(chosen.geometry.iloc[0]))
        folium.GeoJson(
            {"type": "Feature", "geometry": geometry, "properties": {}},
            style_function=lambda f: {
                "color": "#000000",
                "weight": 5,
                "fill": False,
                "dashArray": "6 4",
            },
            interactive=False,
        ).add_to(group)
    return group


class _Labels(MacroElement):
    """Text labels as non-interactive Leaflet divIcons, earlier ones winning where two overlap.

    The text is escaped before it gets here.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (owner) {"""
        + _ON_MAP_JS
        + """
  var markers = [];
  {{ this.labels | tojson }}.forEach(function (label) {
    var icon = L.divIcon({
      html: "<span class='" + label[3] + "'>" + label[2] + "</span>",
      className: "label", iconSize: [0, 0], iconAnchor: [0, 0]
    });
    markers.push(L.marker([label[0], label[1]], {icon: icon, interactive: false, keyboard: false})
      .addTo(owner));
  });
  function declutter() {
    var taken = [];
    markers.forEach(function (marker) {
      var span = marker.getElement() && marker.getElement().firstChild;
      if (!span) { return; }
      span.style.visibility = "visible";
      var box = span.getBoundingClientRect();
      if (box.width === 0) { return; }
      var clash = taken.some(function (t) {
        return box.left < t.right && t.left < box.right && box.top < t.bottom && t.top < box.bottom;
      });
      if (clash) { span.style.visibility = "hidden"; } else { taken.push(box); }
    });
  }
  onMap(owner, function (map) {
    map.on("zoomend moveend resize", declutter);
    owner.on("remove", function () { map.off("zoomend moveend resize", declutter); });
    setTimeout(declutter, 0);
  });
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, labels: list[list]) -> None:
        super().__init__()
        self._name = "Labels"
        self.labels = labels


class _FitBounds(MacroElement):
    """Moves the map to the bounds when its layer group is added (no remount of the map)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (owner) {"""
        + _ON_MAP_JS
        + """
  onMap(owner, function (map) {
    map.fitBounds({{ this.bounds | tojson }}, {padding: [40, 40], maxZoom: 16});
  });
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitBounds"
        self.bounds = bounds
