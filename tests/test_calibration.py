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
