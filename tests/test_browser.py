"""What a person sees, in Debian's chromium driven by Playwright: the map page on the sample data.

Screenshots are written to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser_support import ARTIFACTS, IDLE, MAP_FRAME, TILE_HOST, open_page, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_server(sample_dir, tmp_path_factory) -> Iterator[str]:
    """The sample with every hotspot name wrapped in HTML that must show as text."""
    folder = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(sample_dir, folder)
    path = folder / "hotspots.geojson"
    data = json.loads(path.read_text())
    for feature in data["features"]:
        feature["properties"]["name"] = f"<b>{feature['properties']['name']}</b>"
    path.write_text(json.dumps(data))
    yield from serve(folder)


def _open(browser, url: str, width: int = 1600, height: int = 1000):
    page, requests = open_page(browser, url, width, height)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".hotspot-legend").wait_for(state="visible", timeout=30_000)
    return page, frame, requests


def _hotspot_count(sample_dir: Path) -> int:
    return len(json.loads((sample_dir / "hotspots.geojson").read_text())["features"])


def test_map_draws_every_hotspot_with_a_legend(browser, server, sample_dir):
    page, frame, _ = _open(browser, server)
    polygons = frame.locator("path.leaflet-interactive:not(.hotspot-dot)")
    assert polygons.count() == _hotspot_count(sample_dir)
    legend = frame.locator(".hotspot-legend")
    assert legend.is_visible()
    assert "ASB change" in legend.inner_text()
    page.screenshot(path=str(ARTIFACTS / "map-1600x1000.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_selector(IDLE)
    page.screenshot(path=str(ARTIFACTS / "map-1920x1080.png"), full_page=True)
    page.close()


def test_nothing_leaves_the_origin_but_tiles(browser, server):
    page, _, requests = _open(browser, f"{server}/?metric=hours")
    page.wait_for_load_state("networkidle")
    outside = {urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https")}
    assert outside - {"127.0.0.1", TILE_HOST} == set()
    assert TILE_HOST in outside  # tiles are requested, from the configured server only
    page.close()


def test_town_view_shows_names_and_tooltip_shows_html_as_text(browser, hostile_server):
    page, frame, _ = _open(browser, f"{hostile_server}/?town=Heanor")
    polygon = frame.locator("path.leaflet-interactive:not(.hotspot-dot)").first
    polygon.hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert "<b>" in tooltip.inner_text()
    assert tooltip.locator("b").count() == 0
    label = frame.locator(".hotspot-label").first
    assert label.is_visible() and "<b>" in label.inner_text()
    page.screenshot(path=str(ARTIFACTS / "map-town-tooltip.png"))
    page.close()


def test_clicking_a_hotspot_selects_it(browser, server):
    page, frame, _ = _open(browser, f"{server}/?town=Shirebrook")
    frame.locator("path.leaflet-interactive:not(.hotspot-dot)").first.click(force=True)
    page.wait_for_function(
        "() => new URL(location.href).searchParams.has('hotspot')", timeout=30_000
    )
    page.wait_for_selector(IDLE)
    assert page.get_by_text("ASB per month").is_visible()
    page.screenshot(path=str(ARTIFACTS / "map-selected.png"), full_page=True)
    page.close()


def test_bivariate_view_has_its_square_legend(browser, server, sample_dir):
    page, frame, _ = _open(browser, f"{server}/?metric=both")
    legend = frame.locator(".bivariate-legend")
    assert legend.is_visible()
    cells = legend.locator(".bv-cell")
    assert cells.count() == 9
    counts = sum(int(text) for text in cells.all_inner_texts())
    assert counts == _hotspot_count(sample_dir)
    page.screenshot(path=str(ARTIFACTS / "map-bivariate.png"))
    page.close()


def test_dose_response_chart_renders(browser, server):
    page, _, _ = _open(browser, server)
    heading = page.get_by_role("heading", name="Dose and response")
    heading.scroll_into_view_if_needed()
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.wait_for(state="visible", timeout=30_000)
    chart.scroll_into_view_if_needed()
    marks = chart.locator("svg .mark-symbol path, canvas")
    marks.first.wait_for(state="attached", timeout=30_000)
    box = chart.bounding_box()
    assert box and box["height"] > 200
    chart.screenshot(path=str(ARTIFACTS / "dose-response.png"))
    page.close()


def test_tooltip_carries_significance_and_dosage(browser, server):
    page, frame, _ = _open(browser, f"{server}/?town=Chesterfield")
    frame.locator("path.leaflet-interactive:not(.hotspot-dot)").first.hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    text = tooltip.inner_text()
    assert "rate ratio" in text and "h/week" in text and "trend:" in text
    page.close()


def test_downloads_are_made_on_click(browser, server):
    page, _, _ = _open(browser, f"{server}/?town=Heanor")
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download table (CSV)").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("hotspot_id,name,town,asb_before,asb_after,asb_change_pct")
    assert len(lines) == 1 + 3 and all(",Heanor," in line for line in lines[1:])
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Briefing (PDF)").click()
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"
    page.close()


def test_monthly_return_downloads_as_a_workbook(browser, server):
    import io

    import openpyxl

    page, _, _ = _open(browser, f"{server}/?period=2025-10:2026-09")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Monthly return for September 2026 (Excel)").click()
    data = Path(download.value.path()).read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1][:2] == ["Month", "September 2026"]
    assert any(r and r[1] == "All hotspots" for r in rows)
    page.close()
