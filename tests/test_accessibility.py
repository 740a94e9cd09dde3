"""Accessibility in Debian's chromium: axe-core (pinned by tests/axe/package-lock.json, installed
by `make test`) run on the map page, the wall and the data page, the map's frame included. No
critical or serious violation may remain, nor a heading out of order; every violation found is
written to tests/artifacts/."""

from __future__ import annotations

import json

import pytest

from tests.browser_support import ARTIFACTS, IDLE, MAP_FRAME, open_page
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
ALSO_BLOCKING = ("heading-order",)
"""Moderate rules that must pass too: headings a screen reader's outline can follow (no h3
straight after the h1)."""
TILES = [[MAP_FRAME, "img.leaflet-tile"]]
"""Left out: the map's tile images (pictures from the tile server, not the app's own content);
the frame's labels, legend and controls are checked."""
RUN_AXE = """async (exclude) => {
  const result = await axe.run(document, {exclude, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, why: n.failureSummary})),
  }));
}"""
PAGES = {
    "/": "[data-testid=stDataFrame]",  # the page's last part, drawn once the map has drawn
    "/briefing": "[data-testid=wall-head]",
    "/data": "[data-testid=stDataFrame]",
    "/?play=3": "[data-testid=stDataFrame]",  # the month over the map, its pause button
    "/briefing?play=3": "[data-testid=wall-head]",
}


@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe.min.js; skipped, saying how to install it, when it is not there."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `npm ci --prefix tests/axe` (make test does)")
    return str(AXE)


def _whole(page, path: str) -> None:
    """Wait until the page has drawn all it draws: its last part, its map's frame, the script."""
    page.locator(PAGES[path]).first.wait_for(state="visible", timeout=60_000)
    if page.locator(MAP_FRAME).count():
        page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=30_000)
    page.wait_for_selector(IDLE)


def _described(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): "
        + "; ".join(f"{n['target']} {n['why']}" for n in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("path", list(PAGES))
def test_no_critical_or_serious_violation_nor_heading_out_of_order(
    browser, server, axe_script, path
):
    page, _ = open_page(browser, f"{server}{path}")
    _whole(page, path)
    for frame in page.frames:  # axe checks a frame only when it runs inside it too
        frame.add_script_tag(path=axe_script)
    violations = page.evaluate(RUN_AXE, TILES)
    name = path.strip("/").replace("?", "-").replace("=", "") or "map"
    if name.startswith("-"):
        name = "map" + name
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(violations, indent=2))
    page.screenshot(path=str(ARTIFACTS / f"axe-{name}.png"))
    page.close()
    blocking = [v for v in violations if v["impact"] in BLOCKING or v["id"] in ALSO_BLOCKING]
    assert not blocking, _described(blocking)
