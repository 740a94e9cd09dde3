"""geo.counting.aggregate: the polygon test gives exactly the pairs shapely's covered_by gives."""

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.counting.aggregate import CrimeTally, count_crimes, points_in_polygons


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


def _crime_rows(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    """Rows on a few hundred snapped points (some without a location), over three months."""
    points = rng.uniform(0, 1, (400, 2)).round(3)
    at = points[rng.integers(0, len(points), rows)]
    at[rng.random(rows) < 0.02] = np.nan
    return pd.DataFrame(
        {
            "month": rng.integers(650, 653, rows).astype(np.int32),
            "lon": at[:, 0],
            "lat": at[:, 1],
            "asb": rng.random(rows) < 0.3,
        }
    )


def _overlapping_hotspots() -> gpd.GeoDataFrame:
    circles = shapely.buffer(shapely.points([(0.3, 0.3), (0.35, 0.3), (0.8, 0.6)]), 0.1)
    return gpd.GeoDataFrame(
        {"hotspot_id": ["A", "B", "C"]}, geometry=list(circles), crs="EPSG:4326"
    )


def test_counting_in_batches_gives_the_counts_of_every_row_at_once():
    """Split anywhere (an empty batch too), a tally numbers points and counts exactly as one
    pass over every row does, and its hotspot counts are those of testing each row."""
    rows, hotspots = _crime_rows(np.random.default_rng(3), 6_000), _overlapping_hotspots()
    whole = count_crimes(rows, hotspots)
    tally = CrimeTally(hotspots)
    for part in np.split(np.arange(len(rows)), [0, 1_000, 1_001, 4_500]):
        tally.add(*(rows[c].to_numpy()[part] for c in ("month", "lon", "lat", "asb")))
    batched = tally.counts()
    for name in ("force", "hotspot", "point_months", "membership"):
        pd.testing.assert_frame_equal(getattr(batched, name), getattr(whole, name))
    located = rows.dropna()
    points = shapely.points(located["lon"], located["lat"])
    expected = {}
    for hotspot_id, polygon in zip(hotspots["hotspot_id"], hotspots.geometry):
        hits = located[shapely.covered_by(points, polygon)]
        for month, group in hits.groupby("month"):
            expected[hotspot_id, month] = (len(group), int(group["asb"].sum()))
    got = {(h, m): (c, a) for h, m, c, a in whole.hotspot.itertuples(index=False)}
    assert got == expected and len(got) == 9
    assert whole.force["crime"].sum() == len(rows)
    assert whole.force["no_location"].sum() == rows["lon"].isna().sum()


def test_a_tally_of_no_rows_counts_nothing():
    counts = CrimeTally(_overlapping_hotspots()).counts()
    assert counts.force.empty and counts.hotspot.empty and counts.membership.empty


def test_points_met_batch_by_batch_are_numbered_as_in_one_pass():
    from geo.counting.aggregate import _PointNumbers

    rng = np.random.default_rng(11)
    grid = rng.integers(0, 60, (20_000, 2)) / 7
    points = grid[:, 0] + 1j * grid[:, 1]  # about 3,600 places, most met many times
    numbers, got = _PointNumbers(), []
    for batch in np.array_split(points, 10):
        codes, distinct = pd.factorize(batch)
        got.append(numbers.of(distinct)[0][codes])
    expected, places = pd.factorize(points)
    assert np.array_equal(np.concatenate(got), expected) and numbers.count == len(places)
