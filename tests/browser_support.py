"""Running the app for browser tests: the app on a free local port, and Debian's chromium."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.helpers import local_http_server
from tools.app_server import IDLE, MAP_AT_REST_JS, MAP_FRAME, ROOT, app_server

__all__ = [
    "ARTIFACTS", "IDLE", "MAP_FRAME", "MAP_KEPT_JS", "TILE_HOST", "WATCH_MAP_JS", "click_dot",
    "map_frame", "open_page", "serve", "tile_server", "wait_for_map_at_rest",
]  # fmt: skip
ARTIFACTS = ROOT / "tests" / "artifacts"
TILE_HOST = "tile.openstreetmap.org"

WATCH_MAP_JS = """(field) => {
  window.__kept = true;
  window.map.__kept = true;
  document.getElementById("map_div").__kept = true;
  window.__sent = [];
  window.addEventListener("message", (event) => {
    const args = event.data && event.data.type === "streamlit:render" && event.data.args;
    if (args) {
      window.__sent.push({geometry: args.geometry ? args.geometry.length : 0,
                          [field]: args[field] ? args[field].length : 0});
    }
  });
}"""
"""In the map's frame, given the name of one of the map's arguments: marks its window, its
Leaflet map and the map's node, and notes in window.__sent for each later message from the page
how many characters of outlines and of that argument it carried."""

MAP_KEPT_JS = """() => window.__kept === true && window.map.__kept === true
  && document.getElementById("map_div").__kept === true"""
"""In the map's frame: whether the marks WATCH_MAP_JS left are all still there (the map was
restyled in place, never rebuilt)."""


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


def map_frame(page):
    """The map's frame (a Playwright Frame) of `page`, once it is in the page."""
    return page.locator(MAP_FRAME).element_handle(timeout=60_000).content_frame()


def click_dot(page, frame, index: int) -> tuple[str, dict]:
    """Hover and click the `index`th hotspot dot in the map's `frame` with the mouse: the name
    its tooltip shows, and its box."""
    dot = frame.locator("path.hotspot-dot").nth(index)
    dot.scroll_into_view_if_needed()
    box = dot.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = frame.locator(".leaflet-tooltip .tt-name")
    tooltip.wait_for(state="visible", timeout=10_000)
    name = tooltip.inner_text()
    page.mouse.down()
    page.mouse.up()
    return name, box


def wait_for_map_at_rest(frame, quiet_ms: int = 1_700, timeout_ms: int = 20_000) -> None:
    """Wait until the map in `frame` has settled: it refits when its frame takes its final size,
    when Leaflet's stylesheet arrives and 0.3 s and 1.5 s after its first fit, and a refit may
    animate; what a person reads is the view after that."""
    frame.wait_for_function(MAP_AT_REST_JS, arg=quiet_ms, timeout=timeout_ms, polling=100)


def _tile_png(label: str) -> bytes:
    """A 256-pixel test tile: one-pixel grid lines every 16 px and its z/x/y, so a screenshot
    shows whether tiles are drawn one image pixel per screen pixel (sharp) or stretched."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (256, 256), "#e9efe4")
    draw = ImageDraw.Draw(image)
    for at in range(0, 256, 16):
        draw.line([(at, 0), (at, 255)], fill="#b9c7b0")
        draw.line([(0, at), (255, at)], fill="#b9c7b0")
    draw.rectangle([0, 0, 255, 255], outline="#7a8a70")
    draw.text((8, 8), label, fill="#334")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@contextmanager
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """Test tiles from 127.0.0.1 (the tests run offline); yields the URL template and the list of
    tile paths requested so far."""
    requested: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            body = _tile_png(self.path.strip("/").removesuffix(".png"))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    with local_http_server(Tiles) as address:
        yield f"{address}/{{z}}/{{x}}/{{y}}.png", requested
