"""Hotspot readers: every format, CRS handling, and refusals that name the file."""

import json
import zipfile

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box

from geo.errors import HotspotDataError
from geo.io.hotspots import read_hotspots
from tests.helpers import zipped_shapefile

HEANOR = box(-1.356, 53.012, -1.352, 53.015)


def _frame(crs="EPSG:4326", geometry=HEANOR):
    frame = gpd.GeoDataFrame(
        {"hotspot_id": ["HS-1"], "name": ["Heanor Market Place"], "town": ["Heanor"],
         "started": ["2025-10-01"]},
        geometry=[geometry], crs="EPSG:4326",
    )  # fmt: skip
    return frame.to_crs(crs)


# checks outputs


@pytest.mark.parametrize(
    "suffix,driver", [(".geojson", "GeoJSON"), (".gpkg", "GPKG"), (".kml", "KML")]
)
def test_reads_each_format(tmp_path, suffix, driver):
    path = tmp_path / f"hotspots{suffix}"
    _frame().to_file(path, driver=driver)
    frame = read_hotspots(path)
    assert list(frame["hotspot_id"]) == ["HS-1"]
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].normalize().equals_exact(HEANOR.normalize(), tolerance=1e-6)


def test_reads_zipped_shapefile_in_british_national_grid(tmp_path):
    frame = read_hotspots(zipped_shapefile(tmp_path, _frame()))
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].normalize().equals_exact(HEANOR.normalize(), tolerance=1e-6)


def test_geopackage_in_british_national_grid_is_reprojected(tmp_path):
    path = tmp_path / "bng.gpkg"
    _frame("EPSG:27700").to_file(path, driver="GPKG")
    frame = read_hotspots(path)
    assert frame.geometry.iloc[0].normalize().equals_exact(HEANOR.normalize(), tolerance=1e-6)


def test_multipolygon_and_started_date(tmp_path):
    multi = MultiPolygon([box(0, 50, 0.001, 50.001), box(0.002, 50, 0.003, 50.001)])
    path = tmp_path / "multi.geojson"
    _frame(geometry=multi).to_file(path)
    frame = read_hotspots(path)
    assert frame.geometry.iloc[0].geom_type == "MultiPolygon"
    assert str(frame["started"].iloc[0].date()) == "2025-10-01"


def test_self_intersecting_polygon_is_repaired(tmp_path):
    bowtie = Polygon([(0, 50), (0.001, 50.001), (0.001, 50), (0, 50.001)])
    path = tmp_path / "bowtie.geojson"
    _frame(geometry=bowtie).to_file(path)
    geometry = read_hotspots(path).geometry.iloc[0]
    assert geometry.is_valid and geometry.area > 0


# checks inputs


def _geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _feature(props, coords):
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [coords]}}  # fmt: skip


def test_grid_metres_without_crs_are_named_as_such(tmp_path):
    square = [
        [443000, 343000],
        [443200, 343000],
        [443200, 343200],
        [443000, 343200],
        [443000, 343000],
    ]
    path = _geojson(tmp_path / "bng.geojson", [_feature({"hotspot_id": "a", "name": "A"}, square)])
    with pytest.raises(HotspotDataError, match="British National Grid") as caught:
        read_hotspots(path)
    assert "bng.geojson" in str(caught.value)


def test_points_are_refused_with_row(tmp_path):
    frame = gpd.GeoDataFrame(
        {"hotspot_id": ["a"], "name": ["A"]}, geometry=[Point(0, 50)], crs=4326
    )
    frame.to_file(tmp_path / "points.geojson")
    with pytest.raises(HotspotDataError, match=r"row 1.*Point; hotspots must be polygons"):
        read_hotspots(tmp_path / "points.geojson")


def test_duplicate_ids_are_refused(tmp_path):
    square = [[0, 50], [0.001, 50], [0.001, 50.001], [0, 50], [0, 50]]
    features = [_feature({"hotspot_id": "a", "name": n}, square) for n in ("A", "B")]
    with pytest.raises(HotspotDataError, match=r"row 2, column 'hotspot_id'.*more than once"):
        read_hotspots(_geojson(tmp_path / "dup.geojson", features))


def test_missing_id_column_is_named(tmp_path):
    square = [[0, 50], [0.001, 50], [0.001, 50.001], [0, 50], [0, 50]]
    path = _geojson(tmp_path / "noid.geojson", [_feature({"name": "A"}, square)])
    with pytest.raises(HotspotDataError, match="no 'hotspot_id' column"):
        read_hotspots(path)


def test_zip_without_shapefile_is_refused(tmp_path):
    archive = tmp_path / "nothing.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "no layer here")
    with pytest.raises(HotspotDataError, match=r"nothing.zip: the zip holds no .shp"):
        read_hotspots(archive)


@pytest.mark.parametrize(
    "content", [b"", b"\x00\x01\x02garbage", b'{"type": "FeatureCollection", "feat']
)
def test_broken_files_are_refused(tmp_path, content):
    path = tmp_path / "broken.geojson"
    path.write_bytes(content)
    with pytest.raises(HotspotDataError, match="broken.geojson"):
        read_hotspots(path)


@pytest.mark.filterwarnings("ignore:More than one layer found")
def test_one_layer_formats_are_read_without_listing_layers(tmp_path, monkeypatch):
    """GeoJSON and Shapefiles hold one layer by their format: listing layers would parse the
    file once more for nothing; a GeoPackage with two layers is still refused."""
    geojson = tmp_path / "hotspots.geojson"
    _frame().to_file(geojson)
    shapefile = zipped_shapefile(tmp_path, _frame())
    gpkg = tmp_path / "two.gpkg"
    _frame().to_file(gpkg, layer="hotspots", driver="GPKG")
    _frame().to_file(gpkg, layer="other", driver="GPKG")
    listed = []
    real_list_layers = pyogrio.list_layers
    monkeypatch.setattr(pyogrio, "list_layers", lambda source: listed.append(source) or
                        real_list_layers(source))  # fmt: skip
    for path in (geojson, shapefile):
        assert list(read_hotspots(path)["hotspot_id"]) == ["HS-1"]
    assert listed == []
    with pytest.raises(HotspotDataError, match="holds 2 map layers"):
        read_hotspots(gpkg)
    assert len(listed) == 1
