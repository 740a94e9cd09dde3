"""A dataset without patrols.csv: every patrol figure says "no patrol log", none shows 0."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys

import pandas as pd
import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis.figures import NO_PATROL_LOG
from geo.app.load import load_dataset
from geo.app.quality import data_quality
from geo.view.briefing import briefing_page, headlines
from geo.view.briefing_file import render
from tests.conftest import ROOT

PATROL_LABELS = ("Officer patrol hours", "Arrests", "People spoken to")


@pytest.fixture(scope="module")
def no_log(sample_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("nolog") / "data"
    shutil.copytree(sample_dir, folder)
    (folder / "patrols.csv").unlink()
    return folder


def test_briefing_headlines_and_pdf_say_no_patrol_log(no_log):
    dataset = load_dataset(no_log)
    page = briefing_page(dataset, dataset.default_period)
    items = {item.label: item for item in headlines(page.figures, page.evaluation)}
    for label in PATROL_LABELS:
        assert items[label].value == "—" and items[label].detail == NO_PATROL_LOG
    text = pypdf.PdfReader(io.BytesIO(render(page, "pdf"))).pages[0].extract_text()
    assert text.count(NO_PATROL_LOG) == 3
    assert "0 visits" not in text and "during hotspot patrols" not in text


def test_quality_report_leaves_the_patrol_count_empty(no_log):
    summary = data_quality(load_dataset(no_log)).summary().set_index("check")
    row = summary.loc["Patrol visits outside their hotspot's programme dates"]
    assert row["count"] is pd.NA and row["detail"] == NO_PATROL_LOG


def test_map_page_shows_no_patrol_log_instead_of_zeros(monkeypatch, no_log):
    monkeypatch.setenv("HOTSPOT_DATA", str(no_log))
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["hotspot"] = "HS-CHE-01"
    at.run()
    assert not at.exception
    metrics = {}
    for metric in at.metric:
        metrics.setdefault(metric.label, []).append(metric.value)
    for label in ("Officer patrol hours", "Officer hours", "Arrests", "People spoken to"):
        assert metrics.get(label) and all(v == NO_PATROL_LOG for v in metrics[label]), label
    assert at.sidebar.radio(key="metric").options == ["ASB change %"]  # nothing to colour by
    assert any(NO_PATROL_LOG in i.value.lower() for i in at.info)  # charts say so too


def test_summary_command_leaves_patrol_columns_empty(no_log):
    dataset = load_dataset(no_log)
    run = subprocess.run(
        [sys.executable, "-m", "geo", "summary", "--hotspots", str(no_log / "hotspots.geojson"),
         "--crimes", str(no_log / "crimes"), "--period", str(dataset.default_period)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].endswith("officer_hours,visits,arrests,engagements")
    assert all(line.endswith(",,,,") for line in lines[1:])
