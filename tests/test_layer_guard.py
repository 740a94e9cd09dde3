"""geo.io.layer_guard: one GDAL driver per suffix, and the content checks made before GDAL opens a
hotspot file. (Whole attacks through these checks are in tests/security/test_file_read.py.)"""

from __future__ import annotations

import json
import sqlite3

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

from geo.errors import HotspotDataError
from geo.io import layer_guard
from geo.io.layer_guard import (
    NO_NETWORK_OPTIONS,
    check_file,
    check_geojson,
    check_kml,
    check_opened_driver,
    check_shapefile_head,
    driver_for,
)

FRAME = gpd.GeoDataFrame(
    {"hotspot_id": ["A"], "name": ["A"]}, geometry=[box(-1.356, 53.012, -1.352, 53.015)], crs=4326
)


def _geojson(crs: dict | None = None, where: str = "top") -> bytes:
    feature = {"type": "Feature", "properties": {"hotspot_id": "A"}, "geometry": None}
    collection = {"type": "FeatureCollection", "features": [feature]}
    if crs is not None:
        (collection if where == "top" else feature)["crs"] = crs
    return json.dumps(collection).encode()


def _named(name: str) -> dict:
    return {"type": "name", "properties": {"name": name}}


def _geopackage(tmp_path, *sql: str):
    path = tmp_path / "h.gpkg"
    FRAME.to_file(path, driver="GPKG")
    with sqlite3.connect(path) as db:
        for statement in sql:
            db.execute(statement)
    return path


def test_each_suffix_has_its_one_driver_whatever_its_case(tmp_path):
    assert driver_for(tmp_path / "H.GEOJSON") == "GeoJSON"
    assert driver_for(tmp_path / "h.Gpkg") == "GPKG"
    assert driver_for(tmp_path / "h.zip") == "ESRI Shapefile"
    for name in ("h.vrt", "h.csv", "h.gml", "hotspots"):
        with pytest.raises(HotspotDataError, match=r"not a hotspot file; expected one of \.geo"):
            driver_for(tmp_path / name)


def test_geojson_is_opened_by_the_geojson_driver_only(tmp_path):
    path = tmp_path / "h.geojson"
    path.write_bytes(_geojson())
    assert check_file(path) == f"GeoJSON:{path}"
    gpkg = _geopackage(tmp_path)
    assert check_file(gpkg) == str(gpkg)


def test_a_file_over_the_size_limit_is_refused_by_name(tmp_path, monkeypatch):
    path = tmp_path / "h.geojson"
    path.write_bytes(_geojson())
    monkeypatch.setattr(layer_guard, "MAX_HOTSPOT_FILE_BYTES", len(path.read_bytes()) - 1)
    with pytest.raises(HotspotDataError, match=r"upload.geojson: is 0 MB; hotspot files over"):
        check_file(path, label="upload.geojson")


@pytest.mark.parametrize(
    "name", ["EPSG:27700", "urn:ogc:def:crs:EPSG::27700", "urn:ogc:def:crs:OGC:1.3:CRS84", "CRS84"]
)
def test_a_crs_given_by_its_code_is_accepted(name):
    check_geojson(_geojson(_named(name)), "h.geojson")
    check_geojson(b"\xef\xbb\xbf" + _geojson(_named(name)), "h.geojson")  # with a BOM


@pytest.mark.parametrize(
    "crs",
    [
        _named("/vsicurl/http://127.0.0.1/crs.wkt"),
        _named("file:///etc/passwd"),
        {"type": "link", "properties": {"href": "crs.prj", "type": "proj4"}},
        {"type": "EPSG", "properties": {"code": 27700}},
    ],
)
@pytest.mark.parametrize("where", ["top", "feature"])
def test_any_other_crs_anywhere_in_the_file_is_refused(crs, where):
    with pytest.raises(HotspotDataError, match="declares its CRS by a link or file") as caught:
        check_geojson(_geojson(crs, where), "h.geojson")
    assert caught.value.column == "crs"


def test_geojson_that_is_not_json_is_refused_with_the_parser_reason():
    with pytest.raises(HotspotDataError, match=r"h.geojson: is not valid JSON \(Expecting"):
        check_geojson(b'{"type": "FeatureCollection", "features": [}', "h.geojson")
    with pytest.raises(HotspotDataError, match="does not hold GeoJSON data"):
        check_geojson(b"[1, 2]", "h.geojson")


def test_kml_root_may_follow_a_prolog_and_comments_and_carry_a_prefix():
    check_kml(b'<?xml version="1.0"?>\n<!-- exported -->\n<kml:kml xmlns:kml="x"/>', "h.kml")
    check_kml(b"\xef\xbb\xbf<kml/>", "h.kml")
    with pytest.raises(HotspotDataError, match="does not hold KML data"):
        check_kml(b"<!-- <kml> --><gpx/>", "h.kml")


def test_kml_holding_a_virtual_dataset_anywhere_is_refused():
    kml = b"<kml><Document><description><OGRVRTDataSource/></description></Document></kml>"
    with pytest.raises(HotspotDataError, match="GDAL virtual dataset"):
        check_kml(kml, "h.kml")


def test_a_shapefile_starts_with_its_magic_number():
    check_shapefile_head(b"\x00\x00\x27\x0a" + bytes(96), "h.shp")
    with pytest.raises(HotspotDataError, match="does not hold Shapefile data"):
        check_shapefile_head(b"\x00\x00\x27\x0b" + bytes(96), "h.shp")


def test_a_geopackage_with_its_spatial_index_is_accepted(tmp_path):
    path = _geopackage(tmp_path)
    with sqlite3.connect(path) as db:
        kinds = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table'").fetchall()
    assert any("USING rtree" in (sql or "") for (sql,) in kinds)  # GDAL's own virtual table
    assert check_file(path) == str(path)


@pytest.mark.parametrize(
    "sql,message",
    [
        (["DROP TABLE gpkg_contents"], "has no gpkg_contents table"),
        (
            [
                "CREATE TABLE tiles_x (id INTEGER PRIMARY KEY)",
                "INSERT INTO gpkg_contents (table_name, data_type) VALUES ('tiles_x', 'tiles')",
            ],
            "layer 'tiles_x' is a tiles entry that is not a plain table",
        ),
        (
            ["INSERT INTO gpkg_contents (table_name, data_type) VALUES ('ghost', 'features')"],
            "layer 'ghost' is a features entry that is not a plain table",
        ),
        (["PRAGMA application_id = 0"], "does not hold GeoPackage data"),
    ],
)
def test_a_geopackage_that_is_not_plain_feature_tables_is_refused(tmp_path, sql, message):
    path = _geopackage(tmp_path, *sql)
    with pytest.raises(HotspotDataError, match=message):
        check_file(path, label="h.gpkg")


def test_the_driver_gdal_used_must_be_the_one_for_the_suffix(tmp_path):
    path = tmp_path / "h.geojson"
    path.write_bytes(_geojson())
    assert check_opened_driver(str(path), "GeoJSON", "h.geojson")["driver"] == "GeoJSON"
    with pytest.raises(HotspotDataError, match="was read as GeoJSON data, not GPKG"):
        check_opened_driver(str(path), "GPKG", "h.gpkg")
    with pytest.raises(HotspotDataError, match="cannot be read as a map layer"):
        check_opened_driver(str(tmp_path / "none.gpkg"), "GPKG", "none.gpkg")


def test_importing_the_guard_switches_gdal_network_access_off():
    for option, value in NO_NETWORK_OPTIONS.items():
        assert pyogrio.get_gdal_config_option(option) == value
