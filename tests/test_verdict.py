"""The programme's verdict: one function turns the programme evaluation into a kind, words and a
colour, and it is the first headline of the map page, the wall, the PDF and the PNG; the mean of
hotspot changes and the largest fall follow it and never take a colour against it."""

from __future__ import annotations

import dataclasses
import io
import math

import numpy as np
import pypdf
import pytest
from matplotlib.image import imread

from geo.analysis.programme import ProgrammeEvaluation
from geo.app.load import load_dataset
from geo.view.briefing import (
    LARGEST_FALL_LABEL,
    MEAN_LABEL,
    NEUTRAL,
    VERDICT_LABEL,
    briefing_page,
    headlines,
    headlines_html,
    percent,
    verdict_html,
)
from geo.view.briefing_file import render
from geo.view.scales import (
    CANNOT_TELL,
    FELL,
    MISSING_COLOUR,
    NO_CHANGE,
    RDBU_7,
    ROSE,
    asb_change_scale,
    verdict_colour,
)
from geo.view.verdict import verdict
from tests.helpers import run_map_page


def _evaluation(**changes: object) -> ProgrammeEvaluation:
    """A programme evaluation of 24 hotspots: ASB 1,000 → 750, a fall beyond the control trend,
    with the given fields changed."""
    fields = {
        "hotspots": 24, "asb_before": 1000, "asb_after": 750, "pooled_change_pct": -25.0,
        "pooled_low_pct": -30.2, "pooled_high_pct": -19.6, "adjusted_ratio": 0.7,
        "adjusted_low": 0.6, "adjusted_high": 0.82, "adjusted_p": 0.001, "dispersion": 1.4,
        "matched_change_pct": -8.0, "mean_change_pct": -25.0, "mean_over": 24, "left_out": 0,
        "largest_fall_pct": -45.0, "largest_fall_where": "Ilkeston Market Place",
        "chance_largest_fall_pct": -30.0, "tested": 24, "beyond_chance": 5,
        "expected_by_chance": 1.2, "beyond_after_fdr": 3,
        "control_source": "the rest of the force",
    }  # fmt: skip
    return ProgrammeEvaluation(**{**fields, **changes})


FALL_COLOURS = set(asb_change_scale().colours[:3])
RISE_COLOURS = set(asb_change_scale().colours[4:])


def test_a_fall_beyond_the_control_trend_is_said_and_blue():
    said = verdict(_evaluation())
    assert said.kind == FELL
    assert said.words == "ASB fell 25% (20–30%): more than the control trend explains"
    assert said.colour == RDBU_7[0] and said.colour_on_dark == RDBU_7[1]
    assert {said.colour, said.colour_on_dark} <= FALL_COLOURS  # the map's own blues


def test_a_rise_beyond_the_control_trend_is_said_and_red():
    said = verdict(
        _evaluation(
            asb_after=1120, pooled_change_pct=12.0, pooled_low_pct=4.8, pooled_high_pct=19.4,
            adjusted_ratio=1.3, adjusted_low=1.1, adjusted_high=1.5, adjusted_p=0.01,
        )
    )  # fmt: skip
    assert said.kind == ROSE
    assert said.words == "ASB rose 12% (5–19%): more than the control trend explains"
    assert {said.colour, said.colour_on_dark} <= RISE_COLOURS


def test_no_change_beyond_chance():
    said = verdict(
        _evaluation(
            asb_after=1013, pooled_change_pct=1.3, pooled_low_pct=-4.2, pooled_high_pct=7.1,
            adjusted_ratio=1.02, adjusted_low=0.9, adjusted_high=1.15, adjusted_p=0.6,
        )
    )  # fmt: skip
    assert said.kind == NO_CHANGE
    assert said.words == "ASB changed +1% (−4% to +7%): no change beyond chance"
    assert not {said.colour, said.colour_on_dark} & (FALL_COLOURS | RISE_COLOURS)


def test_a_fall_the_control_trend_also_shows_is_no_more_than_it_explains():
    said = verdict(_evaluation(adjusted_ratio=0.96, adjusted_p=0.59))
    assert said.kind == NO_CHANGE
    assert said.words == "ASB fell 25% (20–30%): no more than the control trend explains"


def test_a_small_fall_against_a_falling_control_is_higher_than_predicted():
    said = verdict(
        _evaluation(
            asb_after=970, pooled_change_pct=-3.0, pooled_low_pct=-8.1, pooled_high_pct=2.4,
            adjusted_ratio=1.2, adjusted_p=0.02,
        )
    )  # fmt: skip
    assert said.kind == ROSE  # against the control trend, though the count fell
    assert said.words == (
        "ASB fell 3% (−8% to +2%): higher than the control trend predicts, beyond chance"
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {"pooled_low_pct": math.nan, "pooled_high_pct": math.nan, "adjusted_ratio": math.nan,
             "adjusted_p": math.nan},
            "ASB fell 25%: too few untreated areas to compare, so cannot tell whether beyond "
            "chance",
        ),
        (
            {"asb_before": 0, "asb_after": 7, "pooled_change_pct": math.nan},
            "ASB: none recorded last year and 7 this, so no change to measure",
        ),
        (
            {"asb_before": 0, "asb_after": 0, "pooled_change_pct": math.nan},
            "ASB: none recorded in either year, so no change to tell",
        ),
    ],
)  # fmt: skip
def test_cannot_tell_says_why_and_is_grey(changes, words):
    said = verdict(_evaluation(**changes))
    assert said.kind == CANNOT_TELL and said.words == words
    assert said.colour_on_dark == MISSING_COLOUR
    assert said.colour == verdict_colour(CANNOT_TELL)


@pytest.fixture(scope="module")
def page(sample_dir):
    dataset = load_dataset(sample_dir)
    return briefing_page(dataset, dataset.default_period)


