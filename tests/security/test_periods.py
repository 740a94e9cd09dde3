"""Item: periods in links and commands that are not months, or lie far from the data."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.app.load import load_dataset
from geo.cli import main
from geo.errors import HotspotDataError
from geo.period import Period
from geo.view.briefing import briefing_page, headlines, headlines_html
from tests.conftest import ROOT


def _wall(monkeypatch, folder, period: str) -> AppTest:
    monkeypatch.setenv("HOTSPOT_DATA", str(folder))
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / "pages" / "briefing.py"), default_timeout=120)
    at.query_params["period"] = period
    return at.run()


def _html(at: AppTest) -> str:
    return " ".join(element.proto.body for element in at.get("html"))


@pytest.mark.parametrize("text", ["0000-01:0001-12", "9999-01:9999-12"])
def test_years_out_of_range_are_plain_refusals(text):
    from geo.period import YEARS

    with pytest.raises(HotspotDataError, match=f"between {YEARS[0]} and {YEARS[1]}"):
        Period.parse(text)


def test_wall_with_year_zero_says_so_and_shows_the_latest_year(monkeypatch, sample_dir):
    at = _wall(monkeypatch, sample_dir, "0000-01:0001-12")
    assert not at.exception
    html = _html(at)
    assert "Ignoring the period in the link" in html and "is not a month between" in html
    latest = load_dataset(sample_dir).default_period
    assert latest.label() in html


def test_wall_with_a_far_period_shows_no_zeros_but_the_latest_year(monkeypatch, sample_dir):
    at = _wall(monkeypatch, sample_dir, "2090-01:2090-12")
    assert not at.exception
    html = _html(at)
    assert "no crime data for" in html
    dataset = load_dataset(sample_dir)
    page = briefing_page(dataset, dataset.default_period)
    assert (
        headlines_html(headlines(page.figures, page.evaluation)) in html
    )  # the latest year's figures, not zeros


def test_far_period_is_refused_by_the_commands(sample_dir, tmp_path, capsys):
    status = main(
        ["briefing", "--data", str(sample_dir), "--period", "2090-01:2090-12",
         "--out", str(tmp_path / "b.png")]
    )  # fmt: skip
    assert status == 2 and "no crime data for" in capsys.readouterr().err
    assert not (tmp_path / "b.png").exists()
    crimes = sample_dir / "crimes"
    status = main(
        ["summary", "--hotspots", str(next(sample_dir.glob("hotspots.*"))), "--crimes",
         str(crimes), "--period", "1995-01:1995-12"]
    )  # fmt: skip
    assert status == 2 and "no crime data for" in capsys.readouterr().err
