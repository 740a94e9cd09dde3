"""Map outlines: fewer bytes, every original vertex within 1 m, shared edges kept shared."""

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.view.mapping import hotspot_data
from geo.view.outline_codec import decode_outline
from geo.view.payload import geojson_bytes, map_geometries
from geo.view.scales import asb_change_scale

DERBY = (435_000.0, 336_000.0)  # British National Grid metres


def _circle(x: float, y: float, radius: float) -> shapely.Polygon:
    """A 64-corner circle, as a GIS buffer of a point draws it."""
    angle = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    return shapely.Polygon(
        np.column_stack([x + radius * np.cos(angle), y + radius * np.sin(angle)])
    )


def _halves(x: float, y: float, radius: float) -> list[shapely.Polygon]:
    """A circle cut by a wavy line into two neighbours that share that line."""
    t = np.linspace(-1, 1, 17)
    cut = np.column_stack([x + 0.1 * radius * np.sin(3 * t), y + radius * t])
    arc = np.linspace(np.pi / 2, 3 * np.pi / 2, 49)[1:-1]
    west = np.column_stack([x + radius * np.cos(arc), y + radius * np.sin(arc)])
    east = np.column_stack([x - radius * np.cos(arc), y + radius * np.sin(arc)])
    return [
        shapely.Polygon(np.vstack([cut, west])),
        shapely.Polygon(np.vstack([cut[::-1], east[::-1]])),
    ]


def _wgs(shapes: list[shapely.Geometry]) -> gpd.GeoSeries:
    return gpd.GeoSeries(shapes, crs="EPSG:27700").to_crs("EPSG:4326")


def _metres(values: np.ndarray) -> np.ndarray:
    return gpd.GeoSeries(values, crs="EPSG:4326").to_crs("EPSG:27700").values.to_numpy()


def _largest_vertex_shift(before: gpd.GeoSeries, after: np.ndarray) -> float:
    """Independently of geo.view.payload: each original vertex's distance to the new outline."""
    old, new = _metres(before.values), _metres(after)
    worst = 0.0
    for original, drawn in zip(old, new):
        vertices = shapely.points(shapely.get_coordinates(original))
        worst = max(worst, float(shapely.distance(vertices, shapely.boundary(drawn)).max()))
    return worst


@pytest.fixture
def town() -> gpd.GeoSeries:
    """Circles of 150-300 m and two pairs of neighbours, none overlapping."""
    x, y = DERBY
    shapes = [_circle(x + 700 * i, y, 150 + 15 * i) for i in range(11)]
    shapes += _halves(x, y + 900, 220) + _halves(x + 700, y + 900, 280)
    return _wgs(shapes)


# checks outputs


def test_every_original_vertex_stays_within_a_metre(town):
    assert _largest_vertex_shift(town, map_geometries(town)) <= 1.0


def test_fewer_bytes_than_rounding_alone(town):
    rounded = shapely.set_precision(town.values.to_numpy(), 1e-6)
    assert geojson_bytes(map_geometries(town)) < 0.9 * geojson_bytes(rounded)


def test_neighbours_keep_their_shared_edge(town):
    drawn = _metres(map_geometries(town))
    before = _metres(town.values)
    for a, b in ((11, 12), (13, 14)):
        shared = shapely.intersection(shapely.boundary(before[a]), shapely.boundary(before[b]))
        kept = shapely.intersection(shapely.boundary(drawn[a]), shapely.boundary(drawn[b]))
        assert shapely.length(kept) == pytest.approx(shapely.length(shared), rel=0.01)
        assert shapely.area(shapely.intersection(drawn[a], drawn[b])) < 0.01
    assert shapely.coverage_is_valid(drawn)


def test_overlapping_hotspots_are_simplified_one_by_one():
    x, y = DERBY
    overlapping = _wgs([_circle(x, y, 250), _circle(x + 200, y, 250)])
    drawn = map_geometries(overlapping)
    assert shapely.is_valid(drawn).all()
    assert _largest_vertex_shift(overlapping, drawn) <= 1.0


def test_multipolygon_stays_one_feature_with_its_parts():
    x, y = DERBY
    blocks = _wgs([shapely.MultiPolygon([_circle(x, y, 160), _circle(x + 500, y, 160)])])
    (drawn,) = map_geometries(blocks)
    assert drawn.geom_type == "MultiPolygon" and len(drawn.geoms) == 2
    assert _largest_vertex_shift(blocks, np.array([drawn])) <= 1.0


def test_outlines_in_grid_metres_come_back_in_degrees():
    x, y = DERBY
    (drawn,) = map_geometries(gpd.GeoSeries([_circle(x, y, 200)], crs="EPSG:27700"))
    lon, lat = shapely.get_coordinates(drawn).mean(axis=0)
    assert -2 < lon < -1 and 52 < lat < 54


def test_no_outlines_is_no_outlines():
    assert len(map_geometries(gpd.GeoSeries([], crs="EPSG:4326"))) == 0


def test_the_same_outlines_are_worked_out_once(town):
    assert map_geometries(town) is map_geometries(town.copy())


def test_the_map_sends_the_lighter_outlines(town):
    shown = gpd.GeoDataFrame(
        {"hotspot_id": [f"h{i}" for i in range(len(town))], "name": "n", "town": "t",
         "asb_before": 10, "asb_after": 8, "asb_change_pct": -20.0, "asb_too_few": False,
         "officer_hours": 1.0, "visits": 1},
        geometry=town.values, crs="EPSG:4326",
    )  # fmt: skip
    data = hotspot_data(shown, asb_change_scale())
    sent = sum(len(json.dumps(f["g"])) for f in data["features"])
    assert sent < 0.5 * sum(len(json.dumps(shapely.geometry.mapping(g))) for g in town.values)
    decoded = np.array([decode_outline(f["g"], data["decimals"]) for f in data["features"]])
    assert _largest_vertex_shift(town, decoded) <= 1.0
