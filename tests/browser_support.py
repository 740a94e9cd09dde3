"""Running the app for browser tests: the app on a free local port, and Debian's chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from geo.app_server import ROOT, app_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
TILE_HOST = "tile.openstreetmap.org"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def serve(folder: Path) -> Iterator[str]:
    """Run the app (default tiles) on dataset `folder` until closed; yield its URL."""
    with app_server(folder) as url:
        yield url


def open_page(browser, url: str, width: int = 1600, height: int = 1000):
    """A new page at `url`, once the script has finished; returns (page, requested URLs)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=90_000)
    return page, requests
