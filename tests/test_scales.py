"""Colour scales: classes, breaks and labels of the ASB, hours and bivariate maps."""

import re

import numpy as np
import pytest

from geo.view.scales import (
    BIVARIATE_3X3,
    BIVARIATE_HOURS_BREAKS,
    HOURS_PER_WEEK_BREAKS,
    MISSING_COLOUR,
    BivariateScale,
    asb_change_scale,
    bivariate_scale,
    hours_scale,
)


def test_diverging_scale_is_centred_on_zero():
    scale = asb_change_scale()
    classes = scale.classify([-45, -40, -39.9, -5, -4, 0, 5, 5.1, 39.9, 40, 40.1, 300])
    assert classes.tolist() == [0, 1, 1, 3, 3, 3, 3, 4, 5, 5, 6, 6]
    assert scale.colours[3] == "#f7f7f7"
    assert scale.classify([np.nan]).tolist() == [-1]


def test_same_hours_per_week_get_the_same_colour_in_any_view():
    scale = hours_scale()
    quiet_town = scale.colours_for([0.5, 2.0, 6.0])
    busy_force = scale.colours_for([6.0, 40.0, 80.0, 120.0, 2.0, 0.5])
    assert quiet_town == [busy_force[5], busy_force[4], busy_force[0]]
    assert scale.breaks == HOURS_PER_WEEK_BREAKS
    assert all(f"{b:g}" in " ".join(scale.labels) for b in HOURS_PER_WEEK_BREAKS)


def test_bivariate_classes_on_hand_made_values():
    scale = BivariateScale(hours_breaks=(100.0, 200.0))
    hours = np.array([50, 150, 250, 250, 50, 150, 10, np.nan])
    change = np.array([-45, -20, -19.9, 0, 12, -5, np.nan, -30])
    xs, ys = scale.classify(hours, change)
    assert xs.tolist() == [0, 1, 2, 2, 0, 1, 0, -1]
    assert ys.tolist() == [0, 0, 1, 2, 2, 1, -1, 0]
    colours = scale.colours_for_rows(hours, change)
    assert colours[3] == BIVARIATE_3X3[2][2]  # many hours, no fall: the dark corner
    assert colours[-2:] == [MISSING_COLOUR, MISSING_COLOUR]  # no change; no hours


def test_bivariate_hours_are_the_hours_maps_classes_whatever_is_shown():
    """The same hours per week fall in the same column in any town or period: the columns are
    the hours map's classes (its lower ones merged), not thirds of the hotspots shown."""
    scale = bivariate_scale()
    assert set(scale.hours_breaks) <= set(HOURS_PER_WEEK_BREAKS)
    assert scale.hours_breaks == BIVARIATE_HOURS_BREAKS
    hours = np.array([0.0, 0.5, 1.0, 2.5, 4.9, 5.0, 5.1, 9.9, 10.0, 10.1, 40.0])
    columns, _ = scale.classify(hours, np.zeros(hours.size))
    hours_classes = hours_scale().classify(hours)
    lower = len(HOURS_PER_WEEK_BREAKS) + 1 - 3  # hours-map classes merged into the first column
    assert columns.tolist() == np.maximum(hours_classes - lower, 0).tolist()
    quiet_town = scale.colours_for_rows([3.5, 8.0], [-30.0, 10.0])
    whole_force = scale.colours_for_rows([8.0, 40.0, 3.5, 0.2], [10.0, 10.0, -30.0, -30.0])
    assert quiet_town == [whole_force[2], whole_force[0]]


@pytest.mark.parametrize("value", BIVARIATE_HOURS_BREAKS)
def test_bivariate_labels_say_the_breaks(value):
    labels = bivariate_scale().hours_labels
    shown = [re.findall(r"\d+(?:\.\d+)?", label) for label in labels]
    assert sum(f"{value:g}" in numbers for numbers in shown) == 2  # ends one class, starts next
    assert "per week" in bivariate_scale().title


def test_a_change_is_told_only_where_the_reports_are_enough():
    import pandas as pd

    from geo.view.scales import told_change

    table = pd.DataFrame(
        {"asb_change_pct": [-45.0, -60.0, np.nan], "asb_too_few": [False, True, False]}
    )
    assert np.array_equal(told_change(table), [-45.0, np.nan, np.nan], equal_nan=True)
    alone = table.drop(columns="asb_too_few")  # a table that does not judge: changes as they are
    assert np.array_equal(told_change(alone), [-45.0, -60.0, np.nan], equal_nan=True)
