"""The compact outline form round-trips exactly and is much smaller than GeoJSON."""

import json

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from geo.view.outline_codec import decimals_of, decode_outline, encode_outline


def test_polygon_with_hole_round_trips():
    outer = [
        (-1.354612, 53.012345),
        (-1.353001, 53.012345),
        (-1.353001, 53.0135),
        (-1.354612, 53.0135),
    ]
    hole = [(-1.354, 53.0128), (-1.3536, 53.0128), (-1.3536, 53.0131)]
    polygon = Polygon(outer, [hole])
    encoded = encode_outline(polygon, 6)
    assert encoded["t"] == "P" and len(encoded["c"]) == 2
    assert decode_outline(encoded, 6).equals_exact(polygon, tolerance=1e-9)


def test_multipolygon_round_trips_and_is_small():
    rng = np.random.default_rng(1)
    angles = np.linspace(0, 2 * np.pi, 65)[:-1]
    ring = np.column_stack([-1.35 + 0.002 * np.cos(angles), 53.01 + 0.0012 * np.sin(angles)])
    blob = Polygon(np.round(ring + rng.normal(0, 1e-5, ring.shape), 6))
    multi = MultiPolygon([blob, box(-1.30, 53.0, -1.299, 53.001)])
    encoded = encode_outline(multi, 6)
    assert decode_outline(encoded, 6).equals_exact(multi, tolerance=1e-9)
    assert len(json.dumps(encoded, separators=(",", ":"))) < 0.45 * len(shapely.to_geojson(multi))


def test_decimals_found_from_the_coordinates():
    assert decimals_of(np.array([box(-1.12345, 53.1, -1.1, 53.2)])) == 5
    assert decimals_of(np.array([box(-1.123456, 53.1, -1.1, 53.2)])) == 6
    assert decimals_of(np.array([box(-1.1234567, 53.1, -1.1, 53.2)])) == 7
