"""The map page on a laptop's screen, in Debian's chromium: at 1366×768 and 1440×900 the map's
top and its legend are on the first screen under the verdict and the figures, no figure's text
is cut, and a town's names lie clear of the hotspots' outlines; on the sample and on real
Derbyshire wards (no patrol log, flagged months: the longest notices above the map).

Screenshots are written to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser_support import ARTIFACTS, IDLE, MAP_FRAME, open_page, serve, wait_for_map_at_rest
from tests.helpers import real_wards_dataset

pytestmark = pytest.mark.browser
SIZES = [(1366, 768), (1440, 900)]
TOWN_WARDS = ("Heanor", "Shirebrook", "Brimington", "Ilkeston")


@pytest.fixture(scope="module")
def real_server(shared_data, tmp_path_factory) -> Iterator[str]:
    yield from serve(
        real_wards_dataset(shared_data, tmp_path_factory.mktemp("real") / "data", TOWN_WARDS)
    )


CUT_TEXT_JS = """() => [...document.querySelectorAll(
    '[data-testid=verdict-headline], [data-testid=verdict-headline] *, '
    + '.st-key-headline-figures [data-testid=stMetric] *')]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth)
  .map(e => e.textContent.trim().slice(0, 60) + ` (${e.scrollWidth} > ${e.clientWidth})`)"""
"""The texts of the verdict and the figures wider than their boxes: cut, or spilling out."""
NAMES_ON_OUTLINES_JS = """() => {
  const shown = e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden'
    && getComputedStyle(e).display !== 'none';
  const boxes = sel => [...document.querySelectorAll(sel)].filter(shown)
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
  const hotspots = boxes('.leaflet-overlay-pane path.leaflet-interactive, path.hotspot-dot');
  const names = [...document.querySelectorAll('.label span')].filter(shown);
  return {
    names: names.map(n => n.textContent),
    covering: names.filter(n => {
      const r = n.getBoundingClientRect();
      return hotspots.some(h => r.left < h.right && h.left < r.right && r.top < h.bottom
                                && h.top < r.bottom);
    }).map(n => n.textContent),
  };
}"""
"""In the map's frame: the names shown, and those that lie across a hotspot's outline or dot."""


def _on_first_screen(page, height: int) -> None:
    """The map's top and the bottom of its legend are within the window, scrolled to the top."""
    assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop") == 0
    frame_box = page.locator(MAP_FRAME).bounding_box()
    legend = page.frame_locator(MAP_FRAME).locator(".hotspot-legend").bounding_box()
    assert 0 <= frame_box["y"] < height, frame_box
    assert frame_box["y"] <= legend["y"] and legend["y"] + legend["height"] <= height, legend
    assert legend["y"] + legend["height"] <= frame_box["y"] + frame_box["height"], legend
    assert page.evaluate(CUT_TEXT_JS) == []


def _choose_town(page, town: str) -> None:
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name=town, exact=True).click()
    page.wait_for_function(f"() => location.search.includes('town={town}')", timeout=30_000)
    page.wait_for_selector(IDLE)


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("data", ["sample", "real"])
def test_the_map_and_its_legend_are_on_the_first_screen(request, browser, data, width, height):
    url = request.getfixturevalue("server" if data == "sample" else "real_server")
    page, _ = open_page(browser, url, width, height)
    frame = page.locator(MAP_FRAME).element_handle(timeout=60_000).content_frame()
    wait_for_map_at_rest(frame)
    page.wait_for_selector(IDLE)
    _on_first_screen(page, height)
    page.screenshot(path=str(ARTIFACTS / f"layout-{data}-{width}x{height}.png"))
    page.close()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_towns_names_lie_clear_of_its_hotspots(browser, server, width, height):
    page, _ = open_page(browser, server, width, height)
    frame = page.locator(MAP_FRAME).element_handle(timeout=60_000).content_frame()
    wait_for_map_at_rest(frame)
    for town in ("Chesterfield", "Heanor"):
        _choose_town(page, town)  # a rerun: the map keeps its height and its place
        wait_for_map_at_rest(frame)
        _on_first_screen(page, height)
        shown = frame.evaluate(NAMES_ON_OUTLINES_JS)
        assert shown["names"] and shown["covering"] == [], (town, shown)
        page.locator(MAP_FRAME).screenshot(
            path=str(ARTIFACTS / f"layout-{town}-{width}x{height}.png")
        )
    page.close()