@pytest.mark.parametrize(("p", "kind"), [(0.026, ROSE), (0.5, NO_CHANGE), (math.nan, CANNOT_TELL)])
def test_a_mean_fall_beside_a_pooled_rise_never_gets_the_fall_colour(page, p, kind):
    """The map page's defect on real data: a mean of −1.5% coloured as a fall beside a pooled
    +1.3% that the control trend reads as a rise beyond chance."""
    figures = dataclasses.replace(
        page.figures, asb_mean_change_pct=-1.5, asb_pooled_change_pct=1.3,
        asb_largest_reduction_pct=-40.0,
    )  # fmt: skip
    evaluation = _evaluation(
        asb_after=1013, pooled_change_pct=1.3, pooled_low_pct=-2.0, pooled_high_pct=4.7,
        adjusted_ratio=1.24, adjusted_low=1.03, adjusted_high=1.5, adjusted_p=p,
        mean_change_pct=-1.5,
    )  # fmt: skip
    first, *rest = headlines(figures, evaluation)
    assert verdict(evaluation).kind == kind and first.tone == kind
    assert first.value == "+1%" and first.detail.startswith("ASB ")
    items = {item.label: item for item in rest}
    for label in (MEAN_LABEL, LARGEST_FALL_LABEL):
        assert items[label].tone == NEUTRAL and items[label].colour() is None
        assert items[label].colour(dark=True) is None
    assert items[MEAN_LABEL].value == "−2%"
    assert not {first.colour(), first.colour(dark=True)} & FALL_COLOURS
    wall = headlines_html([first, *rest])
    for colour in FALL_COLOURS:  # no blue anywhere among the tiles
        assert colour not in wall


def test_the_wall_tiles_open_with_the_verdict_in_its_colour(page):
    items = headlines(page.figures, page.evaluation)
    said = verdict(page.evaluation)
    html = headlines_html(items)
    lead = html.index("data-testid='verdict'")
    assert lead < html.index(MEAN_LABEL) < html.index("Officer patrol hours")
    assert html.count(f"color:{said.colour_on_dark}") == 2  # its value and its words
    assert html.index(said.words) > lead
    shown = verdict_html(items[0])
    assert f"color:{said.colour}" in shown and said.words in shown and VERDICT_LABEL in shown


def test_the_pdf_reads_the_verdict_first(page):
    said = verdict(page.evaluation)
    text = pypdf.PdfReader(io.BytesIO(render(page, "pdf"))).pages[0].extract_text()
    flat = " ".join(text.split())
    assert said.words in flat
    start = flat.index(VERDICT_LABEL)
    assert start < flat.index(said.words) < flat.index(MEAN_LABEL)
    assert start < flat.index("Officer patrol hours")
    assert flat.index(percent(page.evaluation.pooled_change_pct), start) < flat.index(MEAN_LABEL)


def _pixels(image: np.ndarray, colour: str) -> np.ndarray:
    """Where the image is exactly `colour` (#rrggbb)."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.all(np.abs(image[..., :3] - rgb) < 1.5 / 255, axis=-1)


def test_the_png_draws_the_verdict_in_its_colour_and_no_other_figure_in_it(page):
    said = verdict(page.evaluation)
    image = imread(io.BytesIO(render(page, "png")), format="png")
    height, width = image.shape[:2]
    tiles = slice(int(0.02 * width), int(0.455 * width))
    lead_rows = slice(int(0.13 * height), int(0.38 * height))  # the verdict's tile
    other_rows = slice(int(0.40 * height), int(0.95 * height))  # the figures below it
    assert _pixels(image[lead_rows, tiles], said.colour_on_dark).sum() > 2_000
    assert _pixels(image[other_rows, tiles], said.colour_on_dark).sum() == 0


def _in_order(node):
    """The elements of an AppTest tree in the order the page shows them."""
    yield node
    for index in sorted(getattr(node, "children", {})):
        yield from _in_order(node.children[index])


def test_the_map_page_shows_the_verdict_before_any_figure(monkeypatch, sample_dir, page):
    at = run_map_page(monkeypatch, sample_dir)
    assert not at.exception
    said = verdict(page.evaluation)
    kinds = [
        "verdict" if node.type == "html" and "verdict-headline" in node.proto.body else node.type
        for node in _in_order(at.main)
    ]
    assert "verdict" in kinds and kinds.index("verdict") < kinds.index("metric")
    html = next(e.proto.body for e in at.get("html") if "verdict-headline" in e.proto.body)
    assert said.words in html and f"color:{said.colour}" in html
    assert at.metric[0].label == MEAN_LABEL  # the mean follows, labelled as what it is


def test_the_map_page_verdict_is_the_town_s(monkeypatch, sample_dir):
    dataset = load_dataset(sample_dir)
    heanor = briefing_page(dataset, dataset.default_period, "Heanor")
    at = run_map_page(monkeypatch, sample_dir, town="Heanor")
    html = next(e.proto.body for e in at.get("html") if "verdict-headline" in e.proto.body)
    assert verdict(heanor.evaluation).words in html


def test_the_wall_page_shows_the_verdict_first(monkeypatch, sample_dir, page):
    at = run_map_page(monkeypatch, sample_dir)
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    html = next(e.proto.body for e in at.get("html") if "wall-headlines" in e.proto.body)
    said = verdict(page.evaluation)
    assert html.startswith("<div class='wall-grid' data-testid='wall-headlines'>"
                           "<div class='wall-tile lead' data-testid='verdict'>")  # fmt: skip
    assert said.words in html and f"color:{said.colour_on_dark}" in html
    assert html.index(said.words) < html.index(MEAN_LABEL) < html.index(LARGEST_FALL_LABEL)
