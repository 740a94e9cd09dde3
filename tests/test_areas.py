"""geo.counting.areas: displacement rings round hotspots and the control area, counted by month."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo.counting.aggregate import count_crimes
from geo.counting.areas import (
    area_counts,
    covered_areas,
    located_by_month,
    place_points,
    placed_area_counts,
    rings,
)
from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.io.crimes import read_crimes
from geo.io.hotspots import read_hotspots
from geo.schema import ASB
from tests.helpers import (
    FAR_OFF,
    IN_RING_A,
    square_hotspots,
    squares_with_rings,
    write_street_csv,
)

WEST = (-1.3550, 53.0130, -1.3535, 53.0140)
EAST = (-1.3535, 53.0130, -1.3520, 53.0140)  # shares WEST's eastern edge
APART = (-1.3520, 53.0130, -1.3505, 53.0140)  # about 100 m east of WEST: their rings overlap
BETWEEN = (-1.35275, 53.0135)  # halfway from WEST to APART: in both rings


@pytest.fixture
def case(tmp_path):
    return squares_with_rings(tmp_path)


def _in_metres(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    return frame.to_crs(BRITISH_NATIONAL_GRID).geometry


def test_ring_surrounds_but_excludes_every_hotspot(case):
    hotspots, _ = case
    ring = _in_metres(rings(hotspots, 200))
    metres = _in_metres(hotspots)
    assert ring.intersection(metres.union_all()).area.max() < 0.5  # m², reprojection noise
    expected = metres.buffer(200).area - metres.area
    assert np.allclose(ring.area, expected, rtol=1e-3)


def test_ring_and_control_counts(case):
    hotspots, crimes = case
    areas = area_counts(crimes, hotspots, ring_m=200)
    ring_counts = areas.rings.hotspot.set_index(["hotspot_id", "month"])["asb"]
    assert ring_counts.groupby("hotspot_id").sum().to_dict() == {"A": 10}
    control = areas.control["asb"].tolist()
    assert control == [100, 90]  # located rows outside hotspots and rings; 7 unlocated left out


def test_a_ring_leaves_out_a_neighbouring_hotspot_too(tmp_path):
    hotspots = read_hotspots(square_hotspots(tmp_path / "h.geojson", {"W": WEST, "E": EAST}))
    ring = _in_metres(rings(hotspots, 200)).iloc[0]
    east = _in_metres(hotspots).iloc[1]
    assert ring.intersection(east).area < 0.5  # m²
    assert ring.distance(east) == pytest.approx(0, abs=0.01)  # yet reaches right up to it


def test_a_crime_in_two_rings_is_counted_in_each_ring_and_left_out_of_the_control_once(tmp_path):
    hotspots = read_hotspots(square_hotspots(tmp_path / "h.geojson", {"W": WEST, "P": APART}))
    write_street_csv(
        tmp_path / "c" / "x-street.csv",
        [("2024-01", *BETWEEN, ASB)] + [("2024-01", *FAR_OFF, ASB)] * 5,
    )
    areas = area_counts(read_crimes([tmp_path / "c"]), hotspots, ring_m=200)
    assert areas.rings.hotspot.groupby("hotspot_id")["asb"].sum().to_dict() == {"P": 1, "W": 1}
    assert areas.covered.programme()["asb"].tolist() == [1]
    assert areas.control["asb"].tolist() == [5]


def test_control_polygons_supplied_replace_the_rest_of_the_force(case):
    hotspots, crimes = case
    lon, lat = IN_RING_A
    control = gpd.GeoDataFrame(
        {"hotspot_id": ["C"], "name": ["Control"]},
        geometry=[box(lon - 0.0001, lat - 0.0001, lon + 0.0001, lat + 0.0001)],
        crs=WGS84,
    )
    areas = area_counts(crimes, hotspots, ring_m=200, control=control)
    assert areas.control["asb"].tolist() == [4, 6]
    assert areas.control_source == "the control areas supplied"


def test_the_default_control_names_the_ring_width(case):
    hotspots, crimes = case
    areas = area_counts(crimes, hotspots, ring_m=300)
    assert areas.ring_m == 300
    assert areas.control_source == "the rest of the force outside hotspots and their 300 m rings"


def test_located_by_month_counts_rows_with_a_location_and_the_asb_among_them(tmp_path):
    write_street_csv(
        tmp_path / "c" / "x-street.csv",
        [("2024-01", *FAR_OFF, ASB), ("2024-01", *FAR_OFF, "Burglary"),
         ("2024-01", None, None, ASB), ("2024-02", *FAR_OFF, "Burglary")],
    )  # fmt: skip
    located = located_by_month(read_crimes([tmp_path / "c"]))
    assert located["crime"].tolist() == [2, 1] and located["asb"].tolist() == [1, 0]


def test_rows_near_the_areas_with_the_force_totals_given_count_as_all_rows(case):
    """What a loader that keeps only the rows near the hotspots passes: the same counts."""
    hotspots, crimes = case
    whole = area_counts(crimes, hotspots, ring_m=200)
    near = crimes[crimes["lon"].between(-1.36, -1.29) & crimes["lat"].between(53.0, 53.02)]
    assert len(near) < len(crimes)
    part = area_counts(
        near, hotspots, ring_m=200, located=located_by_month(crimes), asb_rows=crimes
    )
    assert part.control.equals(whole.control)
    assert part.comparison.equals(whole.comparison)
    assert part.rings.hotspot.equals(whole.rings.hotspot)


def _placed(crimes, hotspots, ring_m, control=None):
    """The counts built the way a database load builds them: each distinct point placed once
    (place_points), then only the points' month counts and places used."""
    from geo.counting.squares import comparison_squares

    located = crimes[crimes["lon"].notna() & crimes["lat"].notna()]
    codes, points = pd.factorize(located["lon"].to_numpy() + 1j * located["lat"].to_numpy())
    point_months = (
        pd.DataFrame({"point": codes, "month": located["month"].to_numpy(), "crime": 1,
                      "asb": located["asb"].to_numpy().astype(np.int64)})
        .groupby(["point", "month"], as_index=False)[["crime", "asb"]].sum()
    )  # fmt: skip
    ring_frame = rings(hotspots, ring_m)
    places = place_points(points, hotspots, ring_frame, control)
    squares = comparison_squares(crimes, covered_areas(hotspots, ring_frame).geometry)
    return placed_area_counts(
        point_months, places, hotspots, ring_m, located_by_month(crimes), squares, control
    )


