"""Calibration on real areas where no programme ran: random 2011 LSOAs of Derbyshire over the
real 2023–2024 months, evaluated as if they were hotspots (tools.calibration)."""

from __future__ import annotations

import pytest

from geo.analysis.stats import ALPHA
from geo.period import Period
from tools.calibration import calibrate


@pytest.fixture(scope="module")
def calibration(shared_data):
    return calibrate(
        shared_data / "police-uk" / "derbyshire",
        shared_data / "boundaries" / "derbyshire-lsoa-2011.geojson",
        Period.parse("2024-01:2024-12"),
        sets=200,
        set_size=20,
    )


def test_untreated_areas_are_called_beyond_chance_about_five_percent_of_the_time(calibration):
    assert calibration.areas == 642
    assert 0.02 <= calibration.area_flagged <= 0.08
    assert 0.02 <= calibration.set_flagged <= 0.08
    # Without a control or the areas' own variation, far more would be called beyond chance.
    assert calibration.raw_flagged > 2 * ALPHA


def test_programme_interval_holds_no_change_in_about_95_percent_of_random_sets(calibration):
    assert calibration.sets_without_interval <= 0.1 * calibration.sets
    assert 0.90 <= calibration.programme_holds <= 0.99


def test_untreated_areas_vary_more_than_poisson(calibration):
    assert calibration.median_dispersion > 1.5


def test_false_discoveries_stay_rare_and_no_p_is_finer_than_its_units(calibration):
    """Sets of 20 untreated LSOAs with any at q < 0.05: about 5% under Benjamini–Hochberg, at
    most 10%; and no rank p below 1 / (N + 1) of its N reference units."""
    assert calibration.sets_with_q <= 0.1 * calibration.sets
    assert calibration.p_below_floor == 0


def test_the_busiest_places_still_get_a_programme_interval_that_holds(calibration):
    assert calibration.busiest_sets_without_interval == 0
    assert calibration.busiest_holds >= 0.9


def test_a_programme_that_removed_30_percent_of_its_asb_is_found(calibration):
    """Power, and the shrunken per-hotspot intervals covering the effect put in (a ratio 0.7)."""
    assert calibration.detected >= 0.8
    assert calibration.shrunk_covers >= 0.9


def test_the_busiest_places_of_a_half_year_are_not_called_a_reduction_the_next(shared_data):
    """Picked for high counts, places fall anyway (regression to the mean): the 20 busiest
    LSOAs of Jul–Dec 2023, with no programme, must not read as a fall beyond chance."""
    from tools.calibration import regression_to_the_mean

    result = regression_to_the_mean(
        shared_data / "police-uk" / "derbyshire",
        shared_data / "boundaries" / "derbyshire-lsoa-2011.geojson",
        Period.parse("2024-07:2024-12"),
    )
    assert result.ratio == result.ratio
    assert not (result.p < ALPHA and result.ratio < 1)
