"""Proposed hotspots in Debian's chromium: the map page's layer shown and hidden with the mouse
and the keyboard (sent once, the map never rebuilt), its figures on hover; and the data page's
action previewing proposals and adding the chosen ones to the hotspots, logged.

Screenshots are written to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.analysis.proposals import propose
from geo.app.load import load_dataset
from geo.app.proposals import dataset_source
from geo.store.folder.audit import read_entries
from geo.view.proposal_layer import LAYER_NAME
from tests.browser_support import (
    ARTIFACTS,
    IDLE,
    MAP_FRAME,
    MAP_KEPT_JS,
    WATCH_MAP_JS,
    map_frame,
    open_page,
    serve,
    wait_for_map_at_rest,
)

pytestmark = pytest.mark.browser
CHECKBOX = f"Show {LAYER_NAME.lower()}"
TOWN = "Derby"

"""In the map's frame: whether the window, the Leaflet map and its node are the ones marked."""

_SHOWN_JS = """() => ({
  count: Number(document.querySelector('.leaflet-container').dataset.proposals || 0),
  paths: document.querySelectorAll('path.proposal-outline, path.proposal-dot').length,
  legend: document.querySelectorAll('.hotspot-legend .proposal-legend').length,
})"""


def _shown(frame) -> dict:
    return frame.evaluate(_SHOWN_JS)


def _wait_shown(frame, count_above: int) -> None:
    frame.wait_for_function(
        "(n) => Number(document.querySelector('.leaflet-container').dataset.proposals || 0) > n"
        " && document.querySelector('.hotspot-legend .proposal-legend')",
        arg=count_above, timeout=90_000, polling=100,
    )  # fmt: skip


def _wait_hidden(frame) -> None:
    frame.wait_for_function(
        "() => document.querySelector('.leaflet-container').dataset.proposals === '0'"
        " && !document.querySelector('.hotspot-legend .proposal-legend')",
        timeout=60_000, polling=100,
    )  # fmt: skip


def _proposal_in_reach(frame) -> dict | None:
    """The centre of a proposal's ring or outline that a pointer there would reach."""
    return frame.evaluate(
        """() => {
          for (const el of document.querySelectorAll('path.proposal-dot, path.proposal-outline')) {
            const b = el.getBoundingClientRect();
            if (!b.width) { continue; }
            const x = b.x + b.width / 2, y = b.y + b.height / 2;
            if (document.elementFromPoint(x, y) === el) { return {x, y}; }
          }
          return null;
        }"""
    )


def test_the_layer_is_shown_and_hidden_by_mouse_and_keyboard_and_sent_once(
    browser, server, sample_dir
):
    page, _ = open_page(browser, f"{server}/?town={TOWN}", 1440, 900)
    frame = map_frame(page)
    wait_for_map_at_rest(frame, quiet_ms=500)
    assert _shown(frame)["paths"] == 0  # hidden by default
    frame.evaluate(WATCH_MAP_JS, "proposals")
    page.locator("[data-testid=stSidebar] label").filter(has_text=CHECKBOX).click()
    _wait_shown(frame, 0)
    page.wait_for_selector(IDLE)
    wait_for_map_at_rest(frame, quiet_ms=500)
    dataset = load_dataset(sample_dir)
    expected = propose(dataset_source(sample_dir), None, str(dataset.default_period)).frame
    shown = _shown(frame)
    assert shown["count"] == int((expected["town"] == TOWN).sum()) > 0
    at = _proposal_in_reach(frame)
    assert at is not None, "no proposal can be reached with the pointer"
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.move(box["x"] + at["x"], box["y"] + at["y"])
    tip = frame.locator(".proposal-tip")
    tip.wait_for(state="visible", timeout=10_000)
    text = tip.inner_text()
    assert "Proposed hotspot P" in text and "months" in text and "Gi* z" in text
    assert any(name in text for name in expected["name"])
    page.screenshot(path=str(ARTIFACTS / "proposals-shown-hover.png"))
    page.locator(MAP_FRAME).screenshot(path=str(ARTIFACTS / "proposals-map-and-legend.png"))
    page.mouse.move(1, 1)
    checkbox = page.get_by_role("checkbox", name=CHECKBOX)
    checkbox.focus()
    page.keyboard.press("Space")  # hidden from the keyboard
    _wait_hidden(frame)
    assert _shown(frame)["paths"] == 0
    page.screenshot(path=str(ARTIFACTS / "proposals-hidden-by-keyboard.png"))
    page.keyboard.press("Space")  # and shown again
    _wait_shown(frame, 0)
    page.locator("[data-testid=stSidebar] label").filter(has_text="Officer patrol hours").click()
    frame.wait_for_function(
        "() => document.querySelector('.hotspot-legend .legend-title').textContent"
        ".includes('hours')", timeout=60_000,
    )  # fmt: skip
    page.wait_for_selector(IDLE)
    assert _shown(frame)["count"] == shown["count"]
    assert frame.evaluate(MAP_KEPT_JS), "the map was rebuilt"
    sent = frame.evaluate("() => window.__sent")
    assert sum(1 for s in sent if s["proposals"]) == 1, sent  # the proposals sent once only
    assert all(s["geometry"] == 0 for s in sent), sent  # and the outlines never again
    page.screenshot(path=str(ARTIFACTS / "proposals-shown-with-hours.png"))
    page.close()


@pytest.fixture
def own_server(sample_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app on a copy of the sample as a user's own dataset (imports may change it)."""
    folder = tmp_path / "own"
    shutil.copytree(sample_dir, folder, ignore=shutil.ignore_patterns(".cache", "SAMPLE.md"))
    for url in serve(folder):
        yield url, folder


_ROW_PX = 35
"""The height of a row (and of the header) in a Streamlit table at the default size."""


def test_the_data_page_previews_proposals_and_adds_the_chosen_ones(browser, own_server):
    url, folder = own_server
    before = json.loads((folder / "hotspots.geojson").read_text())["features"]
    page, _ = open_page(browser, f"{url}/data", 1440, 1000)
    page.get_by_role("button", name="Propose hotspots").click()
    preview = page.frame_locator(MAP_FRAME)
    preview.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=90_000)
    page.wait_for_selector(IDLE)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "data-proposals-preview.png"))
    table = page.locator("[data-testid=stDataFrame]").filter(has_text="Added as")
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    for row in (0, 2):  # the Add boxes of the first and third proposals, clicked
        page.mouse.click(box["x"] + 35, box["y"] + _ROW_PX * (row + 1.5))
    check = page.get_by_role("button", name="Check the 2 chosen proposals")
    check.wait_for(timeout=30_000)
    check.click()
    add = page.get_by_role("button", name="Add to the hotspots")
    add.wait_for(timeout=60_000)
    add.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "data-proposals-checked.png"))
    add.click()
    page.get_by_text("Imported.").wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    after = json.loads((folder / "hotspots.geojson").read_text())["features"]
    assert len(after) == len(before) + 2
    assert [f["properties"] for f in after[: len(before)]] == [
        f["properties"] for f in before
    ]  # the current hotspots as they were
    entries, _ = read_entries(folder)
    name = entries[0]["files"][0]["name"]
    assert entries[0]["result"] == "imported" and name.startswith("hotspots-and-2-proposed-")
    log = page.locator("[data-testid=stDataFrame]").filter(has_text="sha256")
    log.scroll_into_view_if_needed()
    assert name in log.text_content()  # the audit line, on the page at once
    page.screenshot(path=str(ARTIFACTS / "data-proposals-added.png"))
    page.close()
