"""What a person sees, in Debian's chromium driven by Playwright: the map page on the sample data.

Screenshots are written to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
TILE_HOST = "tile.openstreetmap.org"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {process.stdout.read().decode()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("streamlit did not become healthy")


def _serve(folder: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "HOTSPOT_DATA": str(folder)}
    env.pop("HOTSPOT_TILES", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(sample_dir) -> Iterator[str]:
    yield from _serve(sample_dir)


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
    yield from _serve(folder)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser, url: str, width: int = 1600, height: int = 1000):
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=90_000)
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
    ARTIFACTS.mkdir(exist_ok=True)
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
