"""What a person sees, in Debian's chromium driven by Playwright: the map page on the sample data.

Screenshots are written to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from pages._common import BELOW_MAP_BACKSTOP_S
from tests.browser_support import (
    ARTIFACTS,
    IDLE,
    MAP_FRAME,
    TILE_HOST,
    click_dot,
    map_frame,
    open_page,
    serve,
    tile_server,
    wait_for_map_at_rest,
)
from tests.flagged_data import three_year_dataset
from tests.helpers import edited_sample
from tools.app_server import HOTSPOT_MAP_TITLE, app_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_server(sample_dir, tmp_path_factory) -> Iterator[str]:
    """The sample with every hotspot name wrapped in HTML that must show as text."""

    def bold_names(data: dict) -> None:
        for feature in data["features"]:
            feature["properties"]["name"] = f"<b>{feature['properties']['name']}</b>"

    yield from serve(
        edited_sample(sample_dir, tmp_path_factory.mktemp("hostile") / "data", bold_names)
    )


def _open(browser, url: str, width: int = 1600, height: int = 1000):
    page, requests = open_page(browser, url, width, height)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".hotspot-legend").wait_for(state="visible", timeout=30_000)
    # the rest of the page follows the drawn map in a second run: the page is whole once it ends
    page.locator("[data-testid=stDataFrame]").wait_for(state="visible", timeout=30_000)
    page.wait_for_selector(IDLE)
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


def test_bivariate_view_has_its_square_legend(browser, server, sample_dir):
    page, frame, _ = _open(browser, f"{server}/?metric=both")
    legend = frame.locator(".bivariate-legend")
    assert legend.is_visible()
    cells = legend.locator(".bv-cell")
    assert cells.count() == 9
    counts = sum(int(text) for text in cells.all_inner_texts())
    assert counts == _hotspot_count(sample_dir)
    page.screenshot(path=str(ARTIFACTS / "map-bivariate.png"))
    page.close()


BELOW_AT_FIRST_POLYGON = """
if (window === window.top) {
  const look = () => {
    const map = document.querySelector(MAP_FRAME);
    if (map?.contentDocument?.querySelector("path.leaflet-interactive")) {
      const below = ["Dose and response", "Hotspots shown"];
      window.__belowAtFirstPolygon = [
        ...[...document.querySelectorAll("h2")].filter(h => below.includes(h.textContent.trim())),
        ...document.querySelectorAll("[data-testid=stDataFrame], [data-testid=stVegaLiteChart]"),
      ].length;
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
}
""".replace("MAP_FRAME", json.dumps(MAP_FRAME))
"""Notes how many of the headings, chart and table below the map the page holds when the map's
frame first holds a polygon."""


def test_the_map_is_drawn_before_the_table_is_sent_which_then_follows(browser, server):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.add_init_script(BELOW_AT_FIRST_POLYGON)
    page.goto(server)
    page.locator("[data-testid=stDataFrame]").wait_for(state="visible", timeout=60_000)
    assert page.evaluate("window.__belowAtFirstPolygon") == 0
    page.close()


def test_what_is_below_the_map_comes_even_if_the_map_never_draws(browser, server):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.route(f"**/component/{HOTSPOT_MAP_TITLE}/*.js", lambda route: route.abort())
    page.goto(server)
    page.locator("[data-testid=stDataFrame]").wait_for(state="visible", timeout=60_000)
    assert not page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").count()
    page.close()


def test_panning_and_zooming_the_map_run_nothing_on_the_server(browser, server):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(server)
    page.locator("[data-testid=stDataFrame]").wait_for(state="visible", timeout=60_000)
    page.wait_for_selector(IDLE)
    page.evaluate(
        """() => {
          window.__runs = 0;
          const app = document.querySelector("[data-testid=stApp]");
          new MutationObserver(() => {
            if (app.dataset.testScriptState === "running") window.__runs += 1;
          }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
        }"""
    )
    box = page.locator(MAP_FRAME).bounding_box()
    x, y = box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2  # clear of hotspots
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y + 100, steps=8)
    page.mouse.up()
    page.mouse.wheel(0, -300)
    # streamlit-folium sends a changed value 250 ms after a move; the backstop's timer has ended
    page.wait_for_timeout(1_000 * (BELOW_MAP_BACKSTOP_S + 1))
    assert page.evaluate("window.__runs") == 0
    page.close()


def test_dose_response_chart_renders(browser, server):
    page, _, _ = _open(browser, server)
    heading = page.get_by_role("heading", name="Dose and response")
    heading.scroll_into_view_if_needed()
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.wait_for(state="visible", timeout=30_000)
    chart.scroll_into_view_if_needed()
    marks = chart.locator("svg .mark-symbol path, canvas")
    marks.first.wait_for(state="attached", timeout=30_000)
    box = chart.bounding_box()
    assert box and box["height"] > 200
    chart.screenshot(path=str(ARTIFACTS / "dose-response.png"))
    page.close()


def test_tooltip_carries_significance_and_dosage(browser, server):
    page, frame, _ = _open(browser, f"{server}/?town=Chesterfield")
    frame.locator("path.leaflet-interactive:not(.hotspot-dot)").first.hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    text = tooltip.inner_text()
    assert "rate ratio" in text and "h/week" in text and "trend:" in text
    page.close()


def test_downloads_are_made_on_click(browser, server):
    page, _, _ = _open(browser, f"{server}/?town=Heanor")
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download table (CSV)").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("Period,Compared with,Hotspot id,Hotspot,Town,ASB reports")
    assert "asb_" not in lines[0] and '"' not in lines[0]
    assert len(lines) == 1 + 3 and all(",Heanor," in line for line in lines[1:])
    assert all(line.startswith("Oct 2025 – Sep 2026,Oct 2024 – Sep 2025,") for line in lines[1:])
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Briefing (PDF)").click()
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"
    page.close()


def test_monthly_return_downloads_as_a_workbook(browser, server):
    import io

    import openpyxl

    page, _, _ = _open(browser, f"{server}/?period=2025-10:2026-09")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Monthly return for September 2026 (Excel)").click()
    data = Path(download.value.path()).read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1][:2] == ["Month", "September 2026"]
    assert any(r and r[1] == "All hotspots" for r in rows)


def _map_frame(page):
    return map_frame(page)


def _layers_js() -> str:
    """In the map frame: each drawn hotspot layer's name (from its tooltip), fill and kind."""
    return """() => Object.values(window.map._layers)
      .filter(l => l.feature && l.options && l.options.fillColor && l.getTooltip())
      .map(l => {
        const div = document.createElement('div');
        const content = l.getTooltip().getContent();  // written when shown: a function
        div.innerHTML = typeof content === 'function' ? content(l) : content;
        return {name: div.querySelector('.tt-name').textContent, fill: l.options.fillColor,
                dot: l instanceof L.CircleMarker};
      })"""


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height


@pytest.fixture(scope="module")
def flagged_server(tmp_path_factory) -> Iterator[str]:
    """Two months flagged (no ASB published) in the default period: the longest notice."""
    folder = three_year_dataset(
        tmp_path_factory.mktemp("flagged") / "data", no_asb_months=("2024-03", "2024-09")
    )
    yield from serve(folder)


@pytest.mark.parametrize("data", ["sample", "flagged"])
@pytest.mark.parametrize("width,height", [(1440, 900), (1920, 1080)])
def test_the_map_is_seen_without_scrolling(request, browser, data, width, height):
    url = request.getfixturevalue("server" if data == "sample" else "flagged_server")
    page, _, _ = _open(browser, url, width, height)
    assert page.evaluate("() => window.scrollY") == 0
    box = page.locator(MAP_FRAME).bounding_box()
    seen = min(box["y"] + box["height"], height) - max(box["y"], 0)
    assert seen >= 0.6 * box["height"], (box, height)  # most of the map on the first screen
    page.screenshot(path=str(ARTIFACTS / f"first-screen-{data}-{width}x{height}.png"))


@pytest.mark.parametrize("width,height", [(1440, 900), (1920, 1080)])
def test_a_click_on_a_dot_at_the_default_zoom_selects_it(browser, server, width, height):
    page, frame, _ = _open(browser, server, width, height)
    container = frame.locator(".leaflet-container")
    assert "zoom-far" in container.get_attribute("class")  # hotspots are dots here
    name, box = click_dot(page, frame, 5)
    page.wait_for_function(
        "() => new URL(location.href).searchParams.has('hotspot')", timeout=30_000
    )
    page.wait_for_selector(IDLE)
    heading = page.get_by_role("heading", name=name)
    heading.wait_for(state="visible", timeout=30_000)
    charts = [page.locator("strong").filter(has_text=title).first
              for title in ("ASB per month", "Officer patrol hours per week")]  # fmt: skip
    seen = [heading, *charts, page.locator(MAP_FRAME)]
    for _ in range(50):  # the page scrolls the map and its detail into view (at most 10 s)
        if all(_in_view(page, part) for part in seen):
            break
        page.wait_for_timeout(200)
    assert _in_view(page, heading)
    for chart in charts:
        assert _in_view(page, chart), chart
    assert _in_view(page, page.locator(MAP_FRAME))
    ring = frame.locator("path.selected-ring")
    assert ring.count() == 2 and ring.last.is_visible()
    ring_box = ring.last.bounding_box()
    assert ring_box["width"] > box["width"]  # a ring round the dot, larger than the dot
    page.screenshot(path=str(ARTIFACTS / f"click-dot-default-zoom-{width}x{height}.png"))
    page.close()


def test_a_second_click_on_the_same_hotspot_selects_it_again(browser, server):
    page, frame, _ = _open(browser, server, 1440, 900)
    name, _ = click_dot(page, frame, 3)
    page.wait_for_function("() => location.search.includes('hotspot=')", timeout=30_000)
    page.wait_for_selector(IDLE)
    page.get_by_role("heading", name=name).wait_for(state="visible", timeout=30_000)
    chosen = _query(page)["hotspot"]

    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").nth(1).click()
    page.get_by_role("option", name="— none selected —").click()
    page.wait_for_function("() => !location.search.includes('hotspot=')", timeout=30_000)
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(500)
    assert page.get_by_role("heading", name=name).count() == 0

    assert click_dot(page, frame, 3)[0] == name
    page.wait_for_function("() => location.search.includes('hotspot=')", timeout=30_000)
    page.wait_for_selector(IDLE)
    assert _query(page)["hotspot"] == chosen
    page.get_by_role("heading", name=name).wait_for(state="visible", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "click-again-after-clearing-1440x900.png"))
    page.close()


@pytest.mark.parametrize("width,height", [(1440, 900), (1920, 1080)])
def test_a_tooltip_is_never_cut_at_the_maps_edge(browser, server, width, height):
    page, frame, _ = _open(browser, server, width, height)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    map_box = frame.locator(".leaflet-container").bounding_box()
    dots = frame.locator("path.hotspot-dot")
    centres = [(i, dots.nth(i).bounding_box()) for i in range(dots.count())]
    centres.sort(key=lambda item: item[1]["x"])
    for index, box in (centres[0], centres[len(centres) // 2], centres[-1]):
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = frame.locator(".leaflet-tooltip")
        tip.wait_for(state="visible", timeout=10_000)
        page.wait_for_timeout(200)
        tip_box = tip.bounding_box()
        assert map_box["x"] <= tip_box["x"], (index, tip_box, map_box)
        assert tip_box["x"] + tip_box["width"] <= map_box["x"] + map_box["width"], (index, tip_box)
        page.mouse.move(map_box["x"] + 5, map_box["y"] + map_box["height"] - 5)
        tip.wait_for(state="hidden", timeout=10_000)
    page.close()


def _radio(page, label: str):
    page.locator("[data-testid=stSidebar] label").filter(has_text=label).first.click()


def _choose_town(page, town: str) -> None:
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name=town, exact=True).click()


def _query(page) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(urlparse(page.url).query))


def test_back_and_forward_step_through_deliberate_changes(browser, server):
    page, frame, _ = _open(browser, server, 1440, 900)
    assert _query(page) == {}
    _radio(page, "Officer patrol hours")
    page.wait_for_function("() => location.search.includes('metric=hours')", timeout=30_000)
    page.wait_for_selector(IDLE)
    _choose_town(page, "Heanor")
    page.wait_for_function("() => location.search.includes('town=Heanor')", timeout=30_000)
    page.wait_for_selector(IDLE)
    frame.locator(".hotspot-label").first.wait_for(state="visible", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "history-1-hours-heanor.png"))

    page.go_back()
    page.wait_for_function("() => !location.search.includes('town=')", timeout=30_000)
    page.wait_for_timeout(1500)  # a rewrite of the address would come here
    page.wait_for_selector(IDLE)
    assert _query(page).get("metric") == "hours" and "town" not in _query(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    assert sidebar.get_by_role("combobox", name="Town").input_value() == "All towns"
    assert "Officer patrol hours" in frame.locator(".hotspot-legend").inner_text()
    page.screenshot(path=str(ARTIFACTS / "history-2-back-to-all-towns.png"))

    page.go_back()
    page.wait_for_function("() => !location.search.includes('metric=hours')", timeout=30_000)
    page.wait_for_timeout(1500)
    page.wait_for_selector(IDLE)
    assert "metric" not in _query(page) or _query(page)["metric"] == "asb"
    frame.locator(".hotspot-legend", has_text="ASB change").wait_for(timeout=30_000)
    assert sidebar.get_by_role("radio", name="ASB change %").is_checked()

    page.go_forward()
    page.wait_for_function("() => location.search.includes('metric=hours')", timeout=30_000)
    page.go_forward()
    page.wait_for_function("() => location.search.includes('town=Heanor')", timeout=30_000)
    page.wait_for_timeout(1500)
    page.wait_for_selector(IDLE)
    assert _query(page)["town"] == "Heanor"
    assert sidebar.get_by_role("combobox", name="Town").input_value() == "Heanor"
    frame.locator(".hotspot-legend", has_text="per week").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "history-3-forward-again.png"))
    page.close()


