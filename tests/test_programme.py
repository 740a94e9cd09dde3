"""The programme's evaluation on the sample: pooled change with its interval, chance's share."""

from __future__ import annotations

import pytest

from geo.analysis.context import EvaluationContext
from geo.analysis.figures import programme_figures
from geo.analysis.programme import programme_evaluation
from geo.analysis.stats import ALPHA
from geo.app.load import load_dataset
from geo.words import signed_percent
from tests.helpers import evaluated_table


@pytest.fixture(scope="module")
def sample(sample_dir):
    dataset = load_dataset(sample_dir)
    period = dataset.default_period
    return dataset, period, evaluated_table(dataset, period)


def test_pooled_change_and_intervals_agree_with_the_figures(sample):
    dataset, period, table = sample
    result = programme_evaluation(
        table, dataset.counts, dataset.areas, EvaluationContext.of(period)
    )
    figures = programme_figures(table, dataset.counts, EvaluationContext.of(period))
    assert (result.asb_before, result.asb_after) == (figures.asb_before, figures.asb_after)
    assert result.pooled_change_pct == pytest.approx(figures.asb_pooled_change_pct)
    assert result.pooled_low_pct < result.pooled_change_pct < result.pooled_high_pct
    assert result.adjusted_low < result.adjusted_ratio < result.adjusted_high
    assert result.mean_change_pct == pytest.approx(figures.asb_mean_change_pct)
    assert result.dispersion >= 1


def test_chance_counts_are_the_hotspots_own(sample):
    dataset, period, table = sample
    result = programme_evaluation(
        table, dataset.counts, dataset.areas, EvaluationContext.of(period)
    )
    assert result.tested == len(table)
    assert result.beyond_chance == int((table["adjusted_p"] < ALPHA).sum())
    assert result.beyond_after_fdr == int((table["q"] < ALPHA).sum())
    assert result.beyond_after_fdr <= result.beyond_chance
    assert result.expected_by_chance == pytest.approx(ALPHA * len(table))
    assert result.chance_largest_fall_pct < 0
    reading = result.reading
    assert f"{result.beyond_chance} of {result.tested} hotspots" in reading
    assert f"chance alone would give about {ALPHA * len(table):.1f}" in reading
    assert signed_percent(result.chance_largest_fall_pct) in reading
    assert "regression to the mean" in reading


def test_too_few_hotspots_are_left_out_of_mean_and_largest_fall(sample):
    dataset, period, table = sample
    told = table.copy()
    biggest = told["asb_change_pct"].idxmin()
    told.loc[biggest, "asb_too_few"] = True
    result = programme_evaluation(told, dataset.counts, dataset.areas, EvaluationContext.of(period))
    rest = told.drop(index=biggest)["asb_change_pct"]
    assert result.left_out == 1 and result.mean_over == len(table) - 1
    assert result.mean_change_pct == pytest.approx(rest.mean())
    assert result.largest_fall_pct == pytest.approx(rest.min())
    assert result.largest_fall_where != table.loc[biggest, "name"]
    assert "1 hotspot with too few reports to tell is left out of the mean" in result.reading


def test_a_programme_of_one_hotspot_is_read_in_the_singular(sample):
    from geo.analysis.evaluation import with_q

    dataset, period, table = sample
    one = with_q(table[table["town"] == "Long Eaton"])  # a town of one hotspot
    result = programme_evaluation(one, dataset.counts, dataset.areas, EvaluationContext.of(period))
    reading = result.reading
    assert len(one) == 1 and "ASB in the 1 hotspot went from" in reading
    assert f"{result.beyond_chance} of 1 hotspot changed beyond chance" in reading
    verb = "remains" if result.beyond_after_fdr == 1 else "remain"
    assert f"{result.beyond_after_fdr} {verb} after false-discovery control" in reading
    assert "1 hotspots" not in reading and "(s)" not in reading
