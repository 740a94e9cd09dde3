"""Month-by-month playback in Debian's chromium: on the map page and on the wall the months step
by themselves, each hotspot coloured as geo computes it, the map restyled in place and never
rebuilt (a page rerun in between included); the map page's pause button answers the mouse and
the keyboard, and the wall starts again after holding on its last month, its own refreshes
meanwhile.

Screenshots are written to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from geo.analysis.month_by_month import month_by_month
from geo.app.load import load_dataset
from geo.period import Period
from geo.view.playback import MIN_SECONDS
from geo.view.scales import month_change_scale
from tests.browser_support import (
    ARTIFACTS,
    IDLE,
    MAP_KEPT_JS,
    WATCH_MAP_JS,
    map_frame,
    open_page,
    wait_for_map_at_rest,
)

pytestmark = pytest.mark.browser
PERIOD = "2026-07:2026-09"
"""Three months: a whole cycle, and the start of the next, in a few seconds."""
TOWN = "Heanor"

_STEPS_JS = """() => {
  const map = document.querySelector(".leaflet-container");
  window.__steps = [];
  const note = () => {
    if (map.dataset.playStep === undefined) { return; }
    const classes = {};
    Object.values(window.map._layers).forEach((layer) => {
      const id = layer.feature && layer.feature.properties.key;
      if (id && !(layer instanceof L.CircleMarker) && layer.getElement()) {
        classes[id] = Number(layer.getElement().getAttribute("data-class"));
      }
    });
    window.__steps.push({step: Number(map.dataset.playStep), month: Number(map.dataset.playMonth),
                         name: document.querySelector(".pb-month").textContent, classes,
                         sent: window.__sent.length, runs: window.parent.__runs});
  };
  new MutationObserver(note).observe(map, {attributes: true, attributeFilter: ["data-play-step"]});
}"""
"""In the map's frame, once WATCH_MAP_JS is noting the page's messages: at each step of the
playback, the step, the month shown, its name, each outline's class, and how many messages and
runs of the page's script (_RUNS_JS) had come by then."""

