"""The generated sample reproduces the programme's published figures, through the app's own code."""

import hashlib

import numpy as np
import pytest

from geo.analysis.figures import programme_figures
from geo.analysis.programme import programme_evaluation
from geo.analysis.stats import TOO_FEW_BEFORE
from geo.app.load import load_dataset
from geo.sample import sample_period, write_sample
from geo.sample.patrols import visit_hotspots
from geo.sample.places import HOTSPOTS
from geo.sample.shapes import across
from geo.sample.targets import HOTSPOT_TARGETS


@pytest.fixture(scope="module")
def figures(sample_dir):
    """The sample as the app loads it: its default period's table and programme figures."""
    dataset = load_dataset(sample_dir)
    period = dataset.default_period
    table = dataset.table(period)
    result = programme_figures(
        table, dataset.counts, dataset.context(period), patrol_log=dataset.patrol_log
    )
    return dataset, table, result


def test_default_period_is_the_latest_twelve_months(figures):
    dataset, _, result = figures
    assert str(result.period) == ":".join(sample_period())
    assert dataset.is_sample
    assert result.asb_left_out == [] and result.crime_left_out == []


def test_published_figures(figures):
    """The acceptance test: the programme's published figures, as the app computes them. The
    counts behind them are fixed (geo.sample.targets), so a failure here means a figure rule
    changed, e.g. which hotspots have too few reports to enter the mean."""
    _, table, result = figures
    assert round(result.officer_hours) == 9_250
    assert result.arrests == 111
    assert result.engagements == 30_500
    assert result.too_few == 0 and result.asb_mean_over == len(table) == len(HOTSPOTS)
    assert result.asb_mean_change_pct == pytest.approx(-25, abs=0.5)
    assert result.asb_largest_reduction_pct == pytest.approx(-45, abs=0.5)
    most_patrolled = table.loc[table["officer_hours"].idxmax(), "name"]
    assert result.asb_largest_reduction_where == most_patrolled
    assert result.crime_change_pct == pytest.approx(-12, abs=0.5)
    assert result.force_crime_change_pct == pytest.approx(-2, abs=0.5)


def test_the_target_table_holds_the_asb_figures_by_construction():
    ids = [h.hotspot_id for h in HOTSPOTS]
    assert list(HOTSPOT_TARGETS) == ids
    before = np.array([HOTSPOT_TARGETS[i].asb_before for i in ids])
    after = np.array([HOTSPOT_TARGETS[i].asb_after for i in ids])
    change = 100 * (after - before) / before
    assert change.mean() == pytest.approx(-25, abs=0.05)
    assert before.min() >= TOO_FEW_BEFORE  # every hotspot can tell a halving: all in the mean
    weights = [HOTSPOT_TARGETS[i].patrol_weight for i in ids]
    assert change.min() == pytest.approx(-45) and change.argmin() == np.argmax(weights)
    assert sorted(weights)[-2] < max(weights)  # one most patrolled hotspot, not a tie


def test_officer_time_follows_the_patrol_weights_to_within_one_visit():
    effort = np.random.default_rng(3).integers(15, 271, 5_000)
    weight = np.array([1.0, 3.0, 1.5, 2.9])
    hotspot = visit_hotspots(effort, weight)
    given = np.bincount(hotspot, weights=effort, minlength=len(weight))
    assert np.abs(given - effort.sum() * weight / weight.sum()).max() <= effort.max()
    assert given.argmax() == 1


def test_hotspots_are_real_towns_and_shapes(figures):
    dataset, table, _ = figures
    hotspots = dataset.hotspots
    assert len(hotspots) >= 20
    towns = set(hotspots["town"])
    assert len(towns) >= 8 and {"Heanor", "Shirebrook", "Chesterfield"} <= towns
    assert (hotspots.geom_type == "MultiPolygon").sum() == 1
    metres = hotspots.to_crs(27700).geometry
    assert metres.apply(across).between(150, 250).all()
    assert not table["asb_too_few"].any()


def test_crimes_cover_the_force_and_every_type(sample_dir, figures):
    dataset, _, result = figures
    assert len(dataset.counts.months) == 24
    assert result.force_crime_after > 3 * result.crime_after  # most crime is outside hotspots
    types = set()
    for path in (sample_dir / "crimes").rglob("*-street.csv"):
        types |= {line.rsplit(",", 3)[1] for line in path.read_text().splitlines()[1:]}
    assert len(types) == 14


def test_sample_is_deterministic(tmp_path, sample_dir):
    write_sample(tmp_path / "again")

    def digest(folder):
        files = sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )  # hidden: the crime cache (geo.io.crime_cache), written when the dataset is loaded
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
        }

    assert digest(tmp_path / "again") == digest(sample_dir)


def test_across_is_the_longest_distance():
    from shapely.geometry import box

    assert across(box(0, 0, 3, 4)) == pytest.approx(5.0)


def test_published_figures_with_their_intervals(figures):
    """Beside the −25% mean: the pooled change with its interval, and the control-adjusted
    ratio, whose interval leaves out 'no change' (the sample's hotspots fell while the force did
    not)."""
    dataset, table, result = figures
    programme = programme_evaluation(
        table, dataset.counts, dataset.areas, dataset.context(result.period)
    )
    assert programme.mean_change_pct == pytest.approx(result.asb_mean_change_pct)
    assert programme.left_out == 0
    assert programme.pooled_low_pct < programme.pooled_change_pct < programme.pooled_high_pct
    assert programme.pooled_change_pct == pytest.approx(result.asb_pooled_change_pct)
    assert programme.adjusted_high < 1
    assert programme.largest_fall_pct == pytest.approx(result.asb_largest_reduction_pct)
    assert programme.chance_largest_fall_pct < 0
