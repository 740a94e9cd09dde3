"""The briefing file and `geo briefing`: periods without data refused, months left out named."""

from __future__ import annotations

import io
import subprocess
import sys

import pypdf
import pytest

from geo.app.load import load_dataset
from geo.errors import HotspotDataError
from geo.period import Period
from geo.view.briefing import briefing_page
from geo.view.briefing_file import render
from tests.conftest import ROOT
from tests.flagged_data import ASB_PER_MONTH, NO_ASB_MONTH, three_year_dataset


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    return three_year_dataset(tmp_path_factory.mktemp("three") / "data")


def test_a_period_without_a_baseline_is_refused_for_the_file(sample_dir, tmp_path):
    dataset = load_dataset(sample_dir)
    with pytest.raises(HotspotDataError, match="2024-01 to 2024-09 in its baseline"):
        briefing_page(dataset, Period.parse("2025-01:2025-12"))
    out = tmp_path / "b.pdf"
    run = subprocess.run(
        [sys.executable, "-m", "geo", "briefing", "--data", str(sample_dir), "--out", str(out),
         "--period", "2025-01:2025-12"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 2 and "in its baseline" in run.stderr and not out.exists()


def test_the_file_names_the_months_left_out_of_both_years(three_years):
    dataset = load_dataset(three_years)
    page = briefing_page(dataset, Period.parse("2024-01:2024-12"))
    text = pypdf.PdfReader(io.BytesIO(render(page, "pdf"))).pages[0].extract_text()
    assert f"leave out 2023-03, {NO_ASB_MONTH}" in text
    kept = briefing_page(dataset, Period.parse("2024-01:2024-12"), keep_flagged=True)
    assert kept.note == "" and kept.figures.asb_before == page.figures.asb_before + ASB_PER_MONTH
