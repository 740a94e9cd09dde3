"""The map page under AppTest shows the evaluation's own figures: the programme reading, the
primary per-hotspot reading, and q worked out across the hotspots shown."""

from __future__ import annotations

import numpy as np

from geo.analysis.context import EvaluationContext
from geo.analysis.evaluation import primary_reading
from geo.analysis.programme import programme_evaluation
from geo.analysis.stats import benjamini_hochberg
from geo.app.load import load_dataset
from tests.helpers import evaluated_table, run_map_page, shown

_app = run_map_page


def _evaluated(sample_dir):
    dataset = load_dataset(sample_dir)
    period = dataset.default_period
    return dataset, period, evaluated_table(dataset, period)


def test_programme_and_hotspot_readings_are_the_evaluations(monkeypatch, sample_dir):
    dataset, period, table = _evaluated(sample_dir)
    programme = programme_evaluation(
        table, dataset.counts, dataset.areas, EvaluationContext.of(period)
    )
    first = table.iloc[0]
    at = _app(monkeypatch, sample_dir, hotspot=first["hotspot_id"])
    assert not at.exception
    assert any(shown(info.value) == programme.reading for info in at.info)
    assert any(shown(md.value) == primary_reading(first.to_dict()) for md in at.markdown)
    columns = set(at.dataframe[0].value.columns)
    assert {"adjusted_ratio", "adjusted_ci", "adjusted_p", "q", "asb_p"} <= columns


def test_q_is_worked_out_across_the_hotspots_shown(monkeypatch, sample_dir):
    _, _, table = _evaluated(sample_dir)
    at = _app(monkeypatch, sample_dir, town="Heanor")
    shown_table = at.dataframe[0].value
    heanor = table[table["town"] == "Heanor"]
    expected = benjamini_hochberg(heanor["adjusted_p"].to_numpy())
    shown_q = shown_table["q"].to_numpy(dtype=float)  # rounded as the column shows it
    assert np.allclose(shown_q, expected, rtol=0, atol=0.0005), (shown_q, expected)
    assert not np.allclose(expected, heanor["q"].to_numpy())  # not the all-hotspot q
