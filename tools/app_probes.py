"""Measure the app as Streamlit runs it, for `python -m geo bench` (which runs this file as its
own process, so the domain library never imports streamlit).

    python -m tools.app_probes rerun DATASET_FOLDER REPETITIONS

prints JSON: the median seconds of the map page's rerun after switching the metric (AppTest), and
how many times crime files were read or counted during those reruns (it should be never).

    python -m tools.app_probes paint DATASET_FOLDER STARTS

prints JSON: for each of STARTS freshly started apps (`streamlit run server.py`, as `make run`),
the seconds from opening the map page to its first painted polygon in chromium on the first visit
(opened as soon as the server answers), on a later visit from another browser (nothing cached),
and on a return visit from the first browser (its cache holds the app's scripts); with when the
websocket opened and the map's frame was created, the seconds from starting the app to its
first answer, and the load average at each start.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geo.store.dataset
from tools.app_server import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, app_server

ROOT = Path(__file__).resolve().parent.parent
POLYGON = "path.leaflet-interactive"
"""A hotspot polygon as Leaflet draws it (an SVG path in the map's frame)."""
VIEWPORT = {"width": 1600, "height": 1000}


@contextmanager
def counting(module: object, name: str) -> Iterator[list[None]]:
    """Count calls of `module.name` for the duration (one list entry per call)."""
    calls: list[None] = []
    original = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(None)
        return original(*args, **kwargs)

    setattr(module, name, counted)
    try:
        yield calls
    finally:
        setattr(module, name, original)


def rerun(folder: Path, repetitions: int) -> dict:
    """Median rerun time after a metric change, and the reads, counts and sums of patrol outcomes
    those reruns repeated."""
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    import pages._common

    set_log_level("error")  # AppTest's bare-mode warnings are not results
    os.environ.update(HOTSPOT_DATA=str(folder), HOTSPOT_TILES="none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    if at.exception:
        return {"skipped": f"the page raised {at.exception[0].value}"}
    times = []
    with (
        counting(geo.store.dataset, "read_crimes_cached") as reads,
        counting(geo.store.dataset, "count_crimes") as aggregations,
        counting(pages._common, "with_hotspot_outcomes") as outcome_sums,
    ):
        for turn in range(repetitions):
            start = time.perf_counter()
            at.sidebar.radio(key="metric").set_value("hours" if turn % 2 == 0 else "asb").run()
            times.append(time.perf_counter() - start)
            if at.exception:
                return {"skipped": f"the page raised {at.exception[0].value}"}
    return {
        "seconds": statistics.median(times),
        "reads": len(reads),
        "counts": len(aggregations),
        "outcome_sums": len(outcome_sums),
    }


def paint(folder: Path, starts: int) -> dict:
    """First-paint times over `starts` fresh app starts: first, later and return visits."""
    if not CHROMIUM.exists():
        return {"skipped": f"{CHROMIUM} is not installed (make chromium)"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        return {"skipped": f"Playwright is not installed ({exc})"}
    visits: dict[str, list] = {"first": [], "later": [], "return": [], "load": [], "start": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(starts):
                started = time.perf_counter()
                with app_server(folder, tiles="none") as url:
                    visits["start"].append(time.perf_counter() - started)
                    visits["load"].append(os.getloadavg()[0])
                    first = browser.new_context(viewport=VIEWPORT)
                    visits["first"].append(paint_visit(first, url))
                    other = browser.new_context(viewport=VIEWPORT)
                    visits["later"].append(paint_visit(other, url))
                    visits["return"].append(paint_visit(first, url))
                    first.close()
                    other.close()
        finally:
            browser.close()
    return visits


PAINT_WATCH = """
if (window === window.top) {
  window.WebSocket = class extends window.WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => { window.__socketOpen ??= performance.now(); });
    }
  };
  const look = () => {
    const frames = [...document.querySelectorAll("iframe")];
    const inside = frames.find(f => f.src.includes("st_folium"))?.contentDocument;
    if (inside?.querySelector(POLYGON)) {
      setTimeout(() => { window.__firstPolygonPainted = performance.now(); });
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
}
""".replace("POLYGON", json.dumps(POLYGON))
"""Runs in the page before its own scripts: notes (ms after navigation start) when the
websocket opened, and, looking into the map's frame at every animation frame, the end of the
first frame painted with a polygon in it."""


def paint_visit(context, url: str) -> dict[str, float]:
    """Open the map page in `context`: seconds from opening it (navigation start) to the
    websocket opening, the map's frame starting, and the first polygon painted."""
    page = context.new_page()
    page.add_init_script(PAINT_WATCH)
    try:
        page.goto(url)
        polygon = page.frame_locator(MAP_FRAME).locator(POLYGON).first
        polygon.wait_for(state="visible", timeout=120_000)
        page.wait_for_function("() => window.__firstPolygonPainted !== undefined")
        marks = page.evaluate(
            """() => ({
              websocket: window.__socketOpen,
              map_frame: [...document.querySelectorAll("iframe")]
                .find(f => f.src.includes("st_folium"))
                .contentWindow.performance.timeOrigin - performance.timeOrigin,
              painted: window.__firstPolygonPainted,
            })"""
        )
        return {name: ms / 1000 for name, ms in marks.items() if ms is not None}
    finally:
        page.close()


if __name__ == "__main__":
    probes = {"rerun": rerun, "paint": paint}
    if len(sys.argv) != 4 or sys.argv[1] not in probes:
        sys.exit(__doc__)
    print(json.dumps(probes[sys.argv[1]](Path(sys.argv[2]), int(sys.argv[3]))))
