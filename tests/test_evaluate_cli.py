"""`python -m geo evaluate`: its JSON keys, the same numbers as the app, bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from geo.analysis.context import EvaluationContext
from geo.analysis.evaluation import evaluation_table
from geo.analysis.figures import hotspot_table
from geo.analysis.programme import programme_evaluation
from geo.analysis.report import HOTSPOT_KEYS
from geo.app.load import load_dataset
from tests.conftest import ROOT
from tests.flagged_data import ASB_PER_MONTH, NO_ASB_MONTH, three_year_dataset
from tests.helpers import square_hotspots


def _geo(*args):
    return subprocess.run(
        [sys.executable, "-m", "geo", *map(str, args)], cwd=ROOT, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def evaluated(sample_dir):
    dataset = load_dataset(sample_dir)
    period = dataset.default_period
    run = _geo("evaluate", "--data", sample_dir, "--period", period)
    assert run.returncode == 0, run.stderr
    return dataset, period, json.loads(run.stdout)


def test_json_has_the_issue_keys(evaluated):
    _, period, record = evaluated
    assert record["period"]["after"] == str(period)
    assert record["period"]["before"] == str(period.before)
    assert record["period"]["excluded_months"] == []  # the sample has no flagged month
    assert record["anomalies"] == []
    assert {"asb_before", "asb_after", "asb_change_pct"} <= set(record["forcewide"])
    assert {
        "asb_before", "asb_after", "pooled_change_pct", "pooled_low_pct", "pooled_high_pct",
        "adjusted_ratio", "adjusted_low", "adjusted_high", "adjusted_p", "dispersion", "reading",
    } <= set(record["programme"])  # fmt: skip
    for hotspot in record["hotspots"]:
        assert {
            "hotspot_id", "asb_before", "asb_after", "change_p", "rr", "rr_low", "rr_high",
            "adjusted_ratio", "adjusted_low", "adjusted_high", "adjusted_p", "q", "too_few",
        } <= set(hotspot)  # fmt: skip


def test_json_numbers_are_the_apps(evaluated):
    dataset, period, record = evaluated
    context = EvaluationContext.of(period, dataset.hotspots)
    table = evaluation_table(
        hotspot_table(dataset.hotspots, dataset.counts, dataset.patrols, context),
        dataset.counts, dataset.areas, dataset.patrols, EvaluationContext.of(period),
    )  # fmt: skip
    programme = programme_evaluation(
        table, dataset.counts, dataset.areas, EvaluationContext.of(period)
    )
    assert record["programme"]["pooled_low_pct"] == pytest.approx(programme.pooled_low_pct)
    assert record["programme"]["adjusted_ratio"] == pytest.approx(programme.adjusted_ratio)
    assert record["programme"]["reading"] == programme.reading
    first = table.iloc[0]
    shown = record["hotspots"][0]
    assert shown["hotspot_id"] == first["hotspot_id"]
    assert shown["change_p"] == pytest.approx(first["asb_p"])
    assert shown["adjusted_high"] == pytest.approx(first["adjusted_high"])
    assert shown["q"] == pytest.approx(first["q"])


def test_files_form_gives_the_same_record(evaluated, sample_dir):
    _, period, record = evaluated
    files = ("--hotspots", sample_dir / "hotspots.geojson", "--crimes", sample_dir / "crimes")
    run = _geo("evaluate", *files, "--patrols", sample_dir / "patrols.csv", "--period", period)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == record


def test_csv_is_the_hotspots_table(evaluated, sample_dir):
    _, period, record = evaluated
    run = _geo("evaluate", "--data", sample_dir, "--period", period, "--format", "csv")
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert list(rows[0]) == [*HOTSPOT_KEYS, "reading"]
    assert [r["hotspot_id"] for r in rows] == [h["hotspot_id"] for h in record["hotspots"]]


def test_control_polygons_replace_the_rest_of_the_force(evaluated, sample_dir, tmp_path):
    _, period, record = evaluated
    control = square_hotspots(tmp_path / "control.geojson", {"C": (-1.60, 52.80, -1.35, 53.00)})
    files = ("--hotspots", sample_dir / "hotspots.geojson", "--crimes", sample_dir / "crimes")
    run = _geo("evaluate", *files, "--control", control, "--period", period)
    assert run.returncode == 0, run.stderr
    other = json.loads(run.stdout)["programme"]
    assert other["control_source"] == "the control areas supplied"
    assert other["adjusted_ratio"] != record["programme"]["adjusted_ratio"]
    assert other["pooled_change_pct"] == record["programme"]["pooled_change_pct"]


def test_a_period_without_data_is_refused_naming_the_months(sample_dir):
    run = _geo("evaluate", "--data", sample_dir, "--period", "2040-01:2040-12")
    assert run.returncode == 2 and run.stdout == ""
    assert "2040-01" in run.stderr and "Traceback" not in run.stderr


def test_flagged_months_are_left_out_of_both_years_unless_kept(tmp_path):
    folder = three_year_dataset(tmp_path / "data")
    period = ("--data", folder, "--period", "2024-01:2024-12")
    left_out = json.loads(_geo("evaluate", *period).stdout)
    kept = json.loads(_geo("evaluate", *period, "--keep-flagged").stdout)
    assert [a["month"] for a in left_out["anomalies"]] == [NO_ASB_MONTH]
    assert left_out["period"]["excluded_months"] == ["2023-03", NO_ASB_MONTH]
    assert kept["period"]["excluded_months"] == []
    eleven, twelve = 11 * ASB_PER_MONTH, 12 * ASB_PER_MONTH
    assert (left_out["forcewide"]["asb_before"], left_out["forcewide"]["asb_after"]) == (
        eleven, eleven,
    )  # fmt: skip
    assert (kept["forcewide"]["asb_before"], kept["forcewide"]["asb_after"]) == (twelve, eleven)
    (hotspot,) = left_out["hotspots"]
    assert (hotspot["asb_before"], hotspot["asb_after"]) == (eleven, eleven)


@pytest.mark.parametrize(
    "args",
    [
        ("--data", "no/such/folder", "--period", "2024-01:2024-12"),
        ("--period", "2024-01:2024-12"),
        ("--data", "SAMPLE", "--hotspots", "x.geojson", "--period", "2024-01:2024-12"),
        ("--data", "SAMPLE", "--period", "2024-13:2024-12"),
    ],
)
def test_bad_input_is_one_plain_line_and_exit_2(args, sample_dir):
    run = _geo("evaluate", *[sample_dir if a == "SAMPLE" else a for a in args])
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in run.stderr
