"""The map page at a programme's scale on a PostgreSQL store: well over a thousand hotspots drawn,
and a colouring, a town and Back repainting the map in place, in Debian's chromium with a real
mouse. What `python -m geo bench` times at 5,000 hotspots, checked here (no times asserted) at a
size the test suite can afford.

Screenshots are written to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.app.configured import visit_rules
from geo.store.copy import folder_to_database
from tests.browser_support import ARTIFACTS, IDLE, map_frame, open_page, serve
from tools.app_probes import MAP_SIGNATURE_JS, busiest_towns, map_signature, repaint_steps, settle
from tools.bench import BenchSize, generate_app_dataset

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SIZE = BenchSize(rows=30_000, months=24, hotspots=1_200)


@pytest.fixture(scope="module")
def large_store(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> Iterator[str]:
    """A database holding generated data of SIZE with a patrol log."""
    from tools.pg_cluster import new_database

    folder = generate_app_dataset(tmp_path_factory.mktemp("large") / "data", SIZE)
    with new_database(pg_server) as url:
        folder_to_database(Path(folder), url, visit_rules())
        yield url


@pytest.fixture(scope="module")
def large_server(large_store: str) -> Iterator[str]:
    yield from serve(large_store)


def _fills(frame) -> list[str]:
    return frame.evaluate(
        """() => [...document.querySelectorAll('path.leaflet-interactive:not(.hotspot-dot)')]
          .map(path => path.getAttribute('fill'))"""
    )


def test_every_hotspot_is_drawn_and_every_change_repaints_the_map(
    browser, large_store, large_server
):
    page, _ = open_page(browser, large_server, 1440, 900)
    page.locator("[data-testid=stDataFrame]").wait_for(state="visible", timeout=300_000)
    page.wait_for_selector(IDLE, timeout=300_000)
    settle(page)
    frame = map_frame(page)
    fills = _fills(frame)
    assert len(fills) == SIZE.hotspots  # every hotspot's outline, all towns shown
    assert all(fills), "an outline without a fill"
    assert "zoom-far" in frame.locator(".leaflet-container").get_attribute("class")
    drawn = frame.evaluate(
        """() => document.querySelectorAll('path.hotspot-dot').length
          + [...document.querySelectorAll('.hotspot-group span')]
            .reduce((sum, count) => sum + Number(count.textContent), 0)"""
    )
    assert drawn == SIZE.hotspots  # each hotspot a dot of its own or counted in a group
    page.screenshot(path=str(ARTIFACTS / "scale-1200-hotspots-postgres-1440x900.png"))
    page.evaluate(MAP_SIGNATURE_JS)
    for label in ("Officer patrol hours", "ASB change %"):
        before = map_signature(page)
        page.locator("[data-testid=stSidebar] label").filter(has_text=label).first.click()
        page.wait_for_function("(before) => window.__mapSignature() !== before", arg=before)
        settle(page)
        if label == "Officer patrol hours":
            hours = _fills(frame)
            assert len(hours) == SIZE.hotspots and hours != fills  # recoloured, all still drawn
            page.screenshot(path=str(ARTIFACTS / "scale-1200-hotspots-hours-1440x900.png"))
    assert _fills(frame) == fills  # back to the first colouring, as first drawn
    # the bench's probe: each step ends only when the map shows what that state showed when first
    # drawn (a step that repainted the wrong map would never end)
    times = repaint_steps(page, busiest_towns(large_store, 2), repetitions=2)
    assert {kind: len(seconds) for kind, seconds in times.items()} == {
        "colouring": 2,
        "town": 2,
        "back": 2,
    }
    page.close()
