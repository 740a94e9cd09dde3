"""The map rendered to HTML, without a browser: local assets only, escaping, legend, colours."""

import re
from html import escape

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geo.analysis.figures import SUMMARY_COLUMNS
from geo.view.mapping import (
    build_map,
    fill_colours,
    hotspot_data,
    legend_html,
    map_order,
    selection_outline,
    tooltip_fields,
)
from geo.view.outline_codec import decode_outline
from geo.view.scales import (
    BIVARIATE_3X3,
    MISSING_COLOUR,
    RDBU_7,
    asb_change_scale,
    bivariate_scale,
    hours_scale,
)
from geo.view.tiles import OSM_URL, tile_source

HOSTILE = "<b>Bold</b> & <img src=x onerror=alert(1)>"


def _inputs():
    hotspots = gpd.GeoDataFrame(
        {"hotspot_id": ["a", "b", "c"], "name": [HOSTILE, "Heanor Market", "Shirebrook"],
         "town": ["<i>Town</i>", "Heanor", "Shirebrook"], "started": pd.NaT},
        geometry=[box(-1.36, 53.01, -1.35, 53.02), box(-1.34, 53.01, -1.33, 53.02),
                  box(-1.22, 53.20, -1.21, 53.21)],
        crs="EPSG:4326",
    )  # fmt: skip
    table = pd.DataFrame(
        {"hotspot_id": ["a", "b", "c"], "name": hotspots["name"], "town": hotspots["town"],
         "asb_before": [40, 20, 0], "asb_after": [22, 21, 3], "asb_change_pct": [-45, 5.1, np.nan],
         "asb_too_few": [False, False, True], "crime_before": [100, 50, 10],
         "crime_after": [88, 49, 12], "crime_change_pct": [-12.0, -2.0, 20.0],
         "officer_hours": [500.0, 120.5, 0.0], "visits": [300, 80, 0], "arrests": [5, 1, 0],
         "engagements": [900, 200, 0]}
    )[SUMMARY_COLUMNS]  # fmt: skip
    return hotspots, table


def _render(scale=None, tiles="none"):
    hotspots, table = _inputs()
    fmap = build_map(hotspots, table, scale or asb_change_scale(), tile_source(tiles))
    return fmap.get_root().render()


def test_no_script_or_stylesheet_from_outside():
    html = _render(tiles="")
    sources = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"([^\"]+)\"", html)
    assert sources and all(s.startswith("/app/static/") for s in sources), sources
    assert OSM_URL in html  # only tiles come from outside
    for cdn in ("cdn.jsdelivr", "cdnjs", "unpkg", "d3js", "bootstrapcdn", "code.jquery"):
        assert cdn not in html


def test_no_tiles_means_no_tile_layer_and_a_plain_background():
    html = _render(tiles="none")
    assert "tileLayer" not in html and "openstreetmap" not in html.lower()
    assert "background:#eef0ec" in html


def test_values_from_files_are_escaped_everywhere():
    html = _render()
    assert "<b>Bold</b>" not in html and "<img src=x" not in html and "<i>Town</i>" not in html
    assert (
        html.count("\\u0026lt;b\\u0026gt;Bold") >= 2
    )  # tooltip and label, escaped then JSON-encoded


def test_one_outline_and_one_dot_per_hotspot_with_class_colours():
    hotspots, table = _inputs()
    shown = hotspots.merge(table, on=["hotspot_id", "name", "town"])
    data = hotspot_data(shown, asb_change_scale())
    assert [f["fill"] for f in data["features"]] == [RDBU_7[0], RDBU_7[4], MISSING_COLOUR]
    for feature, original in zip(data["features"], shown.geometry):
        outline = decode_outline(feature["g"], data["decimals"])
        assert outline.normalize().equals_exact(original.normalize(), tolerance=1e-5)
        dot = shapely.Point(np.array(feature["d"]) / data["q"])
        assert original.buffer(1e-5).contains(dot)
    html = _render()
    assert "decodeOutline" in html and "hotspotTooltip" in html


def test_tooltip_fields_are_numbers_or_escaped_text():
    _hotspots, table = _inputs()
    fields = tooltip_fields(table.iloc[2].to_dict())
    assert fields["c"] is None and fields["tf"] is True
    assert tooltip_fields(table.iloc[0].to_dict())["n"] == (
        "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
    )


def test_legend_has_title_units_breaks_and_counts():
    _, table = _inputs()
    legend = legend_html(asb_change_scale(), table)
    assert "ASB change on the same months last year" in legend
    assert "fell more than 40% (1)" in legend and "rose 5% to 20% (1)" in legend
    assert f"{asb_change_scale().missing_label} (1)" in legend
    table["hours_per_week"] = table["officer_hours"] / 52
    hours = legend_html(hours_scale(), table)
    assert "Officer patrol hours per week" in hours and "over 10 h a week (0)" in hours


