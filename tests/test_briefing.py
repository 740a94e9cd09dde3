"""The briefing: headline figures, and the one-page PDF/PNG made on the server."""

import io
import subprocess
import sys

import pypdf
import pytest
from matplotlib.image import imread

from geo.app.load import load_dataset
from geo.errors import HotspotDataError
from geo.view.briefing import (
    LARGEST_FALL_LABEL,
    MEAN_LABEL,
    NEUTRAL,
    VERDICT_LABEL,
    briefing_page,
    headlines,
    headlines_html,
    percent,
)
from geo.view.briefing_file import render
from geo.view.verdict import verdict
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def page(sample_dir):
    dataset = load_dataset(sample_dir)
    return briefing_page(dataset, dataset.default_period)


def test_headlines_read_as_the_computed_figures(page):
    figures, evaluation = page.figures, page.evaluation
    first, *rest = headlines(figures, evaluation)
    said = verdict(evaluation)
    assert first.lead and first.label == VERDICT_LABEL
    assert (first.value, first.detail, first.tone) == (
        percent(evaluation.pooled_change_pct), said.words, said.kind,
    )  # fmt: skip
    items = {item.label: item for item in rest}
    assert items["Officer patrol hours"].value == f"{figures.officer_hours:,.0f}"
    assert items["Arrests"].value == f"{figures.arrests:,.0f}"
    assert items["People spoken to"].value == f"{figures.engagements:,.0f}"
    assert items[MEAN_LABEL].value == percent(figures.asb_mean_change_pct)
    assert items[LARGEST_FALL_LABEL].value == percent(figures.asb_largest_reduction_pct)
    assert items[LARGEST_FALL_LABEL].detail == (
        f"{page.figures.asb_largest_reduction_where}\nchance alone gives "
        f"{percent(evaluation.chance_largest_fall_pct)}"
    )
    assert items["All crime in hotspots"].value == percent(figures.crime_change_pct)
    assert items["All crime in hotspots"].detail == (
        f"against {percent(figures.force_crime_change_pct)} forcewide"
    )
    assert all(item.tone == NEUTRAL and not item.lead for item in rest)  # only the verdict


def test_percent_rounds_and_signs():
    assert [percent(v) for v in (-25.4, 0.2, 3.6, float("nan"))] == ["−25%", "0%", "+4%", "—"]


def test_headline_html_escapes_text(page):
    items = headlines(page.figures, page.evaluation)
    hostile = [items[0].__class__("<b>x</b>", "1", "<img src=x>", lead=True)]
    html = headlines_html(hostile)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html and "<img" not in html


def test_pdf_has_one_page_with_every_figure(page):
    reader = pypdf.PdfReader(io.BytesIO(render(page, "pdf")))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for item in headlines(page.figures, page.evaluation):  # every figure the page computed
        assert item.value in text, item.label
    assert "SAMPLE DATA" in text and page.figures.asb_largest_reduction_where in text
    assert f"chance alone gives {percent(page.evaluation.chance_largest_fall_pct)}" in text
    assert "data up to September 2026" in text


def test_png_is_a_full_hd_image(page):
    image = imread(io.BytesIO(render(page, "png")), format="png")
    assert image.shape[:2] == (1080, 1920)
    assert image[..., :3].std() > 0.05  # something is drawn, not a blank page


def test_town_briefing_and_unknown_town(sample_dir):
    dataset = load_dataset(sample_dir)
    heanor = briefing_page(dataset, dataset.default_period, "Heanor")
    assert set(heanor.table["town"]) == {"Heanor"} and "Heanor" in heanor.title
    with pytest.raises(HotspotDataError, match="Atlantis"):
        briefing_page(dataset, dataset.default_period, "Atlantis")


