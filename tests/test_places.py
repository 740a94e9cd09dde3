"""geo.sample.places: the real Derbyshire places the sample is built around hold what its
docstring says: every hotspot and town inside the force outline and, on the real boundaries, in
its own district."""

from __future__ import annotations

import re

import geopandas as gpd
from shapely.geometry import Point, Polygon

from geo.sample.places import HOTSPOTS, OUTLINE, STREETS, TOWNS

DISTRICT = {town.name: town.district for town in TOWNS}
PLACES = [(h.hotspot_id, h.town, h.lon, h.lat) for h in HOTSPOTS] + [
    (t.name, t.name, t.lon, t.lat) for t in TOWNS
]


def test_hotspots_have_one_id_each_and_a_town_background_crime_clusters_round():
    ids = [h.hotspot_id for h in HOTSPOTS]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"HS-[A-Z]{3}-\d\d", i) for i in ids)
    assert {h.town for h in HOTSPOTS} <= set(DISTRICT)
    assert len({t.name for t in TOWNS}) == len(TOWNS)


def test_kinds_shapes_and_streets_are_the_ones_the_generator_draws():
    assert {h.kind for h in HOTSPOTS} <= {"centre", "estate"}
    assert {h.shape for h in HOTSPOTS} <= {"rect", "rotated", "irregular", "multi"}
    assert all(h.streets and all(h.streets) for h in HOTSPOTS) and all(STREETS)
    assert {t.size for t in TOWNS} <= {1, 2, 3}


def test_coordinates_are_lon_lat_to_four_decimals():
    for name, _town, lon, lat in PLACES:
        assert -2.1 < lon < -1.1 and 52.6 < lat < 53.6, name  # Derbyshire, in lon/lat order
        assert round(lon, 4) == lon and round(lat, 4) == lat, name


def test_the_outline_is_one_closed_ring_round_every_place():
    assert OUTLINE[0] == OUTLINE[-1]
    outline = Polygon(OUTLINE)
    assert outline.is_valid
    outside = [name for name, _town, lon, lat in PLACES if not outline.contains(Point(lon, lat))]
    assert outside == []


def test_every_place_is_in_its_own_towns_district(shared_data):
    """On the 2011 LSOAs (whose names start with their district's): the hand check the module's
    docstring describes, done again."""
    lsoas = gpd.read_file(shared_data / "boundaries" / "derbyshire-lsoa-2011.geojson")
    points = gpd.GeoDataFrame(
        {"place": [p[0] for p in PLACES], "town": [p[1] for p in PLACES]},
        geometry=[Point(lon, lat) for _name, _town, lon, lat in PLACES],
        crs=lsoas.crs,
    )
    found = points.sjoin(lsoas, predicate="within")
    assert len(found) == len(PLACES)  # each in exactly one LSOA
    district = found["LSOA11NM"].str.rsplit(" ", n=1).str[0]
    wrong = found.loc[district != found["town"].map(DISTRICT), ["place", "LSOA11NM"]]
    assert wrong.empty, wrong.to_string()
