"""The wall screen in Debian's chromium at 1080p and 4K: everything on one screen, big, offline,
rotating through towns, and picking up new data without remounting the map."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from geo.app.load import load_dataset
from geo.view.briefing import briefing_page, headlines
from tests.browser_support import ARTIFACTS, MAP_FRAME, TILE_HOST, map_frame, open_page, serve
from tests.flagged_data import three_year_dataset

pytestmark = pytest.mark.browser
SCREENS = [(1920, 1080), (3840, 2160)]


def _wall(browser, url: str, width: int, height: int):
    page, requests = open_page(browser, url, width, height)
    page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first.wait_for(
        state="attached", timeout=30_000
    )
    return page, requests


@pytest.mark.parametrize("width,height", SCREENS)
def test_every_figure_on_one_screen_big_and_offline(browser, server, sample_dir, width, height):
    dataset = load_dataset(sample_dir)
    computed = briefing_page(dataset, dataset.default_period)
    page, requests = _wall(browser, f"{server}/briefing", width, height)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.scrollingElement.scrollHeight") <= height
    text = page.locator("[data-testid=wall-headlines]").inner_text()
    for item in headlines(computed.figures, computed.evaluation):  # what geo computes
        assert item.value in text, item.label
    for selector in ("[data-testid=wall-headlines] .wall-value", "[data-testid=wall-legend]",
                     MAP_FRAME, ".wall-badge"):  # fmt: skip
        for box in [e.bounding_box() for e in page.locator(selector).all()]:
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, selector
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    sizes = page.locator(".wall-value").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 48 * height / 1080
    for hidden in ("[data-testid=stSidebar]", "[data-testid=stToolbar]", "[data-testid=stHeader]"):
        assert not page.locator(hidden).is_visible()
    outside = {urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https")}
    assert outside - {"127.0.0.1", TILE_HOST} == set()
    page.screenshot(path=str(ARTIFACTS / f"briefing-{width}x{height}.png"))
    page.close()


@pytest.mark.parametrize("width,height", [(1440, 900), (1366, 768)])
def test_every_tile_is_read_whole_on_a_laptop_screen(browser, server, width, height):
    """Heanor's largest fall names its hotspot and what chance gives: in a narrow tile the words
    wrap, and no tile cuts its text (nor ends it in an ellipsis)."""
    page, _ = _wall(browser, f"{server}/briefing?town=Heanor", width, height)
    tiles = page.locator("[data-testid=wall-headlines] .wall-tile")
    assert "chance alone gives" in " ".join(tiles.locator(".wall-detail").all_inner_texts())
    clipped = tiles.evaluate_all(  # a tile or its words beyond their box (3 px: an overhang)
        "tiles => tiles.flatMap(t => [t, ...t.querySelectorAll('.wall-label, .wall-detail')])"
        ".filter(e => e.scrollHeight > e.clientHeight + 3 || e.scrollWidth > e.clientWidth + 3)"
        ".map(e => e.innerText)"
    )
    assert clipped == []
    page.screenshot(path=str(ARTIFACTS / f"briefing-heanor-{width}x{height}.png"))
    page.close()


def test_rotation_moves_to_the_next_town(browser, server):
    page, _ = _wall(browser, f"{server}/briefing?rotate=5", 1920, 1080)
    title = page.locator(".wall-title")
    first = title.inner_text()
    assert "—" in first  # a town is named
    page.wait_for_function(
        "(first) => document.querySelector('.wall-title').innerText !== first", arg=first,
        timeout=20_000,
    )  # fmt: skip
    second = title.inner_text()
    assert second != first
    assert "2 of " in page.locator(".wall-note").inner_text()
    town = second.split("—")[-1].strip()
    frame = map_frame(page)
    frame.wait_for_function(  # the map has moved to the new town: its hotspots are in view
        """(town) => Array.from(document.querySelectorAll('.hotspot-label')).some(label => {
            const box = label.getBoundingClientRect();
            return label.innerText.startsWith(town) && box.width > 0 && box.x > 0
                && box.y > 0 && box.right < innerWidth && box.bottom < innerHeight;
        })""",
        arg=town,
        timeout=10_000,
    )
    page.screenshot(path=str(ARTIFACTS / "briefing-rotated.png"))
    page.close()


@pytest.fixture
def changing_server(sample_dir, tmp_path) -> Iterator[tuple[str, object]]:
    folder = tmp_path / "data"
    shutil.copytree(sample_dir, folder)
    for url in serve(folder):
        yield url, folder


def test_new_data_appears_without_remounting_the_map(browser, changing_server):
    url, folder = changing_server
    page, _ = _wall(browser, f"{url}/briefing?refresh=5", 1920, 1080)
    page.frame_locator(MAP_FRAME).locator("body").evaluate("() => { window.keptAlive = true; }")
    dataset = load_dataset(folder)
    arrests = int(briefing_page(dataset, dataset.default_period).figures.arrests)
    assert f"{arrests:,}" in page.locator("[data-testid=wall-headlines]").inner_text()
    patrols = folder / "patrols.csv"
    first_row = patrols.read_text().splitlines()[1].split(",")
    extra = [first_row[0], "2026-09-30T20:00", "2026-09-30T20:30", "1", "5", "3"]
    patrols.write_text(patrols.read_text() + ",".join(extra) + "\n")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=wall-headlines]').innerText"
        f".includes('{arrests + 5:,}')",
        timeout=30_000,
    )
    kept = page.frame_locator(MAP_FRAME).locator("body").evaluate("() => window.keptAlive === true")
    assert kept, "the map was remounted (it would flash on the wall)"
    page.close()


@pytest.fixture(scope="module")
def outcomes_server(sample_dir, tmp_path_factory) -> Iterator[tuple[str, object]]:
    from tests.helpers import with_outcome_columns

    folder = with_outcome_columns(
        sample_dir, tmp_path_factory.mktemp("outcomes") / "data",
        ("stop_searches", "asb_powers", "missing_found", "drugs_seized"),
    )  # fmt: skip
    for url in serve(folder):
        yield url, folder


@pytest.mark.parametrize("width,height", [(1920, 1080), (1440, 900)])
def test_every_outcome_the_log_records_fits_on_the_screen(browser, outcomes_server, width, height):
    from geo.analysis.outcomes import OPTIONAL_OUTCOMES, programme_outcomes

    url, folder = outcomes_server
    dataset = load_dataset(folder)
    expected = programme_outcomes(
        dataset.patrol_rows, dataset.default_period, None, OPTIONAL_OUTCOMES
    )
    page, _requests = _wall(browser, f"{url}/briefing", width, height)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.scrollingElement.scrollHeight") <= height
    strip = page.locator("[data-testid=wall-outcomes]")
    text = " ".join(strip.inner_text().split())
    for outcome in expected:  # all four, as geo computes them
        assert f"{outcome.label} {outcome.value()}" in text
    tiles = page.locator("[data-testid=wall-headlines]").bounding_box()
    for item in strip.locator(":scope > span").all():  # every item whole: below the tiles, on
        box = item.bounding_box()  # the screen, and nothing that could clip it
        assert box["y"] >= tiles["y"] + tiles["height"] and box["y"] + box["height"] <= height
    assert strip.evaluate("e => getComputedStyle(e).overflow") == "visible"
    for selector in ("[data-testid=wall-outcomes]", "[data-testid=wall-headlines] .wall-value"):
        for box in [e.bounding_box() for e in page.locator(selector).all()]:
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, selector
    assert "NOTE-NEVER" not in page.content()
    page.screenshot(path=str(ARTIFACTS / f"briefing-outcomes-{width}x{height}.png"))
    page.close()


@pytest.fixture(scope="module")
def flagged_server(tmp_path_factory) -> Iterator[str]:
    """Two months without ASB in the period and a long town name: the longest header lines."""
    folder = three_year_dataset(
        tmp_path_factory.mktemp("flagged") / "data",
        no_asb_months=("2024-03", "2024-09"),
        town="Chesterfield and Brimington",
    )
    yield from serve(folder)


@pytest.mark.parametrize("width,height", [(1920, 1080), (1366, 768)])
def test_the_flagged_months_are_read_whole_beside_the_title(browser, flagged_server, width, height):
    page, _ = _wall(
        browser, f"{flagged_server}/briefing?town=Chesterfield+and+Brimington", width, height
    )
    assert page.locator(".wall-title").inner_text().endswith("Chesterfield and Brimington")
    flags = page.locator(".wall-flags")
    text = flags.inner_text()
    assert "Flagged 2024-03 ASB, 2024-09 ASB" in text and "2023-09, 2024-03, 2024-09)" in text
    tiles = page.locator("[data-testid=wall-headlines]").bounding_box()
    for selector in ("[data-testid=wall-head]", ".wall-title", ".wall-sub", ".wall-flags"):
        element = page.locator(selector)
        clipped = element.evaluate(  # beyond its box by more than a glyph's overhang (3 px)
            "e => e.scrollHeight > e.clientHeight + 3 || e.scrollWidth > e.clientWidth + 3"
        )
        box = element.bounding_box()
        assert not clipped and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= tiles["y"], selector  # above them
    size = flags.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 20 * height / 1080  # as legible as the tiles' details
    page.screenshot(path=str(ARTIFACTS / f"briefing-flagged-{width}x{height}.png"))
    page.close()