_FOCUSED_JS = """() => {
  let el = document.activeElement;
  while (el && el.tagName === 'IFRAME' && el.contentDocument) {
    el = el.contentDocument.activeElement;
  }
  let ring = false;
  for (let up = el, n = 0; up && n < 6 && !ring; up = up.parentElement, n++) {
    const style = getComputedStyle(up);  // a ring on the control or the box round it
    ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  }
  return {tag: el.tagName, cls: String(el.getAttribute('class') || ''),
          label: el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40), ring};
}"""


def test_keyboard_reaches_the_controls_and_skips_the_map_outlines(browser, server):
    page, _, _ = _open(browser, server, 1440, 900)
    stops = []
    for _ in range(30):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(_FOCUSED_JS))
    labels = [s["label"] for s in stops]
    assert not [s for s in stops if s["tag"].lower() == "path"], "a map outline is a tab stop"
    for wanted in ("Town", "Hotspot", "Zoom in", "Zoom out"):
        assert any(wanted in label for label in labels), (wanted, labels)
    town, zoom = labels.index("Town"), labels.index("Zoom in")
    assert town < labels.index("Hotspot") < zoom  # sidebar first, then the map
    no_ring = [s["label"] for s in stops[: zoom + 1] if not s["ring"] and s["tag"] != "MAIN"]
    assert not no_ring, f"no visible focus ring on {no_ring}"
    for _ in range(len(stops) - zoom - 1):
        page.keyboard.press("Shift+Tab")
    page.screenshot(path=str(ARTIFACTS / "keyboard-focus-zoom-in.png"))
    page.close()