_RUNS_JS = """() => {
  window.__runs = 0;
  const app = document.querySelector("[data-testid=stApp]");
  new MutationObserver(() => {
    if (app.dataset.testScriptState === "running") { window.__runs += 1; }
  }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""
"""In the page: counts the runs of its script (the wall's refresh included) from now on."""


def _expected(sample_dir, period: str) -> tuple[list[str], list[dict[str, int]]]:
    """The months' names and each hotspot's class in each month, as geo computes them."""
    dataset = load_dataset(sample_dir)
    ids = list(dataset.hotspots["hotspot_id"])
    readings = month_by_month(dataset.counts, ids, dataset.context(Period.parse(period)))
    classes = month_change_scale().classify(readings.change_pct())
    names = [s.month.strftime("%B %Y") for s in readings.months]
    return names, [dict(zip(ids, row.tolist())) for row in np.asarray(classes)]


def _check_steps(steps: list[dict], names: list[str], classes: list[dict[str, int]]) -> None:
    """Each step one month on from the last, the months in order and round again, each hotspot
    drawn in its class of that month."""
    assert steps, "the months never moved"
    for before, after in pairwise(steps):
        assert after["step"] == before["step"] + 1, (before, after)  # never started over
    for step in steps:
        assert step["month"] == step["step"] % len(names)
        assert step["name"] == names[step["month"]]
        assert step["classes"] == {
            key: value for key, value in classes[step["month"]].items() if key in step["classes"]
        }
        assert step["classes"]


def test_the_map_page_plays_the_months_in_place_and_pauses(browser, server, sample_dir):
    seconds = MIN_SECONDS
    page, _ = open_page(browser, f"{server}/?play={seconds}&period={PERIOD}", 1440, 900)
    page.wait_for_selector("[data-testid=stDataFrame]", timeout=60_000)  # the page's second run
    page.wait_for_selector(IDLE)
    frame = map_frame(page)
    frame.locator(".playback-banner").wait_for(timeout=90_000)
    wait_for_map_at_rest(frame, quiet_ms=500, timeout_ms=60_000)
    frame.evaluate(WATCH_MAP_JS, "play")
    frame.evaluate(_STEPS_JS)
    names, classes = _expected(sample_dir, PERIOD)
    frame.wait_for_function("() => window.__steps.length >= 2", timeout=60_000, polling=100)
    page.screenshot(path=str(ARTIFACTS / "playback-map-page.png"))
    # a rerun of the page while the months play: a town chosen, whose hotspots alone show
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name=TOWN, exact=True).click()
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('town') === '{TOWN}'")
    page.wait_for_selector(IDLE)
    frame.wait_for_function(
        "() => window.__sent.length && window.__steps.some(s => s.sent > 0)"
        " && window.__steps.length >= 2 * " + str(len(names)),
        timeout=90_000, polling=100,
    )  # fmt: skip
    steps = frame.evaluate("() => window.__steps")
    _check_steps(steps, names, classes)
    town = [len(s["classes"]) for s in steps if s["sent"] > 0]
    assert town and len(town) < len(steps) and max(town) < len(classes[0])  # its hotspots only
    assert frame.evaluate(MAP_KEPT_JS), "the map was rebuilt"
    sent = frame.evaluate("() => window.__sent")
    assert all(s["geometry"] == 0 and s["play"] == 0 for s in sent), sent  # colours only
    assert frame.locator(".playback-legend").count() == 1  # the months' legend throughout
    pause = frame.get_by_role("button", name="Pause the months")
    pause.click()  # the mouse pauses it
    frame.wait_for_function("() => document.querySelector('[data-play-paused=true]')")
    held = frame.evaluate("() => document.querySelector('.leaflet-container').dataset.playStep")
    page.wait_for_timeout(seconds * 1000 * 2.5)
    still = frame.evaluate("() => document.querySelector('.leaflet-container').dataset.playStep")
    assert still == held  # paused: no step in two and a half months' time
    page.screenshot(path=str(ARTIFACTS / "playback-map-page-paused.png"))
    frame.get_by_role("button", name="Play the months").focus()
    page.keyboard.press("Enter")  # the keyboard resumes it
    frame.wait_for_function(
        "(held) => document.querySelector('.leaflet-container').dataset.playStep !== held",
        arg=held, timeout=30_000,
    )  # fmt: skip
    _check_steps(frame.evaluate("() => window.__steps"), names, classes)
    # a hotspot's tooltip: its month's figures while the months play, the period's once stopped
    frame.get_by_role("button", name="Pause the months").click()
    frame.wait_for_function("() => document.querySelector('[data-play-paused=true]')")
    shown = frame.locator(".pb-month").inner_text()
    outline = frame.locator("path.leaflet-interactive:not(.hotspot-dot)").first
    outline.hover(force=True)
    tip = frame.locator(".leaflet-tooltip")
    tip.wait_for(state="visible", timeout=10_000)
    assert f"{shown}: " in tip.inner_text() and "officer hours" not in tip.inner_text()
    page.mouse.move(1, 1)
    page.locator("[data-testid=stSidebar] label").filter(has_text="Play the period").click()
    frame.locator(".playback-banner").wait_for(state="detached", timeout=60_000)
    page.wait_for_selector(IDLE)
    outline.hover(force=True)
    tip.wait_for(state="visible", timeout=10_000)
    assert shown not in tip.inner_text() and "officer hours" in tip.inner_text()
    page.close()


def test_the_wall_plays_the_months_unattended_and_starts_again(browser, server, sample_dir):
    seconds = MIN_SECONDS
    url = f"{server}/briefing?play={seconds}&period={PERIOD}&refresh=5"
    page, _ = open_page(browser, url, 1920, 1080)
    frame = map_frame(page)
    frame.locator(".playback-banner").wait_for(timeout=90_000)
    wait_for_map_at_rest(frame, quiet_ms=500, timeout_ms=60_000)
    page.evaluate(_RUNS_JS)
    frame.evaluate(WATCH_MAP_JS, "play")
    frame.evaluate(_STEPS_JS)
    names, classes = _expected(sample_dir, PERIOD)
    frame.wait_for_function(
        # round twice, the wall's own refresh (a run of its script) in between
        "(n) => window.__steps.length >= 2 * n + 1 && window.__steps.some(s => s.runs > 0)",
        arg=len(names), timeout=180_000, polling=100,
    )  # fmt: skip
    steps = frame.evaluate("() => window.__steps")
    _check_steps(steps, names, classes)
    wraps = [(a, b) for a, b in pairwise(steps) if a["month"] == len(names) - 1]
    assert wraps and all(b["month"] == 0 for _, b in wraps)  # one step on the last, then round
    assert frame.evaluate(MAP_KEPT_JS), "the wall's map was rebuilt"
    sent = frame.evaluate("() => window.__sent")  # none, or the colours only
    assert all(s["geometry"] == 0 and s["play"] == 0 for s in sent), sent
    assert frame.locator(".pb-pause").count() == 0  # nobody at the wall to press it
    assert (
        page.locator("[data-testid=wall-legend]")
        .inner_text()
        .startswith(month_change_scale().title)
    )
    page.screenshot(path=str(ARTIFACTS / "playback-wall-1920x1080.png"))
    page.close()
