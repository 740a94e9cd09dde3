"""geo.counting.squares: ASB placed in comparison squares, touching ones left out."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from geo.analysis.comparison import square_pairs
from geo.counting.squares import COMPARISON_SIZES_M, comparison_squares
from geo.crs import WGS84
from geo.period import Period

PERIOD = Period.parse("2024-01:2024-01")


def _crimes(points: list[tuple[float, float, str]]) -> pd.DataFrame:
    """Crime rows (lon, lat, month) that are all ASB."""
    return pd.DataFrame(
        {
            "lon": [p[0] for p in points],
            "lat": [p[1] for p in points],
            "month": [pd.Period(p[2], freq="M").ordinal for p in points],
            "asb": True,
        }
    )


def test_squares_touching_a_hotspot_or_ring_are_left_out():
    near, far = (-1.3542, 53.0135), (-1.20, 53.10)
    crimes = _crimes([(*near, "2023-01")] * 3 + [(*far, "2024-01")] * 5)
    covered = gpd.GeoSeries([box(-1.3550, 53.0130, -1.3535, 53.0140)], crs=WGS84)
    squares = comparison_squares(crimes, covered)
    assert squares["asb"].sum() == 5 * len(COMPARISON_SIZES_M)  # the far point, at every size
    assert len(comparison_squares(crimes, gpd.GeoSeries([], crs=WGS84))) == 2 * len(
        COMPARISON_SIZES_M
    )
    pairs = square_pairs(squares, PERIOD)
    assert pairs["before"].sum() == 0 and pairs["after"].sum() == 5 * len(COMPARISON_SIZES_M)


def test_points_off_the_grid_are_not_placed():
    crimes = _crimes([(170.0, -80.0, "2024-01"), (-1.20, 53.10, "2024-01")])
    squares = comparison_squares(crimes, gpd.GeoSeries([], crs=WGS84))
    assert squares["asb"].sum() == len(COMPARISON_SIZES_M)  # only the Derbyshire point


def test_months_far_apart_keep_their_own_counts():
    far = (-1.20, 53.10)
    crimes = _crimes([(*far, "1900-01")] * 2 + [(*far, "2024-01")] * 3)
    squares = comparison_squares(crimes, gpd.GeoSeries([], crs=WGS84))
    finest = squares[squares["square"] == squares["square"].min()]
    by_month = dict(zip(finest["month"], finest["asb"]))
    assert by_month == {pd.Period("1900-01", "M").ordinal: 2, pd.Period("2024-01", "M").ordinal: 3}