_GEOMETRY_JS = """() => {
  const r = el => {
    const b = el.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom];
  };
  const shown = el => el.getClientRects().length && getComputedStyle(el).display !== 'none'
    && getComputedStyle(el).visibility !== 'hidden';
  const near = document.querySelector('.leaflet-container').classList.contains('zoom-near');
  const hotspots = Array.from(document.querySelectorAll(
      near ? 'path.leaflet-interactive:not(.hotspot-dot)' : 'path.hotspot-dot'))
    .filter(shown).map(r);
  const labels = Array.from(document.querySelectorAll('.label span')).filter(shown)
    .map(el => ({text: el.textContent, box: r(el)}));
  const blockers = Array.from(document.querySelectorAll(
      '.hotspot-legend, .leaflet-control-zoom, .leaflet-control-scale, '
      + '.leaflet-control-attribution'))
    .filter(shown).map(el => ({what: el.className, box: r(el)}));
  return {frame: r(document.querySelector('.leaflet-container')), hotspots, labels, blockers,
          near};
}"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("width,height", [(1440, 900), (1920, 1080)])
def test_no_hotspot_under_the_legend_and_no_label_overlaps_or_is_cut(
    browser, server, sample_dir, width, height
):
    features = json.loads((sample_dir / "hotspots.geojson").read_text())["features"]
    towns = {f["properties"]["town"] for f in features if f["properties"].get("town")}
    for town in ("", "Heanor", "Shirebrook", "Chesterfield"):
        page, _, _ = _open(browser, f"{server}/?town={town}" if town else server, width, height)
        wait_for_map_at_rest(_map_frame(page))  # the fit after the frame takes its size
        found = _map_frame(page).evaluate(_GEOMETRY_JS)
        name = f"legibility-{town or 'all'}-{width}x{height}.png"
        page.locator(MAP_FRAME).screenshot(path=str(ARTIFACTS / name))
        assert found["hotspots"], town
        left, top, right, bottom = found["frame"]
        for blocker in found["blockers"]:
            for box in found["hotspots"]:
                assert not _overlap(box, blocker["box"]), (town, width, blocker["what"], box)
        labels = found["labels"]
        assert labels, town
        if found["near"]:  # a town: every hotspot named
            assert len(labels) == len(found["hotspots"]), (town, [x["text"] for x in labels])
        else:  # the force: every town named (moved beside its hotspots, not hidden)
            assert sorted(x["text"] for x in labels) == sorted(towns), (width, labels)
        for i, label in enumerate(labels):
            box = label["box"]
            assert left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom, (
                town, label["text"], "cut at the edge",
            )  # fmt: skip
            for other in labels[i + 1 :]:
                assert not _overlap(box, other["box"]), (town, label["text"], other["text"])
        page.close()


@pytest.mark.parametrize("metric", ["hours", "both"])
def test_the_same_hours_get_the_same_colour_in_two_town_views(browser, server, metric):
    fills = {}
    for town in ("", "Heanor"):
        url = f"{server}/?metric={metric}" + (f"&town={town}" if town else "")
        page, frame, _ = _open(browser, url, 1440, 900)
        frame.locator(".hotspot-legend", has_text="per week").wait_for(timeout=30_000)
        layers = _map_frame(page).evaluate(_layers_js())
        fills[town] = {layer["name"]: layer["fill"] for layer in layers if not layer["dot"]}
        shot = ARTIFACTS / f"{metric}-{town or 'all'}-1440x900.png"
        page.locator(MAP_FRAME).screenshot(path=str(shot))
        page.close()
    heanor = fills["Heanor"]
    assert heanor and set(heanor) < set(fills[""])
    assert {name: fills[""][name] for name in heanor} == heanor


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory) -> Iterator[str]:
    """The app on an empty dataset folder (a first run before any import)."""
    yield from serve(tmp_path_factory.mktemp("empty"))


def test_an_empty_folder_says_what_is_wrong_what_it_needs_and_where_to_go(browser, empty_server):
    page, _ = open_page(browser, empty_server, 1440, 900)
    error = page.locator("[data-testid=stAlertContentError]")
    error.wait_for(state="visible", timeout=30_000)
    assert "cannot be shown" in error.inner_text()
    main = page.locator("[data-testid=stMain]")
    text = main.inner_text()
    assert "hotspots.geojson" in text and "crimes/" in text and "patrols.csv" in text
    link = main.get_by_role("link", name="Import data and check quality")
    assert link.is_visible()
    page.screenshot(path=str(ARTIFACTS / "empty-folder-1440x900.png"))
    link.click()
    page.wait_for_url("**/data", timeout=30_000)
    page.wait_for_selector(IDLE)
    page.close()


def test_the_table_offers_only_the_safe_download(browser, server):
    page, _, _ = _open(browser, server, 1440, 900)
    grid = page.locator(".st-key-hotspot-table [data-testid=stDataFrame]")
    grid.scroll_into_view_if_needed()
    grid.hover()
    toolbar = page.locator(".st-key-hotspot-table [data-testid=stElementToolbar]")
    toolbar.get_by_role("button", name="Search").wait_for(state="visible", timeout=10_000)
    assert not toolbar.get_by_role("button", name="Download as CSV").is_visible()
    assert page.get_by_role("button", name="Download table (CSV)").is_visible()
    page.screenshot(path=str(ARTIFACTS / "table-toolbar.png"))
    page.close()


_WALL_SIZES_JS = """() => {
  const box = s => document.querySelector(s).getBoundingClientRect();
  const frame = document.querySelector('.leaflet-container').getBoundingClientRect();
  return {scale: box('.leaflet-control-scale').height,
          credit: box('.leaflet-control-attribution').height,
          map: [frame.width, frame.height], view: [innerWidth, innerHeight],
          zoom: window.map.getZoom()};
}"""


def test_the_wall_map_scales_whole_with_the_screen(browser, server):
    sizes = {}
    for width, height in ((1920, 1080), (3840, 2160)):
        page, _ = open_page(browser, f"{server}/briefing", width, height)
        frame = page.frame_locator(MAP_FRAME)
        frame.locator("path.hotspot-dot").first.wait_for(state="attached", timeout=30_000)
        wait_for_map_at_rest(_map_frame(page))
        sizes[width] = _map_frame(page).evaluate(_WALL_SIZES_JS.replace("\n", " "))
        page.close()
    small, big = sizes[1920], sizes[3840]
    for part in ("scale", "credit"):  # scale bar and attribution grow with the screen
        assert big[part] == pytest.approx(2 * small[part], rel=0.1), (part, small, big)
    assert big["map"][1] == pytest.approx(big["view"][1], abs=2)  # the map fills its frame
    assert big["zoom"] == small["zoom"]  # the same view, drawn larger


@pytest.fixture(scope="module")
def tiled_server(sample_dir) -> Iterator[tuple[str, list[str]]]:
    """The app on the sample, its tiles from a local test tile server."""
    from tools.app_server import app_server

    with tile_server() as (template, requested), app_server(sample_dir, tiles=template) as url:
        yield url, requested


@pytest.fixture(scope="module")
def plain_server(sample_dir) -> Iterator[str]:
    """The app on the sample with no tiles at all (HOTSPOT_TILES=none)."""
    from tools.app_server import app_server

    with app_server(sample_dir, tiles="none") as url:
        yield url


_WALL_4K_JS = """() => {
  const box = el => el.getBoundingClientRect();
  const shown = el => el.getClientRects().length && getComputedStyle(el).display !== 'none'
    && el.style.visibility !== 'hidden';
  const tiles = Array.from(document.querySelectorAll('img.leaflet-tile-loaded')).map(t => ({
    z: Number(new URL(t.src).pathname.split('/')[1]), natural: t.naturalWidth,
    drawn: box(t).width}));
  return {zoom: window.map.getZoom(), tiles, frame: [innerWidth, innerHeight],
    polygons: Array.from(document.querySelectorAll('path.leaflet-interactive:not(.hotspot-dot)'))
      .filter(shown).map(p => [box(p).width, box(p).height]).filter(([w]) => w > 0),
    names: Array.from(document.querySelectorAll('.hotspot-label')).filter(shown)
      .map(n => [n.textContent, box(n).height])};
}"""


@pytest.mark.parametrize("town", ["", "Heanor"])
def test_the_wall_at_4k_draws_sharp_tiles_and_names_no_bigger_than_hotspots(
    browser, tiled_server, plain_server, town
):
    url, requested = tiled_server
    found = {}
    for width, height in ((1920, 1080), (3840, 2160)):
        page, _ = open_page(browser, f"{url}/briefing?town={town}", width, height)
        frame = page.frame_locator(MAP_FRAME)
        frame.locator("path.hotspot-dot").first.wait_for(state="attached", timeout=30_000)
        frame.locator("img.leaflet-tile-loaded").first.wait_for(state="attached", timeout=30_000)
        page.wait_for_timeout(1500)
        found[width] = _map_frame(page).evaluate(_WALL_4K_JS.replace("\n", " "))
        page.screenshot(path=str(ARTIFACTS / f"wall-{town or 'all'}-tiles-{width}x{height}.png"))
        page.close()
    assert requested, "no tiles were asked for"
    for width, ahead in ((1920, 0), (3840, 1)):
        got = found[width]
        assert got["tiles"], width
        assert {t["z"] for t in got["tiles"]} == {round(got["zoom"]) + ahead}, (width, got["zoom"])
        for tile in got["tiles"]:  # about one image pixel per screen pixel: not stretched
            assert 0.7 <= tile["drawn"] / tile["natural"] <= 1.45, (width, tile)
    small, big = found[1920], found[3840]
    if town:  # close enough for outlines and names: every name smaller than its hotspots
        assert big["names"] and big["polygons"]
        lowest = min(h for _, h in big["polygons"])
        assert all(h <= lowest for _, h in big["names"]), (big["names"], big["polygons"])
        widest = max(w for w, _ in big["polygons"])
        assert widest == pytest.approx(2 * max(w for w, _ in small["polygons"]), rel=0.15)

    page, _ = open_page(browser, f"{plain_server}/briefing?town={town}", 3840, 2160)
    page.frame_locator(MAP_FRAME).locator("path.hotspot-dot").first.wait_for(
        state="attached", timeout=30_000
    )
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / f"wall-{town or 'all'}-no-tiles-3840x2160.png"))
    page.close()


_PREVIEW_SPREAD_JS = """() => {
  const boxes = Array.from(document.querySelectorAll('path.leaflet-interactive'))
    .filter(p => getComputedStyle(p).display !== 'none')
    .map(p => p.getBoundingClientRect());
  const map = document.querySelector('.leaflet-container').getBoundingClientRect();
  const w = Math.max(...boxes.map(b => b.right)) - Math.min(...boxes.map(b => b.left));
  const h = Math.max(...boxes.map(b => b.bottom)) - Math.min(...boxes.map(b => b.top));
  const inside = boxes.every(b => b.top >= map.top && b.left >= map.left
    && b.bottom <= map.bottom && b.right <= map.right);
  return {w: w / map.width, h: h / map.height, inside,
          dots: boxes.filter(b => b.width >= 12).length};
}"""
"""In the map frame: the drawn hotspots' extent as a share of the map, whether all lie inside
it, and how many are drawn at least 12 px wide."""


def test_the_data_page_preview_zooms_to_the_hotspots(browser, empty_server, sample_dir):
    page, _ = open_page(browser, f"{empty_server}/data", 1440, 900)
    page.locator(".st-key-up_hotspots input[type=file]").set_input_files(
        str(sample_dir / "hotspots.geojson")
    )
    page.wait_for_selector(IDLE)
    page.get_by_role("button", name="Check files").click()
    preview = page.frame_locator(MAP_FRAME)
    preview.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=60_000)
    frame = _map_frame(page)
    wait_for_map_at_rest(frame)
    spread = frame.evaluate(_PREVIEW_SPREAD_JS)
    assert max(spread["w"], spread["h"]) > 0.6  # the hotspots fill the map, not a corner of it
    assert spread["dots"] >= 20  # each hotspot visible as a dot, not a 1-2 px speck
    assert spread["inside"]  # none cut at the map's edge
    page.locator(MAP_FRAME).screenshot(path=str(ARTIFACTS / "data-preview.png"))
    page.close()


def test_the_data_page_opened_first_on_a_fresh_app_is_drawn_wide(browser, sample_dir):
    """Its import form and tables use the screen's width, as when reached from the map."""
    with app_server(sample_dir) as url:  # a server no other page has visited
        page, _ = open_page(browser, f"{url}/data", 1440, 900)
        page.get_by_role("heading", name="Import files").wait_for(timeout=30_000)
        width = page.locator("[data-testid=stMainBlockContainer]").bounding_box()["width"]
        page.screenshot(path=str(ARTIFACTS / "data-first-visit-1440x900.png"))
        page.close()
        assert width > 1200, f"the data page is drawn {width:.0f} px wide in a 1440 px window"
