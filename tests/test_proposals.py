"""geo.analysis.proposals: the grid statistics against their textbook dense forms, places that
follow the snap points within the area allowed, and, on real Derbyshire ASB, proposals made from
2023 that hold more of 2024 than the naive 250 m squares at the same area."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo.analysis.proposal_data import ProposalSource
from geo.analysis.proposal_grid import fdr_critical_z, gi_star, grid_of, kernel_density
from geo.analysis.proposal_measures import (
    SQUARES,
    Ranked,
    compare_methods,
    naive_squares,
    split,
)
from geo.analysis.proposal_places import snap_points
from geo.analysis.proposals import (
    BUFFER_M,
    DEFAULT_METHOD,
    GAP_M,
    ProposalRules,
    choose_places,
    group_places,
    held,
    outline,
    propose,
)
from geo.app.proposals import files_source
from geo.counting.incidents import Incidents
from geo.counting.type_counts import type_counts_of
from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.errors import HotspotDataError
from geo.schema import ASB

TO_LONLAT = Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True)


def incidents(x, y, month, location=None) -> Incidents:
    """Incidents at BNG points (metres), each with a month ordinal and a Location text."""
    lon, lat = TO_LONLAT.transform(np.asarray(x, float), np.asarray(y, float))
    texts = pd.Series(location if location is not None else ["On or near Here"] * len(x))
    codes, names = pd.factorize(texts)
    return Incidents(
        np.asarray(month, dtype=np.int32),
        np.round(lon, 6),
        np.round(lat, 6),
        codes.astype(np.int64),
        np.asarray(names, dtype=object),
    )


def jan(year: int = 2024) -> int:
    return pd.Period(f"{year}-01", freq="M").ordinal


# --- the grid statistics ---------------------------------------------------------------------


@pytest.fixture
def scattered():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 1000, 300), rng.uniform(0, 700, 300)
    return grid_of(x, y, rng.integers(1, 5, 300).astype(float), 50.0)


def dense(grid) -> np.ndarray:
    cells = np.zeros((grid.columns, grid.rows))
    np.add.at(cells, (grid.col, grid.row), grid.total)
    return cells


def test_gi_star_is_the_textbook_statistic_on_the_whole_grid(scattered):
    cells = dense(scattered)
    n, mean = cells.size, cells.mean()
    spread = np.sqrt((cells**2).mean() - mean**2)
    padded = np.pad(cells, 1)
    window = sum(
        padded[1 + dc : 1 + dc + cells.shape[0], 1 + dr : 1 + dr + cells.shape[1]]
        for dc in (-1, 0, 1)
        for dr in (-1, 0, 1)
    )
    ones = np.pad(np.ones_like(cells), 1)
    weights = sum(
        ones[1 + dc : 1 + dc + cells.shape[0], 1 + dr : 1 + dr + cells.shape[1]]
        for dc in (-1, 0, 1)
        for dr in (-1, 0, 1)
    )
    z = (window - mean * weights) / (spread * np.sqrt((n * weights - weights**2) / (n - 1)))
    gi = gi_star(scattered, 1)
    assert np.allclose(gi.z, z[gi.col, gi.row])
    assert np.allclose(gi.of_occupied, z[scattered.col, scattered.row])
    assert len(gi.z) == int((window > 0).sum())  # every cell with incidents in reach


def test_kernel_density_is_the_sum_of_gaussians_within_three_bandwidths(scattered):
    centre_x, centre_y = (scattered.col + 0.5) * 50, (scattered.row + 0.5) * 50
    distance = np.hypot(centre_x[:, None] - centre_x, centre_y[:, None] - centre_y)
    kernel = np.exp(-0.5 * (distance / 100) ** 2) / (2 * np.pi * 100**2)
    kernel[distance > 300] = 0
    assert np.allclose(kernel_density(scattered, 100.0), kernel @ scattered.total * 1e6)


def test_fdr_calls_hot_only_what_survives_the_correction():
    z = np.array([8.0, 6.0, 1.7, 0.5])  # 1.7 alone would be hot at 5% (p = 0.045)
    assert fdr_critical_z(z, cells=4) == pytest.approx(6.0)  # but 0.045 > 3/4 × 5%
    assert fdr_critical_z(z[:3], cells=3) == pytest.approx(1.7)  # 0.045 ≤ 3/3 × 5%
    assert fdr_critical_z(np.array([5.0]), cells=10**9) == float("inf")  # one of a billion


# --- snap points and places ------------------------------------------------------------------


def test_snap_points_count_months_and_prefer_a_text_naming_a_street():
    x = [1000.0] * 5 + [2000.0]
    months = [jan(), jan(), jan() + 1, jan() + 5, jan() + 1, jan()]
    texts = ["On or near"] * 3 + ["On or near Mill Lane"] * 2 + ["On or near Fore Street"]
    points = snap_points(
        incidents(x, [500.0] * 6, months, texts), np.arange(jan(), jan() + 3)
    )  # the June row is outside the months asked for
    order = np.argsort(points.x)
    assert list(points.count[order]) == [4, 1]
    assert list(points.months_hot[order]) == [2, 1]
    assert list(points.location[order]) == ["On or near Mill Lane", "On or near Fore Street"]


def test_a_long_street_is_cut_into_places_within_the_area_allowed_each_point_once():
    xy = np.column_stack([np.arange(30) * 40.0, np.zeros(30)])  # 1.2 km of street
    limit = 0.01e6
    places = group_places(xy, limit)
    assert len(places) > 1
    assert sorted(np.concatenate(places).tolist()) == list(range(30))
    assert all(outline(xy[p]).area <= limit for p in places)
    first = next(p for p in places if 0 in p)  # grown from the best point, along the street
    assert list(first) == list(range(len(first)))


def test_a_place_follows_its_points_not_a_grid():
    shape = outline(np.array([[0.0, 0.0], [80.0, 0.0]]))
    assert shape.geom_type == "Polygon"  # one place along the street between them
    assert shape.contains(shapely.Point(40, 0))
    assert not shape.contains(shapely.Point(40, 40))
    assert shape.area < 2 * np.pi * BUFFER_M**2 + 80 * 2 * BUFFER_M


def stable_points():
    """Four hot corners 400 m apart, a stable pair 60 m apart, and noise, over 12 months."""
    rng = np.random.default_rng(3)
    x, y, month = [], [], []
    hot = [(0, 0, 9), (400, 0, 6), (0, 400, 4), (400, 400, 3), (200, 200, 5), (260, 200, 5)]
    for px, py, per_month in hot:
        for m in range(12):
            x += [px] * per_month
            y += [py] * per_month
            month += [jan() + m] * per_month
    noise = rng.uniform(-2000, 2000, (200, 2))
    x += list(noise[:, 0] + 5000)
    y += list(noise[:, 1])
    month += list(rng.integers(jan(), jan() + 12, 200))
    return snap_points(
        incidents(np.array(x) + 440_000, np.array(y) + 340_000, month), np.arange(jan(), jan() + 12)
    )


def test_chosen_places_are_ranked_apart_and_keep_out_of_existing_hotspots():
    points = stable_points()
    existing = shapely.box(440_380, 339_980, 440_420, 340_020)  # over the (400, 0) corner
    places = choose_places(points, DEFAULT_METHOD, 20, 0.5e6, keep_out=existing)
    assert list(places.incidents) == sorted(places.incidents, reverse=True)
    assert list(places.incidents) == [2 * 5 * 12, 9 * 12, 4 * 12, 3 * 12]  # the pair is one
    # place, the kept-out corner none, and the scattered noise (never half the months) none
    for i, shape in enumerate(places.shapes):
        assert shapely.distance(shape, existing) >= GAP_M - 1e-6
        for other in places.shapes[i + 1 :]:
            assert not shape.intersects(other)
    weights = points.count.astype(float)
    assert list(held(places.shapes, points.x, points.y, weights)) == list(places.incidents)


def test_places_never_overlap_even_where_two_would():
    points = stable_points()
    existing = shapely.box(440_395, 339_990, 440_405, 340_010)  # the corner's middle only
    places = choose_places(points, DEFAULT_METHOD, 20, 0.5e6, keep_out=existing)
    assert all(not shape.intersects(existing) for shape in places.shapes)


def test_a_place_is_named_by_its_busiest_point_that_names_a_street():
    months = [jan() + m for m in range(12)]
    rows = [  # (x, y, Location text, reports a month)
        (0, 0, "On or near", 5), (40, 0, "On or near Mill Lane", 2), (80, 0, "On or near", 1),
        (2000, 0, "On or near", 3),
    ]  # fmt: skip
    x, y, texts, month = [], [], [], []
    for px, py, text, per_month in rows:
        for m in months:
            x += [440_000 + px] * per_month
            y += [340_000 + py] * per_month
            texts += [text] * per_month
            month += [m] * per_month
    found = incidents(x, y, month, texts)
    counts = type_counts_of(found.month, np.zeros(len(x), np.int32), [ASB], np.zeros(len(x), bool))
    source = ProposalSource(counts, lambda _kind: found)
    frame = propose(source).frame
    assert list(frame["name"]) == ["On or near Mill Lane", "Place P02"]
    assert list(frame["incidents"]) == [8 * 12, 3 * 12]


def test_rules_refuse_what_no_proposal_can_follow():
    for rules, words in [
        (ProposalRules(places=0), "at least 1"),
        (ProposalRules(max_area_km2=0.001), "smaller than one 50 m square"),
        (ProposalRules(max_area_km2=float("nan")), "smaller than one 50 m square"),
        (ProposalRules(method="hunch"), "not a method"),
    ]:
        with pytest.raises(HotspotDataError, match=words):
            rules.check()


# --- measures ----------------------------------------------------------------------------------


def test_hits_within_an_area_count_the_last_place_pro_rata():
    ranked = Ranked(np.array([100.0, 200.0, 400.0]), np.array([10.0, 8.0, 4.0]))
    assert ranked.hits_within(100) == 10
    assert ranked.hits_within(200) == 14
    assert ranked.hits_within(700) == 22
    assert np.isnan(ranked.hits_within(701))


def test_naive_squares_rank_250_m_squares_by_the_earlier_period():
    months = np.arange(jan(), jan() + 12)
    earlier = snap_points(
        incidents([10, 20, 300, 300, 300], [10, 10, 10, 10, 10], [jan()] * 5), months
    )
    later = snap_points(incidents([20, 300, 600], [20, 20, 20], [jan()] * 3), months)
    ranked = naive_squares(earlier, later)
    assert list(ranked.hits) == [1, 1]  # (250-500) held 3 earlier, (0-250) held 2
    assert list(ranked.area_m2) == [250.0**2] * 2


# --- real data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def derbyshire(shared_data):
    return files_source([shared_data / "police-uk" / "derbyshire"])


@pytest.fixture(scope="module")
def held_out(derbyshire):
    return split(derbyshire, "2023-01:2023-12", "2024-01:2024-12")


def test_proposals_from_2023_hold_more_of_2024_than_the_busiest_250_m_squares(derbyshire, held_out):
    proposals = propose(derbyshire, period="2023-01:2023-12").frame
    later = held_out.later
    caught = held(proposals.geometry.values, later.x, later.y, later.count.astype(float)).sum()
    area = float(proposals.area.sum())
    squares = naive_squares(held_out.earlier, later).hits_within(area)
    assert caught >= squares
    assert caught / later.count.sum() > 0.05  # a fifth of a square's area, 7.7% of the year


def test_real_proposals_are_10_to_20_named_places_within_the_area_and_apart(derbyshire):
    frame = propose(derbyshire, period="2023-01:2023-12").frame
    assert 10 <= len(frame) <= 20
    assert frame["name"].str.startswith("On or near ").all()
    assert (frame.area <= 0.5e6).all()
    geometry = frame.geometry.values
    for i in range(len(geometry)):
        assert not shapely.intersects(geometry[i], np.delete(geometry, i)).any()


def test_the_default_period_leaves_out_the_months_flagged_for_asb(derbyshire):
    proposals = propose(derbyshire)
    assert proposals.period == "2024-01:2024-12"
    assert proposals.left_out == ["2024-02", "2024-11"]  # doubled by duplicates; none published
    assert (proposals.frame["months"] == 10).all()
    kept = propose(derbyshire, keep_flagged=True)
    assert kept.left_out == [] and (kept.frame["months"] == 12).any()


def test_the_default_method_holds_the_most_of_the_next_year_over_equal_areas(held_out):
    table = compare_methods(held_out, study_area_km2=2628).set_index("method")
    mean = table["mean hit_rate 0.025-0.5 km²"]
    assert mean.idxmax() == DEFAULT_METHOD
    assert mean[DEFAULT_METHOD] > 3 * mean[SQUARES]
