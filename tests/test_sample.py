"""The generated sample reproduces the programme's published figures, through the app's own code."""

import hashlib

import pytest

from geo.analysis.context import EvaluationContext
from geo.analysis.evaluation import evaluation_table
from geo.analysis.figures import hotspot_table, programme_figures
from geo.analysis.programme import programme_evaluation
from geo.store.dataset import load_dataset
from tools.sample import across, sample_period, write_sample


@pytest.fixture(scope="module")
def figures(sample_dir):
    dataset = load_dataset(sample_dir)
    period = dataset.default_period
    table = hotspot_table(
        dataset.hotspots,
        dataset.counts,
        dataset.patrols,
        EvaluationContext.of(period, dataset.hotspots),
    )
    return dataset, table, programme_figures(table, dataset.counts, EvaluationContext.of(period))


def test_default_period_is_the_latest_twelve_months(figures):
    dataset, _, result = figures
    assert str(result.period) == ":".join(sample_period())
    assert dataset.is_sample
    assert result.asb_left_out == [] and result.crime_left_out == []


def test_published_figures(figures):
    _, _, result = figures
    assert 9000 <= result.officer_hours <= 9500
    assert result.arrests == 111
    assert 30000 <= result.engagements <= 31000
    assert result.asb_mean_change_pct == pytest.approx(-25, abs=0.5)
    assert result.asb_largest_reduction_pct == pytest.approx(-45, abs=0.5)
    assert result.crime_change_pct == pytest.approx(-12, abs=0.5)
    assert result.force_crime_change_pct == pytest.approx(-2, abs=0.5)


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
    """Beside the seed's −25% mean: the pooled change with its interval, and the control-
    adjusted ratio, whose interval leaves out 'no change' (the sample's hotspots fell while the
    force did not)."""
    dataset, table, result = figures
    period = result.period
    evaluated = evaluation_table(
        table, dataset.counts, dataset.areas, dataset.patrols, EvaluationContext.of(period)
    )
    programme = programme_evaluation(
        evaluated, dataset.counts, dataset.areas, EvaluationContext.of(period)
    )
    assert programme.mean_change_pct == pytest.approx(result.asb_mean_change_pct)
    assert programme.left_out == 0
    assert programme.pooled_low_pct < programme.pooled_change_pct < programme.pooled_high_pct
    assert programme.pooled_change_pct == pytest.approx(result.asb_pooled_change_pct)
    assert programme.adjusted_high < 1
    assert programme.largest_fall_pct == pytest.approx(result.asb_largest_reduction_pct)
    assert programme.chance_largest_fall_pct < 0
