"""geo.analysis.aggregate: the polygon test gives the same pairs on one core and on several."""

import numpy as np
import shapely

from geo.analysis.aggregate import points_in_polygons


def testpoints_in_polygons_split_across_threads_equals_one_pass():
    rng = np.random.default_rng(7)
    centres = rng.uniform(0, 1, (300, 2))
    polygons = shapely.buffer(shapely.points(centres), 0.03, quad_segs=8)
    xy = rng.uniform(0, 1, (20_000, 2))
    points = xy[:, 0] + 1j * xy[:, 1]
    one = points_in_polygons(points, polygons, workers=1)
    three = points_in_polygons(points, polygons, workers=3)
    assert len(one[0]) > 1_000  # overlapping circles: many points, some in several polygons
    assert np.array_equal(one[0], three[0]) and np.array_equal(one[1], three[1])
    inside = shapely.covered_by(shapely.points(xy[one[0]]), polygons[one[1]])
    assert inside.all()