@pytest.mark.parametrize("with_control", [False, True])
def test_points_placed_once_give_the_counts_of_every_row_tested(tmp_path, case, with_control):
    hotspots, crimes = case
    overlapping = read_hotspots(
        square_hotspots(tmp_path / "o.geojson", {"W": WEST, "E": EAST, "P": APART})
    )
    hotspots = pd.concat([hotspots, overlapping], ignore_index=True)
    lon, lat = IN_RING_A
    control = (
        gpd.GeoDataFrame(
            {"hotspot_id": ["C"], "name": ["Control"]},
            geometry=[box(lon - 0.0001, lat - 0.0001, lon + 0.0001, lat + 0.0001)],
            crs=WGS84,
        )
        if with_control
        else None
    )
    extra = tmp_path / "x"
    write_street_csv(extra / "x-street.csv", [("2024-01", *BETWEEN, ASB)] * 3)
    crimes = pd.concat([crimes, read_crimes([extra])], ignore_index=True)
    whole = area_counts(crimes, hotspots, ring_m=200, control=control)
    counts, placed = _placed(crimes, hotspots, 200, control)
    reference = count_crimes(crimes, hotspots)
    assert (reference.membership.groupby("point")["hotspot_id"].nunique() > 1).any()
    for mine, theirs in ((counts, reference), (placed.rings, whole.rings),
                         (placed.covered, whole.covered)):  # fmt: skip
        pd.testing.assert_frame_equal(mine.hotspot, theirs.hotspot)
        pd.testing.assert_frame_equal(mine.programme(), theirs.programme())
        pd.testing.assert_frame_equal(mine.programme(["A"]), theirs.programme(["A"]))
    pd.testing.assert_frame_equal(placed.control, whole.control)
    pd.testing.assert_frame_equal(placed.comparison, whole.comparison)
    assert placed.control_source == whole.control_source