@pytest.mark.parametrize("suffix", ["pdf", "png"])
def test_command_line_writes_the_file(sample_dir, tmp_path, suffix):
    out = tmp_path / f"briefing.{suffix}"
    run = subprocess.run(
        [sys.executable, "-m", "geo", "briefing", "--data", str(sample_dir), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert out.read_bytes()[:4] == (b"%PDF" if suffix == "pdf" else b"\x89PNG")


def test_command_line_refuses_other_formats(sample_dir, tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "geo", "briefing", "--data", str(sample_dir), "--out",
         str(tmp_path / "b.docx")],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 2 and ".pdf or .png" in run.stderr
    assert not (tmp_path / "b.docx").exists()


def test_pages_reading_the_figures_do_not_import_matplotlib():
    # matplotlib takes about half a second to import: only drawing a briefing file needs it
    run = subprocess.run(
        [sys.executable, "-c", "import sys, geo.view.briefing; print('matplotlib' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert run.stdout.strip() == "False"


@pytest.fixture(scope="module")
def with_outcomes(sample_dir, tmp_path_factory):
    """The sample with stop and searches, drug seizures (some blank) and notes in its log."""
    from tests.helpers import with_outcome_columns

    folder = tmp_path_factory.mktemp("outcomes") / "data"
    return with_outcome_columns(sample_dir, folder, ("stop_searches", "drugs_seized"))


def test_the_briefing_shows_the_outcomes_the_log_records(with_outcomes):
    from geo.analysis.outcomes import OPTIONAL_OUTCOMES, programme_outcomes

    dataset = load_dataset(with_outcomes)
    period = dataset.default_period
    page = briefing_page(dataset, period)
    expected = programme_outcomes(dataset.patrol_rows, period, columns=OPTIONAL_OUTCOMES)
    assert [o.column for o in page.outcomes] == ["stop_searches", "drugs_seized"]
    assert page.outcomes == tuple(expected)
    text = pypdf.PdfReader(io.BytesIO(render(page, "pdf"))).pages[0].extract_text()
    for outcome in expected:
        assert f"{outcome.label} {outcome.value()}" in text
    assert "Missing people found" not in text and "NOTE-NEVER" not in text
    heanor = briefing_page(dataset, period, "Heanor")
    ids = heanor.table["hotspot_id"]
    assert heanor.outcomes == tuple(
        programme_outcomes(dataset.patrol_rows, period, ids, OPTIONAL_OUTCOMES)
    )
    assert heanor.outcomes != page.outcomes  # per programme: the town's own patrols


def test_no_outcome_columns_no_outcome_strip(page):
    assert page.outcomes == ()
    text = pypdf.PdfReader(io.BytesIO(render(page, "pdf"))).pages[0].extract_text()
    assert "During patrols" not in text and "Stop and searches" not in text


def test_the_wall_shows_the_computed_outcomes_and_never_a_note(monkeypatch, with_outcomes):
    from geo.analysis.outcomes import OPTIONAL_OUTCOMES, programme_outcomes
    from tests.helpers import run_map_page

    at = run_map_page(monkeypatch, with_outcomes)
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    html = " ".join(e.proto.body for e in at.get("html"))
    dataset = load_dataset(with_outcomes)
    for outcome in programme_outcomes(
        dataset.patrol_rows, dataset.default_period, columns=OPTIONAL_OUTCOMES
    ):
        assert f"{outcome.label}</span> <span class='value'>{outcome.value()}</span>" in html
    assert "Missing people found" not in html and "Uses of ASB powers" not in html
    assert "NOTE-NEVER-ON-THE-WALL" not in html


def test_every_outcome_fits_the_two_lines_under_the_tiles():
    from geo.analysis.outcomes import OPTIONAL_OUTCOMES, OUTCOME_LABELS, Outcome
    from geo.view.briefing import OUTCOME_LINE_CHARS, outcome_parts, wrap_parts

    largest = tuple(Outcome(c, OUTCOME_LABELS[c], 999_999_999.0) for c in OPTIONAL_OUTCOMES)
    lines = wrap_parts(outcome_parts(largest), OUTCOME_LINE_CHARS)
    assert len(lines) <= 2 and all(len(line) <= OUTCOME_LINE_CHARS for line in lines)
    assert all(f"{o.label} {o.value()}" in " ".join(lines) for o in largest)


def test_the_outcome_line_joins_the_recorded_outcomes_and_is_empty_without_any():
    from geo.analysis.outcomes import Outcome
    from geo.view.briefing import outcome_line

    stops, drugs = (
        Outcome("stop_searches", "Stop and searches", 1234.0),
        Outcome("drugs_seized", "Drug seizures", float("nan")),
    )
    assert (
        outcome_line((stops, drugs)) == "During patrols: Stop and searches 1,234 · Drug seizures —"
    )
    assert outcome_line(()) == ""


def test_headlines_say_why_no_mean_or_largest_fall_is_given(tmp_path):
    from tests.helpers import too_few_dataset

    dataset = load_dataset(too_few_dataset(tmp_path / "data"))
    page = briefing_page(dataset, dataset.default_period)
    items = {item.label: item for item in headlines(page.figures, page.evaluation)}
    assert items[MEAN_LABEL].detail == "too few to tell"
    assert items[LARGEST_FALL_LABEL].detail.startswith("none could be ranked")
