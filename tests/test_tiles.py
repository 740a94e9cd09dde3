"""Where map tiles come from: HOTSPOT_TILES (a URL template), OpenStreetMap by default, or none."""

import pytest

from geo.view.tiles import OSM_ATTRIBUTION, OSM_URL, tile_source


@pytest.fixture(autouse=True)
def no_tile_settings(monkeypatch):
    monkeypatch.delenv("HOTSPOT_TILES", raising=False)
    monkeypatch.delenv("HOTSPOT_TILES_ATTRIBUTION", raising=False)


@pytest.mark.parametrize("setting", [None, "", "  ", "osm", "OpenStreetMap"])
def test_openstreetmap_by_default(setting):
    tiles = tile_source(setting)
    assert (tiles.url, tiles.attribution, tiles.host) == (
        OSM_URL, OSM_ATTRIBUTION, "tile.openstreetmap.org",
    )  # fmt: skip


@pytest.mark.parametrize("setting", ["none", "NONE", " None "])
def test_none_means_no_tiles_and_no_outside_host(setting):
    tiles = tile_source(setting)
    assert tiles.url is None and tiles.host is None and tiles.attribution == ""


def test_a_forces_own_server_is_credited_by_its_host_unless_told(monkeypatch):
    own = "https://maps.force.example/tiles/{z}/{x}/{y}.png"
    assert tile_source(own).host == "maps.force.example"
    assert tile_source(own).attribution == "Tiles: maps.force.example"
    assert tile_source(own, "© Force GIS").attribution == "© Force GIS"
    monkeypatch.setenv("HOTSPOT_TILES_ATTRIBUTION", "© Ordnance Survey")
    assert tile_source(own).attribution == "© Ordnance Survey"


def test_the_environment_sets_the_source(monkeypatch):
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    assert tile_source().url is None
    monkeypatch.setenv("HOTSPOT_TILES", "http://127.0.0.1:9000/{z}/{x}/{y}.png")
    assert tile_source().url == "http://127.0.0.1:9000/{z}/{x}/{y}.png"
