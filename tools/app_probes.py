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

    python -m tools.app_probes repaint DATASET_FOLDER REPETITIONS

prints JSON: the seconds from a click to the repainted map (the new fills, legend and names
drawn) on a freshly started app, REPETITIONS times each: a colouring clicked, a town chosen, and
Back; measured in chromium with a real mouse.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import geo.store.folder.load
from geo.store.postgres.connection import is_database_url
from tools.app_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    MAP_AT_REST_JS,
    MAP_FRAME,
    app_server,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
POLYGON = "path.leaflet-interactive"
"""A hotspot polygon as Leaflet draws it (an SVG path in the map's frame)."""
VIEWPORT = {"width": 1600, "height": 1000}


def _location(text: str) -> Path | str:
    """A dataset location from the command line: a database URL as given, else a folder."""
    return text if is_database_url(text) else Path(text)


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
        counting(geo.store.folder.load, "read_crimes_cached") as reads,
        counting(geo.store.folder.load, "count_crimes") as aggregations,
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


def paint(folder: Path | str, starts: int) -> dict:
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
    const inside = document.querySelector(MAP_FRAME)?.contentDocument;
    if (inside?.querySelector(POLYGON)) {
      setTimeout(() => { window.__firstPolygonPainted = performance.now(); });
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
}
""".replace("POLYGON", json.dumps(POLYGON)).replace("MAP_FRAME", json.dumps(MAP_FRAME))
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
        polygon.wait_for(state="attached", timeout=300_000)  # a far view draws specks
        page.wait_for_function("() => window.__firstPolygonPainted !== undefined")
        marks = page.evaluate(
            """() => ({
              websocket: window.__socketOpen,
              map_frame: document.querySelector(MAP_FRAME)
                .contentWindow.performance.timeOrigin - performance.timeOrigin,
              painted: window.__firstPolygonPainted,
            })""".replace("MAP_FRAME", json.dumps(MAP_FRAME))
        )
        return {name: ms / 1000 for name, ms in marks.items() if ms is not None}
    finally:
        page.close()


MAP_SIGNATURE_JS = """
window.__mapSignature = () => {
  const frame = document.querySelector(MAP_FRAME);
  const doc = frame && frame.contentDocument;
  const container = doc && doc.querySelector(".leaflet-container");
  if (!container) { return null; }
  const legend = doc.querySelector(".hotspot-legend");
  const fills = [...doc.querySelectorAll("path.leaflet-interactive:not(.hotspot-dot)")]
    .map(path => path.getAttribute("fill")).sort();
  const near = container.classList.contains("zoom-near");
  const names = [...doc.querySelectorAll(".label span")]
    .filter(span => span.style.visibility !== "hidden"
      && span.classList.contains(near ? "hotspot-label" : "town-label"))
    .map(span => span.textContent).sort();
  return JSON.stringify({legend: legend ? legend.textContent : "", fills, names});
};
window.__watch = (target) => {
  window.__paintedAt = undefined;
  const look = () => {
    if (window.__mapSignature() === target) {
      setTimeout(() => { window.__paintedAt = performance.now(); });
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
};
document.addEventListener("click", () => { window.__actionAt = performance.now(); }, true);
""".replace("MAP_FRAME", json.dumps(MAP_FRAME))
"""Run in the page: `__mapSignature()` is what the map shows (legend, every polygon's fill, the
names drawn); `__watch(target)` notes when a frame showing `target` has been painted; every click
notes its time."""
REPAINT_QUIET_MS = 600
"""How long the map keeps one view before the next step (a refit after a change may animate)."""


def repaint(folder: Path | str, repetitions: int) -> dict:
    """Seconds from a click to the map repainted with what it asked for, `repetitions` times each:
    a colouring, a town, Back. Each state is visited once untimed first, to learn what its map
    looks like; then the timed steps go back and forth between known states."""
    if not CHROMIUM.exists():
        return {"skipped": f"{CHROMIUM} is not installed (make chromium)"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        return {"skipped": f"Playwright is not installed ({exc})"}
    towns = busiest_towns(folder, 4)
    with sync_playwright() as playwright, app_server(folder, tiles="none") as url:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(url)
            page.locator("[data-testid=stDataFrame]").wait_for(state="visible", timeout=300_000)
            settle(page)
            page.evaluate(MAP_SIGNATURE_JS)
            return repaint_steps(page, towns, repetitions)
        finally:
            browser.close()


def busiest_towns(folder: Path | str, count: int) -> list[str]:
    """The `count` towns with the most hotspots in the dataset: its hotspots.geojson, or its
    hotspots table for a postgresql:// URL."""
    if is_database_url(str(folder)):
        import psycopg

        with psycopg.connect(str(folder)) as connection:
            towns = [town for (town,) in connection.execute("SELECT town FROM hotspots") if town]
    else:
        features = json.loads((Path(folder) / "hotspots.geojson").read_text())["features"]
        towns = [f["properties"].get("town") for f in features if f["properties"].get("town")]
    counted = Counter(towns)
    return sorted(counted, key=lambda t: (-counted[t], t))[:count]


def repaint_steps(page: Page, towns: list[str], repetitions: int) -> dict[str, list[float]]:
    """On the map page open in `page` (MAP_SIGNATURE_JS run in it): colourings, then towns, then
    Back through the towns chosen; the seconds of each timed step. Each step waits until the map
    shows exactly what that state showed when first visited, so a step that repaints the wrong
    map never ends (a timeout)."""
    seen = {"asb": map_signature(page)}
    for metric in ("hours", "asb"):
        _learn(page, seen, metric, partial(_colour, page, metric))
    times: dict[str, list[float]] = {"colouring": [], "town": [], "back": []}
    metric = "asb"
    for turn in range(repetitions):
        metric = ("hours", "asb")[turn % 2]
        times["colouring"].append(_timed(page, seen[metric], partial(_colour, page, metric)))
    history = []
    for town in towns:
        history.append(f"{metric}/{town}")
        _learn(page, seen, history[-1], partial(_choose, page, town))
    for turn in range(repetitions):
        town = towns[turn % len(towns)]
        history.append(f"{metric}/{town}")
        _open_towns(page, town)  # the time runs from the choice, not from opening the list
        times["town"].append(_timed(page, seen[history[-1]], partial(_pick, page, town)))
    for _ in range(repetitions):
        history.pop()
        times["back"].append(_timed(page, seen[history[-1]], partial(_back, page)))
    return times


METRIC_LABELS = {"asb": "ASB change %", "hours": "Officer patrol hours"}


def _colour(page, metric: str) -> None:
    labels = page.locator("[data-testid=stSidebar] label")
    labels.filter(has_text=METRIC_LABELS[metric]).first.click()


def _choose(page, town: str) -> None:
    _open_towns(page, town)
    _pick(page, town)


def _open_towns(page, town: str) -> None:
    """Open the sidebar's Town list, filtered to `town` by typing its name."""
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
    page.keyboard.type(town)
    page.get_by_role("option", name=town, exact=True).wait_for(timeout=10_000)


def _pick(page, town: str) -> None:
    page.get_by_role("option", name=town, exact=True).click()


def _back(page) -> None:
    page.evaluate("() => { window.__actionAt = performance.now(); history.back(); }")


def _learn(page, seen: dict[str, str], state: str, act: Callable[[], None]) -> None:
    """Go to `state` untimed and note what its map shows once the page and map are at rest."""
    before = page.url
    act()
    page.wait_for_function("(url) => location.href !== url", arg=before, timeout=60_000)
    settle(page)
    seen[state] = map_signature(page)


def _timed(page, target: str, act: Callable[[], None]) -> float:
    """Seconds from the click of `act` to the first painted frame showing `target`."""
    page.evaluate("(target) => { window.__actionAt = undefined; window.__watch(target); }", target)
    act()
    page.wait_for_function("() => window.__paintedAt !== undefined", timeout=120_000, polling=50)
    seconds = page.evaluate("() => (window.__paintedAt - window.__actionAt) / 1000")
    settle(page)
    return seconds


def map_signature(page: Page) -> str:
    """What the map shows now (MAP_SIGNATURE_JS's `__mapSignature`)."""
    return page.evaluate("() => window.__mapSignature()")


def settle(page: Page) -> None:
    """Wait for the script to finish and the map to keep one view for a while."""
    page.wait_for_selector(IDLE, timeout=300_000)
    frame = page.locator(MAP_FRAME).element_handle(timeout=120_000).content_frame()
    frame.wait_for_function(MAP_AT_REST_JS, arg=REPAINT_QUIET_MS, timeout=120_000, polling=100)
    page.wait_for_selector(IDLE, timeout=300_000)


if __name__ == "__main__":
    probes = {"rerun": rerun, "paint": paint, "repaint": repaint}
    if len(sys.argv) != 4 or sys.argv[1] not in probes:
        sys.exit(__doc__)
    print(json.dumps(probes[sys.argv[1]](_location(sys.argv[2]), int(sys.argv[3]))))
