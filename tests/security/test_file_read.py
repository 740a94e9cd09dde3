"""Item: hotspot files that make GDAL read other server files or fetch internal URLs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from geo.cli import main
from geo.errors import HotspotDataError
from geo.io.hotspots import read_hotspots
from geo.store.imports.uploads import check_uploads
from tests.helpers import small_dataset, tree
from tests.security.attacks import (
    SECRET,
    geojson_with_crs,
    internal_server,
    secret_file,
    vrt_in_zip,
    vrt_xml,
)


@pytest.mark.parametrize("name", ["hotspots.geojson", "hotspots.json", "hotspots.kml"])
def test_virtual_dataset_under_a_hotspot_name_is_refused_by_the_page_check(tmp_path, name):
    data = small_dataset(tmp_path / "data")
    staged = check_uploads(data, hotspots=(name, vrt_xml(str(secret_file(tmp_path)))))
    assert staged.hotspots is None
    assert staged.errors and staged.errors[0].file == name
    assert SECRET not in staged.findings_table().to_string()


def test_virtual_dataset_as_shapefile_in_zip_is_refused(tmp_path):
    data = small_dataset(tmp_path / "data")
    archive = vrt_in_zip(tmp_path / "hotspots.zip", str(secret_file(tmp_path)))
    staged = check_uploads(data, hotspots=("hotspots.zip", archive.read_bytes()))
    assert staged.hotspots is None and staged.errors
    assert "Shapefile" in staged.errors[0].message
    assert SECRET not in staged.findings_table().to_string()


@pytest.mark.parametrize("name", ["hotspots.geojson", "hotspots.kml", "hotspots.zip"])
def test_geo_import_refuses_virtual_dataset_and_leaves_the_dataset(tmp_path, capsys, name):
    data = small_dataset(tmp_path / "data")
    (data / "patrols.csv").unlink()  # nothing else stops these hotspots
    before = tree(data)
    path, secret = tmp_path / name, str(secret_file(tmp_path))
    if name.endswith(".zip"):
        vrt_in_zip(path, secret)
    else:
        path.write_bytes(vrt_xml(secret))
    assert main(["import", "--data", str(data), "hotspots", str(path)]) == 2
    assert tree(data) == before
    out, err = capsys.readouterr()
    assert SECRET not in out + err


def test_virtual_dataset_pointing_at_an_internal_url_makes_no_request(tmp_path):
    data = small_dataset(tmp_path / "data")
    with internal_server() as (address, requests):
        upload = vrt_xml(f"/vsicurl/{address}/internal.csv")
        staged = check_uploads(data, hotspots=("hotspots.kml", upload))
    assert staged.errors
    assert requests == []


def test_network_paths_are_never_fetched(tmp_path):
    """Even opened directly, GDAL's network file systems are switched off in this process."""
    import pyogrio

    with internal_server() as (address, requests):
        for prefix in ("/vsicurl/", "/vsicurl_streaming/"):
            with pytest.raises(pyogrio.errors.DataSourceError):
                pyogrio.read_info(f"{prefix}{address}/hotspots.geojson")
        with pytest.raises(HotspotDataError, match="file not found"):
            read_hotspots(f"/vsicurl/{address}/hotspots.geojson")
    assert requests == []


def test_geojson_crs_link_is_refused_without_a_request(tmp_path):
    with internal_server() as (address, requests):
        link = {"type": "link", "properties": {"href": f"{address}/crs.wkt", "type": "ogcwkt"}}
        path = geojson_with_crs(tmp_path / "hotspots.geojson", link)
        with pytest.raises(HotspotDataError, match="link or file") as caught:
            read_hotspots(path)
        escaped = path.read_text().replace('"crs"', '"\\u0043RS"')  # json escapes; GDAL's case
        (tmp_path / "escaped.geojson").write_text(escaped)
        with pytest.raises(HotspotDataError, match="link or file"):
            read_hotspots(tmp_path / "escaped.geojson")
    assert requests == []
    assert "hotspots.geojson" in str(caught.value)


def test_geojson_crs_naming_a_code_is_still_read(tmp_path):
    name = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    frame = read_hotspots(geojson_with_crs(tmp_path / "hotspots.geojson", name))
    assert list(frame["hotspot_id"]) == ["A"]


