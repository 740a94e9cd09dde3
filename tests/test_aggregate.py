"""geo.analysis.aggregate: the polygon test gives exactly the pairs shapely's covered_by gives."""

import numpy as np
import shapely

from geo.analysis.aggregate import points_in_polygons


def _every_pair(points: np.ndarray, polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(point, polygon) pairs by testing every point against every polygon, in point order."""
    geoms = shapely.points(points.real, points.imag)
    inside = shapely.covered_by(geoms[:, None], polygons[None, :])
    return np.nonzero(inside)


def test_points_in_polygons_equals_testing_every_pair():
    """Overlapping circles, a polygon with a hole, a multipolygon, one polygon far larger than the
    rest (paired without the grid), an empty one, points on edges and corners and outside."""
    rng = np.random.default_rng(7)
    centres = rng.uniform(0, 1, (300, 2))
    circles = shapely.buffer(shapely.points(centres), 0.03, quad_segs=8)
    holed = shapely.Polygon([(0, 0), (0.4, 0), (0.4, 0.4), (0, 0.4)], [[(0.1, 0.1), (0.3, 0.1),
                            (0.3, 0.3), (0.1, 0.3)]])  # fmt: skip
    multi = shapely.MultiPolygon([shapely.box(0.5, 0.5, 0.55, 0.55), shapely.box(0.8, 0, 0.9, 0.1)])
    huge = shapely.box(-0.5, -0.5, 1.5, 1.5)
    polygons = np.array([*circles, holed, multi, huge, shapely.Polygon()], dtype=object)
    xy = rng.uniform(-0.6, 1.6, (20_000, 2))
    edges = [(0.4, 0.2), (0.1, 0.2), (0.5, 0.5), (0.55, 0.52), (1.5, 1.5), (-0.5, 0.0), (0, 0)]
    points = np.concatenate([xy[:, 0] + 1j * xy[:, 1], [complex(*p) for p in edges]])
    got = points_in_polygons(points, polygons)
    expected = _every_pair(points, polygons)
    assert len(got[0]) > 10_000  # many points, some in several polygons
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
    on_edges = got[0] >= len(xy)
    assert len(np.unique(got[0][on_edges])) == len(edges)  # every edge or corner point counted


def test_points_in_polygons_without_points_or_polygons():
    polygons = np.array([shapely.box(0, 0, 1, 1)], dtype=object)
    for points, shapes in ((np.array([], dtype=complex), polygons), (np.array([0.5 + 0.5j]),
                           np.array([], dtype=object))):  # fmt: skip
        point, polygon = points_in_polygons(points, shapes)
        assert len(point) == len(polygon) == 0