def test_map_fits_the_hotspots():
    hotspots, table = _inputs()
    fmap = build_map(hotspots, table, asb_change_scale(), tile_source("none"))
    html = fmap.get_root().render()
    bounds = re.search(
        r"var bounds = \[\[([\d.\-]+), ([\d.\-]+)\], \[([\d.\-]+), ([\d.\-]+)\]\]", html
    )
    assert bounds is not None
    assert [float(v) for v in bounds.groups()] == pytest.approx([53.01, -1.36, 53.21, -1.21])


def test_tooltip_carries_the_primary_reading_and_its_verdict():
    """The tooltip's 'beyond chance' follows the primary (control-adjusted) p, never a z."""
    row = _inputs()[1].iloc[0].to_dict() | {
        "asb_rr": 0.55, "asb_rr_low": 0.33, "asb_rr_high": 0.93, "adjusted_ratio": 0.61,
        "adjusted_low": 0.36, "adjusted_high": 1.04, "adjusted_p": 0.07, "hours_per_week": 3.0,
        "minutes_per_visit": 20.0, "share_15_min": 0.5, "trend": "steady",
    }  # fmt: skip
    fields = tooltip_fields(row)
    assert (fields["ar"], fields["al"], fields["ah"]) == (0.61, 0.36, 1.04)
    assert fields["bc"] is False
    assert tooltip_fields(row | {"adjusted_p": 0.049})["bc"] is True
    assert tooltip_fields(row | {"adjusted_p": np.nan})["bc"] is False


def test_dots_are_in_a_group_so_a_click_names_the_hotspot():
    html = _render()
    assert "var dots = L.featureGroup().addTo(owner)" in html and "dot.addTo(dots)" in html


def test_map_order_is_the_order_of_the_keys():
    hotspots, table = _inputs()
    order = map_order(hotspots, table.iloc[::-1])
    shown = hotspots.merge(table.iloc[::-1], on=["hotspot_id", "name", "town"])
    data = hotspot_data(shown, asb_change_scale())
    names = dict(zip(hotspots["hotspot_id"], hotspots["name"]))
    assert [escape(names[i]) for i in order] == [f["p"]["n"] for f in data["features"]]


def test_selection_is_ringed_for_far_zooms_and_outlined_for_near():
    hotspots, _ = _inputs()
    html = _render_group(selection_outline(hotspots, "c"))
    assert html.count('"className": "selected-ring"') == 2
    assert "selected-ring" not in _render_group(selection_outline(hotspots, "nothing"))


def _render_group(group) -> str:
    fmap = folium.Map()
    group.add_to(fmap)
    return fmap.get_root().render()


def test_bivariate_legend_counts_hours_per_week_in_the_hours_maps_classes():
    hotspots, table = _inputs()
    table["hours_per_week"] = [1.0, 7.5, np.nan]  # no patrol data for the last
    table["asb_change_pct"] = [-30.0, 10.0, -5.0]
    shown = hotspots.merge(table, on=["hotspot_id", "name", "town"])
    scale = bivariate_scale()
    legend = legend_html(scale, shown)
    low, high = scale.hours_breaks
    assert f"up to {low:g} h" in legend and f"over {high:g} h" in legend
    assert "per week" in legend
    assert f"{scale.missing_label} (1)" in legend
    assert fill_colours(shown, scale) == [BIVARIATE_3X3[0][0], BIVARIATE_3X3[2][1], MISSING_COLOUR]


def test_a_change_too_few_reports_can_tell_is_grey_on_the_maps_and_in_their_legends():
    hotspots, table = _inputs()
    table["asb_change_pct"] = [-45.0, -60.0, np.nan]
    table["asb_too_few"] = [False, True, True]  # b fell 60%, on too few reports to tell
    table["hours_per_week"] = 12.0
    shown = hotspots.merge(table, on=["hotspot_id", "name", "town"])
    scale = asb_change_scale()
    assert fill_colours(shown, scale) == [scale.colours[0], MISSING_COLOUR, MISSING_COLOUR]
    legend = legend_html(scale, shown)
    assert "fell more than 40% (1)" in legend and f"{scale.missing_label} (2)" in legend
    assert fill_colours(shown, bivariate_scale())[1:] == [MISSING_COLOUR, MISSING_COLOUR]
    assert f"{bivariate_scale().missing_label} (2)" in legend_html(bivariate_scale(), shown)
    hours = fill_colours(shown, hours_scale())  # hours are told whatever the ASB counts
    assert MISSING_COLOUR not in hours and len(set(hours)) == 1