@pytest.mark.parametrize(
    "name,content,kind",
    [
        ("h.gpkg", b"{}", "GeoPackage"),
        ("h.kml", b"<?xml version='1.0'?><gpx></gpx>", "KML"),
        ("h.shp", b"PK\x03\x04 not a shapefile", "Shapefile"),
        ("h.geojson", b"<kml></kml>", "GeoJSON"),
    ],
)
def test_content_must_match_the_suffix(tmp_path, name, content, kind):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(HotspotDataError, match=f"does not hold {kind} data"):
        read_hotspots(path)


def test_kml_with_entities_is_refused(tmp_path):
    path = tmp_path / "h.kml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file://{secret_file(tmp_path)}">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&x;</name>'
        '<ExtendedData><Data name="hotspot_id"><value>A</value></Data></ExtendedData>'
        "<Polygon><outerBoundaryIs><LinearRing><coordinates>-1.356,53.012 -1.352,53.012 "
        "-1.352,53.015 -1.356,53.012</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        "</Placemark></Document></kml>"
    )
    with pytest.raises(HotspotDataError, match="entities"):
        read_hotspots(path)


def test_zip_member_named_like_a_network_path_stays_inside_the_zip(tmp_path):
    archive = tmp_path / "h.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("vsicurl/http:/127.0.0.1/x.shp", b"\x00\x00\x27\x0a" + bytes(96))
    with pytest.raises(HotspotDataError):
        read_hotspots(archive)


def test_good_hotspot_files_of_every_kind_still_import(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    frame = gpd.GeoDataFrame(
        {"hotspot_id": ["A", "B"], "name": ["A", "B"]},
        geometry=[box(-1.356, 53.012, -1.352, 53.015), box(-1.35, 53.0, -1.34, 53.01)],
        crs=4326,
    )
    folder = Path(tmp_path)
    for name, driver in (("h.gpkg", "GPKG"), ("h.kml", "KML"), ("h.geojson", "GeoJSON")):
        frame.to_file(folder / name, driver=driver)
        assert list(read_hotspots(folder / name)["hotspot_id"]) == ["A", "B"]


def test_links_inside_kml_geopackage_and_shapefile_are_never_fetched(tmp_path):
    """A KML network link, style and icon, a GeoPackage CRS given as a URL and a .prj that is a
    URL: reading them makes no request (the layer is read, or refused, from the file alone)."""
    import sqlite3

    import geopandas as gpd
    from shapely.geometry import box

    frame = gpd.GeoDataFrame(
        {"hotspot_id": ["A"], "name": ["A"]},
        geometry=[box(-1.356, 53.012, -1.352, 53.015)],
        crs=4326,
    )
    with internal_server() as (address, requests):
        kml = tmp_path / "h.kml"
        kml.write_text(
            '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            f"<NetworkLink><Link><href>{address}/net.kml</href></Link></NetworkLink>"
            f'<Style id="s"><IconStyle><Icon><href>{address}/i.png</href></Icon></IconStyle>'
            f"</Style><Placemark><name>A</name><styleUrl>{address}/s.kml#s</styleUrl>"
            '<ExtendedData><Data name="hotspot_id"><value>A</value></Data></ExtendedData>'
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>-1.356,53.012 -1.352,53.012 "
            "-1.352,53.015 -1.356,53.012</coordinates></LinearRing></outerBoundaryIs></Polygon>"
            "</Placemark></Document></kml>"
        )
        read_hotspots(kml)
        gpkg = tmp_path / "h.gpkg"
        frame.to_file(gpkg, driver="GPKG")
        with sqlite3.connect(gpkg) as db:
            db.execute(
                "UPDATE gpkg_spatial_ref_sys SET definition = ?, organization = 'NONE' "
                "WHERE srs_id = 4326",
                (f"{address}/crs.wkt",),
            )
        with pytest.raises(HotspotDataError):
            read_hotspots(gpkg)
        folder = tmp_path / "shp"
        folder.mkdir()
        frame.to_file(folder / "h.shp")
        (folder / "h.prj").write_text(f"{address}/prj.wkt")
        archive = tmp_path / "h.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for part in folder.iterdir():
                zipped.write(part, part.name)
        with pytest.raises(HotspotDataError):
            read_hotspots(archive)
    assert requests == []
