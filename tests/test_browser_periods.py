"""In Debian's chromium: the period slider moved by mouse and keyboard, a link whose baseline has
no data, and a dataset without a patrol log. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest

from tests.browser_support import ARTIFACTS, IDLE, MAP_FRAME, open_page, serve

pytestmark = pytest.mark.browser
DEFAULT = "2025-10:2026-09"


@pytest.fixture(scope="module")
def no_log_server(sample_dir, tmp_path_factory) -> Iterator[str]:
    """The sample without its patrol log."""
    folder = tmp_path_factory.mktemp("nolog") / "data"
    shutil.copytree(sample_dir, folder)
    (folder / "patrols.csv").unlink()
    yield from serve(folder)


def _period_in_url(page) -> str:
    return page.evaluate("() => new URL(location.href).searchParams.get('period')")


def _wait_for_new_period(page, old: str | None) -> str:
    """The period in the address once it differs from `old` (None: a plain address)."""
    shown = "null" if old is None else f"'{old}'"
    page.wait_for_function(
        f"() => new URL(location.href).searchParams.get('period') !== {shown}", timeout=30_000
    )
    page.wait_for_selector(IDLE, timeout=60_000)
    return _period_in_url(page)


def _thumbs(page):
    """The slider and its two ends: the range inputs a keyboard moves (inside the thumbs)."""
    slider = page.locator("[data-testid=stSidebar] [data-testid=stSlider]")
    slider.wait_for(state="visible", timeout=30_000)
    return slider, slider.locator("input[type=range]")


def test_dragging_the_slider_with_the_mouse_changes_the_period(browser, server):
    page, _ = open_page(browser, server)
    assert _period_in_url(page) is None  # a plain address shows the default period as it is
    slider, thumbs = _thumbs(page)
    assert thumbs.count() == 2  # a range: both ends can move
    box = thumbs.nth(0).locator("xpath=../..").bounding_box()  # the thumb a mouse grabs
    track = slider.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + track["width"] * 0.3, y, steps=8)
    page.mouse.up()
    period = _wait_for_new_period(page, None)
    start, end = period.split(":")
    assert start > "2025-10" and end == "2026-09"
    caption = page.locator("[data-testid=stCaptionContainer]").first.inner_text()
    assert re.search(r"compared with \w{3} 2024 – Sep 2025|compared with \w{3} 2025 – Sep 2025",
                     caption), caption  # fmt: skip
    assert _period_in_url(page) == period  # it stays: no snapping back to the latest year
    page.screenshot(path=str(ARTIFACTS / "period-dragged.png"))
    page.close()


def test_arrow_keys_on_the_slider_change_the_period(browser, server):
    page, _ = open_page(browser, server)
    _, thumbs = _thumbs(page)
    end = thumbs.nth(1)
    end.focus()
    end.press("ArrowLeft")
    end.press("ArrowLeft")
    period = _wait_for_new_period(page, None)
    page.wait_for_timeout(1500)  # let a second key's rerun land, if it comes separately
    page.wait_for_selector(IDLE, timeout=60_000)
    period = _period_in_url(page)
    assert period.startswith("2025-10:") and period.split(":")[1] in ("2026-07", "2026-08")
    assert period != DEFAULT
    page.close()


def test_a_link_without_a_baseline_shows_no_change_against_it(browser, server):
    page, _ = open_page(browser, f"{server}/?period=2025-01:2025-12")
    page.frame_locator(MAP_FRAME).locator(".hotspot-legend").wait_for(timeout=30_000)
    text = page.locator("[data-testid=stMain]").inner_text()
    assert "Ignoring the period in the link" in text
    assert "no crime data for 2024-01 to 2024-09 in its baseline" in text
    assert "Jan 2025 – Dec 2025 compared" not in text and "+300" not in text
    assert _period_in_url(page) == DEFAULT
    page.screenshot(path=str(ARTIFACTS / "period-without-baseline.png"))
    wall, _ = open_page(browser, f"{server}/briefing?period=2025-01:2025-12")
    wall.locator("[data-testid=wall-headlines]").wait_for(timeout=30_000)
    head = wall.locator(".wall-head").inner_text()
    assert "Ignoring the period in the link" in head and "Jan 2025" not in head
    assert "+300" not in wall.locator("[data-testid=wall-headlines]").inner_text()
    wall.close()
    page.close()


def _metric_values(page) -> dict[str, str]:
    metrics = page.locator("[data-testid=stMetric]")
    out = {}
    for index in range(metrics.count()):
        label = metrics.nth(index).locator("[data-testid=stMetricLabel]").inner_text().strip()
        out[label] = metrics.nth(index).locator("[data-testid=stMetricValue]").inner_text().strip()
    return out


def test_without_a_patrol_log_no_patrol_figure_shows_zero(browser, no_log_server):
    page, _ = open_page(browser, f"{no_log_server}/?town=Chesterfield")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".hotspot-legend").wait_for(timeout=30_000)
    values = _metric_values(page)
    for label in ("Officer patrol hours", "Arrests", "People spoken to"):
        assert values[label] == "no patrol log", values
    frame.locator("path.leaflet-interactive:not(.hotspot-dot)").first.hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert "no patrol log" in tooltip.inner_text()
    assert "0 officer hours" not in tooltip.inner_text()
    page.screenshot(path=str(ARTIFACTS / "no-patrol-log.png"), full_page=True)
    wall, _ = open_page(browser, f"{no_log_server}/briefing")
    tiles = wall.locator("[data-testid=wall-headlines]")
    tiles.wait_for(timeout=30_000)
    text = tiles.inner_text()
    assert text.count("no patrol log") == 3
    assert "0 visits" not in text and "during hotspot patrols" not in text
    wall.close()
    page.close()
