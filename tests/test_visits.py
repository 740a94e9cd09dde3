"""GPS pings to visits: the fast hotspot test against exact distances, the visit order, visits
joined across files, and how local times are read."""

from __future__ import annotations

import numpy as np

from geo.counting.ping_files import visits_from_files
from geo.counting.visits import HotspotIndex
from tests.pings_helpers import at, every, hotspots, stay, write_pings


def test_the_fast_test_agrees_with_exact_distances_in_grid_metres():
    """Random pings near overlapping and concave hotspots: counted exactly when their distance
    in grid metres is within the tolerance (except within 1 cm of it)."""
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    from geo.counting.visits import HotspotIndex

    rng = np.random.default_rng(7)
    x0, y0 = 430_000.0, 360_000.0
    shapes = [
        shapely.Point(x0, y0).buffer(150),
        shapely.Point(x0 + 200, y0).buffer(120),  # overlaps the first
        shapely.Polygon([(x0 - 400, y0 - 400), (x0 - 100, y0 - 400), (x0 - 100, y0 - 300),
                         (x0 - 300, y0 - 300), (x0 - 300, y0 - 100), (x0 - 400, y0 - 100)]),
    ]  # fmt: skip
    frame = gpd.GeoDataFrame({"hotspot_id": ["a", "b", "c"]}, geometry=shapes, crs=27700)
    x = rng.uniform(x0 - 500, x0 + 400, 60_000)
    y = rng.uniform(y0 - 500, y0 + 250, 60_000)
    lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(x, y)
    index = HotspotIndex.build(frame, 20.0)
    point, hotspot = index.match(np.asarray(lon), np.asarray(lat))
    found = set(zip(point.tolist(), hotspot.tolist(), strict=True))
    distance = np.stack([shapely.distance(s, shapely.points(x, y)) for s in shapes], axis=1)
    clear = np.abs(distance - 20.0) > 0.01
    expected = {(int(p), int(h)) for p, h in zip(*np.nonzero((distance <= 20.0) & clear))}
    assert {pair for pair in found if clear[pair]} == expected
    assert len(expected) > 10_000
    assert len({p for p, _h in expected if (distance[p] <= 20).sum() == 2}) > 100  # overlaps


def test_the_packed_sort_orders_as_a_three_key_sort():
    from geo.counting.visits import CountingPings, _visit_order

    rng = np.random.default_rng(3)
    n = 5_000
    for span in (3_000, 2**61):  # fits the packed key; does not (the three-key sort is used)
        seconds = rng.integers(0, span, n, dtype=np.int64)
        pings = CountingPings(
            hotspot=rng.integers(0, 3, n).astype(np.int32),
            officer=rng.integers(0, 4, n).astype(np.int32),
            role=np.zeros(n, np.int8),
            seconds=seconds,
        )
        expected = np.lexsort((pings.seconds, pings.officer, pings.hotspot))
        assert np.array_equal(_visit_order(pings), expected)


def test_visits_from_files_sorted_one_by_one_are_the_visits_of_all_sorted_at_once():
    """Ties (one officer, one hotspot, one second, two roles) keep the order they were read in."""
    from geo.counting.visits import CountingPings, VisitRules, build_visits

    rng = np.random.default_rng(4)
    parts = []
    for _file in range(3):
        n = 2_000
        parts.append(
            CountingPings(
                hotspot=rng.integers(0, 3, n).astype(np.int32),
                officer=rng.integers(0, 4, n).astype(np.int32),
                role=rng.integers(0, 5, n).astype(np.int8),
                seconds=rng.integers(0, 2_000, n).astype(np.int64) * 60,  # many ties
            )
        )
    rules = VisitRules()
    at_once = build_visits(CountingPings.join(parts), rules)
    one_by_one = CountingPings.join([part.in_visit_order() for part in parts])
    assert build_visits(one_by_one, rules).equals(at_once)
    assert at_once["pings"].sum() == 6_000 and len(at_once) > 100


def test_points_off_the_grid_or_without_a_number_match_nothing():
    index = HotspotIndex.build(hotspots(["A", "B"]), 20.0)
    lon, lat = (
        np.array([at(0)[0], np.nan, 179.0, at(1)[0]]),
        np.array([at(0)[1], 53.0, -89.0, np.nan]),
    )
    point, hotspot = index.match(lon, lat)
    assert point.tolist() == [0] and hotspot.tolist() == [0]


def test_shared_visits_name_no_officer_and_keep_one_order_whatever_the_codes(tmp_path):
    from geo.counting.visits import SHARED_VISIT_COLUMNS, shared_visits

    rows = []
    for officer, minute in (("o1", 0), ("o2", 3), ("o3", 30)):
        start = f"2025-10-01T10:{minute:02d}:00Z"
        rows += stay(officer, at(0), every(start, f"2025-10-01T10:{minute + 12:02d}:00Z"))
    write_pings(tmp_path / "a.csv", rows)
    write_pings(tmp_path / "b" / "a.csv", rows[::-1])  # officers met in another order
    first = visits_from_files([tmp_path / "a.csv"], hotspots(["A"])).visits
    other = visits_from_files([tmp_path / "b"], hotspots(["A"])).visits
    assert not first.equals(other)  # the same visits, coded and so ordered otherwise ...
    shared = shared_visits(first)
    assert shared.equals(shared_visits(other))  # ... the shared visits do not
    assert shared.equals(shared_visits(first.sample(frac=1.0, random_state=1)))
    assert list(shared.columns) == list(SHARED_VISIT_COLUMNS)  # no officer
    assert shared["start"].is_monotonic_increasing and len(shared) == 3
    empty = shared_visits(visits_from_files([], hotspots(["A"])).visits)
    assert empty.dtypes.equals(shared.dtypes)
