"""What the app's own map frame is sent: outlines once (escaped names, a digest to say which), then
per change a style table of colours, classes and tooltips, and never any outline."""

import json

import numpy as np
import shapely
from shapely.geometry import box

from geo.view.map_frame import (
    frame_geometry,
    frame_legend,
    frame_options,
    frame_styles,
    style_classes,
    town_places,
)
from geo.view.mapping import WALL_STYLE, MapStyle, fill_colours
from geo.view.outline_codec import decode_outline
from geo.view.scales import (
    BIVARIATE_3X3,
    MISSING_COLOUR,
    RDBU_7,
    asb_change_scale,
    bivariate_scale,
    hours_scale,
)
from geo.view.tiles import tile_source
from tests.test_mapping import HOSTILE, _inputs


def test_the_outlines_come_with_every_hotspot_and_decode_to_their_shapes():
    hotspots, _ = _inputs()
    geometry = frame_geometry(hotspots)
    data = json.loads(geometry.text)
    rows = data["hotspots"]
    assert [row[0] for row in rows] == ["a", "b", "c"]
    decimals = round(np.log10(data["q"]))
    for row, original in zip(rows, hotspots.geometry):
        outline = decode_outline(row[1], decimals)
        assert outline.normalize().equals_exact(original.normalize(), tolerance=1e-5)
        dot = shapely.Point(np.array(row[2]) / data["q"])
        assert original.buffer(1e-5).contains(dot)
        assert original.buffer(1e-5).contains(shapely.Point(row[3][1], row[3][0]))


def test_names_are_escaped_and_nothing_from_a_file_is_markup_in_the_outlines():
    hotspots, _ = _inputs()
    text = frame_geometry(hotspots).text
    assert "<" not in text and ">" not in text  # JSON-escaped raw towns, HTML-escaped names
    rows = json.loads(text)["hotspots"]
    assert rows[0][4] == "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
    assert rows[0][5] == "<i>Town</i>"  # the town as written: only compared, never drawn
    towns = {t[2]: t[3] for t in json.loads(text)["towns"]}
    assert towns["<i>Town</i>"] == "&lt;i&gt;Town&lt;/i&gt;"


def test_the_digest_follows_the_outlines():
    hotspots, _ = _inputs()
    first = frame_geometry(hotspots)
    assert frame_geometry(hotspots.copy()).key == first.key
    moved = hotspots.copy()
    moved.loc[0, "geometry"] = box(-1.37, 53.01, -1.35, 53.02)
    assert frame_geometry(moved).key != first.key


def test_town_names_go_to_the_centre_of_their_hotspots_busiest_first():
    hotspots, _ = _inputs()
    hotspots.loc[0, "town"] = "Heanor"  # two hotspots in Heanor now
    places = town_places(hotspots)
    assert [p[2] for p in places] == ["Heanor", "Shirebrook"]
    lat, lon = places[0][:2]
    assert 53.01 < lat < 53.02 and -1.36 < lon < -1.33


def test_the_style_table_has_a_fill_class_and_escaped_tooltip_for_each_hotspot_shown():
    _, table = _inputs()
    styles = frame_styles(table, asb_change_scale())
    assert list(styles) == ["a", "b", "c"]
    assert [s[0] for s in styles.values()] == [RDBU_7[0], RDBU_7[4], MISSING_COLOUR]
    assert [s[1] for s in styles.values()] == [0, 4, -1]
    assert styles["a"][2]["n"] == "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
    assert HOSTILE not in json.dumps(styles)
    shown = frame_styles(table[table["hotspot_id"] != "b"], asb_change_scale())
    assert list(shown) == ["a", "c"]  # a hotspot not shown has no style: the frame hides it


def test_classes_follow_the_colours_of_each_scale():
    _, table = _inputs()
    table["hours_per_week"] = [1.0, 7.5, np.nan]
    table["asb_change_pct"] = [-30.0, 10.0, -5.0]
    scale = bivariate_scale()
    classes = style_classes(table, scale)
    colours = fill_colours(table, scale)
    for kind, colour in zip(classes, colours):
        if kind < 0:
            assert colour == MISSING_COLOUR
        else:
            assert colour == BIVARIATE_3X3[kind // 3][kind % 3]
    hours = hours_scale()
    assert [hours.colours[k] for k in style_classes(table.iloc[:2], hours)] == fill_colours(
        table.iloc[:2], hours
    )


def test_the_legend_and_options_carry_no_outline_and_only_the_apps_own_assets():
    _, table = _inputs()
    legend = frame_legend(table, asb_change_scale(), MapStyle())
    assert "fell more than 40% (1)" in legend and "hotspot-legend" in legend
    options = frame_options(tile_source("none"), WALL_STYLE, wall=True)
    assert options["tiles"] is None and options["wall"] is True
    assert "#map_div {height:100vh" in options["css"]
    assert "http" not in json.dumps(options)


def test_the_frame_is_found_by_its_title_in_tests_and_on_the_wall():
    from pages._map_frame import FRAME_FILES, FRAME_TITLE
    from tools.app_server import HOTSPOT_MAP_TITLE, MAP_FRAME

    assert FRAME_TITLE == HOTSPOT_MAP_TITLE and f'iframe[title="{FRAME_TITLE}"]' in MAP_FRAME
    wall_css = (FRAME_FILES.parent.parent.parent / "pages" / "wall.css").read_text()
    assert f'iframe[title="{FRAME_TITLE}"]' in wall_css  # the wall sizes the map's frame
    page = (FRAME_FILES / "index.html").read_text()
    scripts = [line for line in page.splitlines() if "src=" in line or "href=" in line]
    assert scripts and all("//" not in line.split("=", 1)[1] for line in scripts)  # no CDN
