"""Running the app for browser tests: the app on a free local port, and Debian's chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tools.app_server import MAP_FRAME, ROOT, app_server

__all__ = ["ARTIFACTS", "IDLE", "MAP_FRAME", "TILE_HOST", "open_page", "serve"]
ARTIFACTS = ROOT / "tests" / "artifacts"
TILE_HOST = "tile.openstreetmap.org"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def serve(folder: Path) -> Iterator[str]:
    """Run the app (default tiles) on dataset `folder` until closed; yield its URL."""
    with app_server(folder) as url:
        yield url


def open_page(browser, url: str, width: int = 1600, height: int = 1000):
    """A new page at `url`, once the script has finished; returns (page, requested URLs)."""
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=90_000)
    return page, requests
