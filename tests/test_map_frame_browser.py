"""The map kept alive and restyled in place, every hotspot within reach, no input lost while the
page runs, and the wall's title and map turning together: in Debian's chromium, with a real mouse
and keyboard, on the sample data.

Screenshots are written to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlparse

import pytest

from geo.view.scales import asb_change_scale, bivariate_scale, hours_scale
from tests.browser_support import (
    ARTIFACTS,
    IDLE,
    MAP_FRAME,
    click_dot,
    map_frame,
    open_page,
    serve,
    wait_for_map_at_rest,
)
from tests.helpers import edited_sample
from tools.app_probes import MAP_SIGNATURE_JS, busiest_towns, map_signature, repaint_steps

pytestmark = pytest.mark.browser

QUIET_JS = """(quiet) => {
  const state = document.querySelector("[data-testid=stApp]").dataset.testScriptState;
  const now = performance.now();
  if (state !== "notRunning" || window.__idleFrom === undefined) {
    window.__idleFrom = state === "notRunning" ? now : undefined;
    return false;
  }
  return now - window.__idleFrom >= quiet;
}"""
"""Whether the page's script has stayed finished for `quiet` ms: a run that a click queued
while another ran has started and ended by then."""


def _open(browser, url: str, width: int = 1440, height: int = 900):
    page, _ = open_page(browser, url, width, height)
    page.locator("[data-testid=stDataFrame]").wait_for(state="visible", timeout=60_000)
    page.wait_for_selector(IDLE)
    frame = map_frame(page)
    wait_for_map_at_rest(frame, quiet_ms=500)
    page.evaluate(MAP_SIGNATURE_JS)
    return page, frame


def _quiet(page) -> None:
    """Wait until the page has stopped running and its map has settled."""
    page.evaluate("() => { window.__idleFrom = undefined; }")
    page.wait_for_function(QUIET_JS, arg=1_000, timeout=60_000, polling=100)
    wait_for_map_at_rest(map_frame(page), quiet_ms=500)


def _query(page) -> dict[str, str]:
    return dict(parse_qsl(urlparse(page.url).query))


def _radio(page, label: str) -> None:
    page.locator("[data-testid=stSidebar] label").filter(has_text=label).first.click()


def _town_box(page):
    return page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first


def _checked_metric(page) -> str:
    return page.locator("[data-testid=stSidebar] [role=radiogroup] input:checked").evaluate(
        "input => input.closest('label').innerText.trim()"
    )


GROUPED_JS = """() => [...document.querySelectorAll('.hotspot-group span')]
  .reduce((sum, span) => sum + Number(span.textContent), 0)"""
"""How many hotspots the map shows as counts of a crowd rather than as dots."""


def test_every_sample_hotspot_is_a_dot_or_in_a_count_at_the_force_view(browser, server, sample_dir):
    """On a laptop's screen the map is shorter: a crowd may be a count, but none is lost."""
    page, frame = _open(browser, server, 1366, 768)
    page.screenshot(path=str(ARTIFACTS / "force-view-1366x768.png"))
    count = len(json.loads((sample_dir / "hotspots.geojson").read_text())["features"])
    assert frame.locator("path.hotspot-dot").count() + frame.evaluate(GROUPED_JS) == count
    page.close()


def test_every_sample_hotspot_can_be_clicked_at_the_force_view(browser, server, sample_dir):
    page, frame = _open(browser, server, 1920, 1080)
    assert "zoom-far" in frame.locator(".leaflet-container").get_attribute("class")
    dots = frame.locator("path.hotspot-dot")
    count = len(json.loads((sample_dir / "hotspots.geojson").read_text())["features"])
    assert frame.evaluate(GROUPED_JS) == 0
    assert dots.count() == count
    covered = frame.evaluate(
        """() => [...document.querySelectorAll('path.hotspot-dot')].filter(dot => {
          const box = dot.getBoundingClientRect();
          return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) !== dot;
        }).length"""
    )
    assert covered == 0, f"{covered} dots have their centre under something else"
    page.screenshot(path=str(ARTIFACTS / "force-view-spread-1920x1080.png"))
    reached = set()
    tips = frame.locator(".leaflet-tooltip")
    for index in range(count):
        page.mouse.move(1, 1)  # off the map: no tooltip left open
        tips.first.wait_for(state="detached", timeout=10_000)
        name, _ = click_dot(page, frame, index)
        page.wait_for_function(
            "(before) => new URL(location.href).searchParams.get('hotspot') !== before",
            arg=_query(page).get("hotspot"),
            timeout=30_000,
        )
        page.wait_for_selector(IDLE)
        page.get_by_role("heading", name=name).wait_for(state="visible", timeout=30_000)
        reached.add(_query(page)["hotspot"])
        assert "zoom-far" in frame.locator(".leaflet-container").get_attribute("class")
    assert len(reached) == count
    page.screenshot(path=str(ARTIFACTS / "force-view-last-clicked-1920x1080.png"))
    page.close()


PERIOD_END = "[data-testid=stSidebar] [data-testid=stSlider] input[type=range] >> nth=-1"
"""The period slider's end (a range input: arrow keys step it a month)."""


def _watch_runs(page) -> None:
    """From now on `window.__ran` turns true whenever the page's script starts a run."""
    page.evaluate(
        """() => {
          const app = document.querySelector("[data-testid=stApp]");
          new MutationObserver(() => {
            if (app.dataset.testScriptState === "running") { window.__ran = true; }
          }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
        }"""
    )


_STRAY_LINES_JS = """() => [...document.querySelectorAll('.label')].filter(label => {
  const name = label.querySelector('span'), line = label.querySelector('.leader');
  return getComputedStyle(name).display === 'none' && getComputedStyle(line).display !== 'none';
}).map(label => label.textContent)"""
"""In the map's frame: names hidden at this zoom whose line to their point is still drawn."""


def test_a_colouring_clicked_while_a_town_is_being_chosen_is_kept(browser, server):
    page, frame = _open(browser, server)
    _watch_runs(page)
    turns = [
        ("Heanor", "Both: hours × ASB change", "both"),
        ("Chesterfield", "Officer patrol hours", "hours"),
        ("Shirebrook", "ASB change %", "asb"),
        ("Ilkeston", "Both: hours × ASB change", "both"),
    ]
    legends = {"both": bivariate_scale(), "hours": hours_scale(), "asb": asb_change_scale()}
    for town, label, metric in turns:
        _town_box(page).click()
        page.evaluate("() => { window.__ran = false; }")
        page.get_by_role("option", name=town, exact=True).click()
        page.wait_for_function("() => window.__ran", timeout=30_000, polling="raf")
        _radio(page, label)  # while the town's run is under way
        _quiet(page)
        query = _query(page)
        assert (query.get("town"), query.get("metric")) == (town, metric)
        assert _town_box(page).locator("input").input_value() == town
        assert _checked_metric(page) == label
        title = frame.locator(".hotspot-legend .legend-title").inner_text()
        assert title == legends[metric].title
        assert frame.locator(".leaflet-container").get_attribute("data-focus") == town
        assert frame.evaluate(_STRAY_LINES_JS) == [], "a line drawn to a name not shown"
        shown = map_signature(page)
        fresh, _ = _open(browser, page.url)
        assert map_signature(fresh) == shown  # the map of the address, as a new visit draws it
        fresh.close()
    page.screenshot(path=str(ARTIFACTS / "kept-colouring-after-town.png"))
    page.close()


def test_keyboard_steps_on_the_period_slider_stick(browser, server):
    page, _ = _open(browser, server)
    _watch_runs(page)
    end = page.locator(PERIOD_END)
    first = end.get_attribute("aria-valuetext")
    end.focus()
    page.evaluate("() => { window.__ran = false; }")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => window.__ran", timeout=30_000, polling="raf")
    for _ in range(3):  # while the page recalculates for the first
        page.keyboard.press("ArrowLeft")
    _quiet(page)
    shown = end.get_attribute("aria-valuetext")
    months = page.evaluate(
        "(end) => [...Array(4).keys()].map(i => { const [y, m] = end.split('-').map(Number);"
        " const d = new Date(y, m - 2 - i, 1); return d.getFullYear() + '-'"
        " + String(d.getMonth() + 1).padStart(2, '0'); })",
        first,
    )
    assert shown == months[-1], (first, shown)  # four months earlier: no step snapped back
    assert _query(page)["period"].split(":")[1] == shown
    drawn = map_signature(page)
    fresh, _ = _open(browser, page.url)
    assert map_signature(fresh) == drawn  # the map of the address, as a new visit draws it
    assert fresh.locator(PERIOD_END).get_attribute("aria-valuetext") == shown
    fresh.close()
    page.close()


_RENDERS_JS = """() => {
  window.__kept = true;
  window.__outlines = [];
  window.addEventListener("message", (event) => {
    if (event.data && event.data.type === "streamlit:render") {
      window.__outlines.push(event.data.args.geometry ? event.data.args.geometry.length : 0);
    }
  });
}"""
"""In the map's frame: marks the frame's window, and notes for each later message from the page
how many characters of outlines it carried."""


def test_changes_restyle_the_same_map_and_send_no_outlines(browser, server, sample_dir):
    page, frame = _open(browser, server)
    frame.evaluate(_RENDERS_JS)
    # the probe of `python -m geo bench` (colourings, towns, Back), run for what it checks (each
    # step ends only when the map shows that state as first drawn), not for its times
    times = repaint_steps(page, busiest_towns(sample_dir, 2), repetitions=2)
    assert {kind: len(seconds) for kind, seconds in times.items()} == {
        "colouring": 2,
        "town": 2,
        "back": 2,
    }
    assert all(s > 0 for seconds in times.values() for s in seconds)
    assert frame.evaluate("() => window.__kept === true"), "the map's frame was rebuilt"
    outlines = frame.evaluate("() => window.__outlines")
    assert len(outlines) >= 10 and set(outlines) == {0}, outlines  # one or more per step
    page.close()


_WALL_WATCH_JS = """() => {
  window.__frame = 0;
  window.__samples = [];
  window.__titles = [];
  window.__focuses = [];
  const doc = document.querySelector(MAP_FRAME).contentDocument;
  const map = doc.querySelector(".leaflet-container");
  const town = () => {
    const text = document.querySelector(".wall-title").textContent;
    return text.includes(" — ") ? text.split(" — ").pop().trim() : "";
  };
  const named = () => {  // the hotspot names drawn inside the map
    const view = map.getBoundingClientRect();
    return [...doc.querySelectorAll(".hotspot-label")].filter(label => {
      const box = label.getBoundingClientRect();
      return box.width > 0 && label.style.visibility !== "hidden" && box.left >= view.left
        && box.right <= view.right && box.top >= view.top && box.bottom <= view.bottom;
    }).map(label => label.textContent);
  };
  let title = town();
  new MutationObserver(() => {
    if (town() !== title) { title = town(); window.__titles.push([window.__frame, title]); }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
  new doc.defaultView.MutationObserver(() => {
    window.__focuses.push([window.__frame, map.getAttribute("data-focus")]);
  }).observe(map, {attributes: true, attributeFilter: ["data-focus"]});
  const sample = () => {
    window.__frame += 1;
    window.__samples.push([town(), named()]);
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}"""
"""In the wall page: counts animation frames, and notes in each the town its title names and the
hotspot names the map shows; the frame in which the title changed, and the frame in which the
map's focus did."""


def test_the_wall_turns_its_title_and_map_to_each_town_in_the_same_frame(browser, server):
    page, _ = open_page(browser, f"{server}/briefing?rotate=5", 1920, 1080)
    frame = map_frame(page)
    frame.locator(".hotspot-label").first.wait_for(state="visible", timeout=30_000)
    page.evaluate(_WALL_WATCH_JS.replace("MAP_FRAME", json.dumps(MAP_FRAME)))
    page.wait_for_function("() => window.__titles.length >= 3", timeout=60_000, polling=200)
    titles = page.evaluate("() => window.__titles")
    samples = page.evaluate("() => window.__samples")
    assert len({town for _, town in titles}) >= 3
    apart = [s for s in samples if not any(name.startswith(s[0]) for name in s[1])]
    assert not apart, (
        f"{len(apart)} of {len(samples)} frames name one town, show another: {apart[:3]}"
    )
    focuses = page.evaluate("() => window.__focuses")
    for change in titles:  # the map's focus changed in the very frame its title did
        assert change in focuses, (change, focuses)
    page.screenshot(path=str(ARTIFACTS / "wall-title-and-map-together.png"))
    page.close()


HOSTILE_TAG = '<img src=x onerror="window.top.__hostile = (window.top.__hostile || 0) + 1">'
HOSTILE_TOWN = f"Heanor{HOSTILE_TAG}"


@pytest.fixture(scope="module")
def hostile_server(sample_dir, tmp_path_factory) -> Iterator[str]:
    """The sample with markup that would run script in every hotspot name and in a town's name."""

    def hostile_names(data: dict) -> None:
        for feature in data["features"]:
            properties = feature["properties"]
            properties["name"] = f"{properties['name']}{HOSTILE_TAG}"
            if properties.get("town") == "Heanor":
                properties["town"] = HOSTILE_TOWN

    folder = tmp_path_factory.mktemp("hostile-frame") / "data"
    yield from serve(edited_sample(sample_dir, folder, hostile_names))


def test_markup_in_names_and_towns_is_drawn_as_text_and_never_runs(browser, hostile_server):
    page, frame = _open(browser, f"{hostile_server}/?town={quote(HOSTILE_TOWN)}")
    assert frame.locator(".leaflet-container").get_attribute("data-focus") == HOSTILE_TOWN
    frame.locator("path.leaflet-interactive:not(.hotspot-dot)").first.hover(force=True)
    tip = frame.locator(".leaflet-tooltip")
    tip.wait_for(state="visible", timeout=10_000)
    assert HOSTILE_TAG in tip.inner_text() and tip.locator("img").count() == 0
    label = frame.locator(".hotspot-label").first
    assert HOSTILE_TAG in label.text_content() and frame.locator(".label img").count() == 0
    assert frame.locator(".hotspot-legend img").count() == 0
    _radio(page, "Both: hours × ASB change")
    frame.locator(".bivariate-legend").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "hostile-names-in-the-map.png"))
    address = f"{hostile_server}/briefing?town={quote(HOSTILE_TOWN)}"
    wall, _ = open_page(browser, address, 1920, 1080)
    wall_map = map_frame(wall)
    wall_map.locator(f".leaflet-container[data-focus={json.dumps(HOSTILE_TOWN)}]").wait_for(
        state="attached", timeout=30_000
    )
    assert HOSTILE_TAG in wall.locator(".wall-title").inner_text()
    assert wall_map.locator(".label img").count() == 0
    for shown in (page, wall):
        assert shown.evaluate("() => window.__hostile") is None
    wall.close()
    page.close()


SPREAD_JS = Path(__file__).resolve().parent.parent / "geo" / "view" / "js" / "spread_dots.js"


def test_spread_dots_leaves_no_two_dots_overlapping_and_counts_crowds(browser):
    page = browser.new_page()
    page.add_script_tag(path=str(SPREAD_JS))
    result = page.evaluate(
        """() => {
          let seed = 7;
          const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
          const discs = [];
          for (let i = 0; i < 60; i++) {  // clusters of 1 to 5 dots, some on one point
            const x = random() * 800, y = random() * 500, n = 1 + Math.floor(random() * 5);
            for (let j = 0; j < n; j++) { discs.push([x + (j % 2) * random() * 4, y, 8]); }
          }
          for (let i = 0; i < 30; i++) { discs.push([400 + random() * 10, 250, 8]); }  // a crowd
          const spread = spreadDots(discs, 3, 7, count => 14);
          const shown = discs.map((d, i) => spread.group[i] < 0
            ? [spread.places[i][0], spread.places[i][1], d[2]] : null).filter(Boolean)
            .concat(spread.groups.map(g => [g.x, g.y, g.r]));
          let worst = Infinity, moved = 0;
          shown.forEach((a, i) => shown.slice(i + 1).forEach(b => {
            worst = Math.min(worst, Math.hypot(a[0] - b[0], a[1] - b[1]) - a[2] - b[2]);
          }));
          discs.forEach((d, i) => {
            const [x, y] = spread.places[i];
            moved = Math.max(moved, Math.hypot(x - d[0], y - d[1]));
          });
          const again = JSON.stringify(spreadDots(discs, 3, 7, count => 14));
          return {worst, moved, groups: spread.groups.map(g => g.members.length),
                  again: again === JSON.stringify(spread)};
        }"""
    )
    assert result["worst"] >= 3 - 0.05  # every two drawn discs at least the gap apart
    assert result["groups"] and min(result["groups"]) > 7  # only crowds drawn as a count
    assert sum(result["groups"]) >= 30  # the thirty on one spot among them
    assert result["moved"] < 200  # dots move by their neighbours' room, not across the map
    assert result["again"]  # the same dots are drawn in the same places every time
    page.close()


@pytest.fixture(scope="module")
def crowded_server(sample_dir, tmp_path_factory) -> Iterator[str]:
    """The sample with twelve more small hotspots round Heanor, 150 m apart."""

    def crowd_heanor(data: dict) -> None:
        for n in range(12):
            x, y = -1.355 + 0.0022 * (n % 4), 53.012 + 0.0014 * (n // 4)
            square = [[x, y], [x + 0.001, y], [x + 0.001, y + 0.0007], [x, y + 0.0007], [x, y]]
            data["features"].append({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [square]},
                "properties": {"hotspot_id": f"HS-HEA-X{n:02d}", "name": f"Heanor Street {n}",
                               "town": "Heanor", "started": "2025-10-01"},
            })  # fmt: skip

    folder = tmp_path_factory.mktemp("crowded") / "data"
    yield from serve(edited_sample(sample_dir, folder, crowd_heanor))


_REACH_JS = """() => {
  const own = el => {
    const box = el.getBoundingClientRect();
    const map = document.querySelector('.leaflet-container').getBoundingClientRect();
    const x = box.x + box.width / 2, y = box.y + box.height / 2;
    if (x < map.left || x > map.right || y < map.top || y > map.bottom) { return null; }
    const top = document.elementFromPoint(x, y);
    return top === el || el.contains(top);
  };
  const groups = [...document.querySelectorAll('.hotspot-group')];
  return {
    near: document.querySelector('.leaflet-container').classList.contains('zoom-near'),
    dots: [...document.querySelectorAll('path.hotspot-dot')].map(own),
    groups: groups.map(g => [Number(g.textContent), own(g)]),
    zoom: window.map.getZoom(),
  };
}"""
"""In the map's frame: for each dot and each count, whether a click at its centre reaches it
(None when it is outside the map), with each count's number, and the zoom."""


_ADDED_JS = """() => {
  const near = document.querySelector('.leaflet-container').classList.contains('zoom-near');
  const reached = {};
  Object.values(window.map._layers).forEach(layer => {
    const id = layer.feature && layer.feature.properties.key;
    const dot = layer instanceof L.CircleMarker;
    if (!id || !id.startsWith('HS-HEA-X') || dot === near) { return; }
    const el = layer.getElement(), box = el.getBoundingClientRect();
    reached[id] = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === el;
  });
  return reached;
}"""
"""In the map's frame: for each added hotspot, whether a click at the centre of what stands for
it at this zoom (its dot far out, its outline close up) reaches it."""


def test_a_crowd_is_a_count_that_zooms_in_to_hotspots_each_within_reach(browser, crowded_server):
    page, frame = _open(browser, crowded_server)
    found = frame.evaluate(_REACH_JS)
    assert not found["near"] and found["groups"], found
    assert all(reached for _, reached in found["groups"])
    assert all(found["dots"]), "a dot's centre is under something else"
    assert len(found["dots"]) + sum(n for n, _ in found["groups"]) == 24 + 12
    page.screenshot(path=str(ARTIFACTS / "crowd-count-1440x900.png"))
    counts = frame.locator(".hotspot-group")
    sizes = [int(text) for text in counts.all_inner_texts()]
    count = counts.nth(sizes.index(max(sizes)))  # the crowd the 12 added hotspots are in
    box = count.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    frame.wait_for_function("(zoom) => window.map.getZoom() > zoom", arg=found["zoom"])
    wait_for_map_at_rest(frame, quiet_ms=500)
    added = frame.evaluate(_ADDED_JS)  # each of the crowd, dot or outline, a click away
    assert len(added) == 12 and all(added.values()), added
    page.screenshot(path=str(ARTIFACTS / "crowd-count-clicked-1440x900.png"))
    assert _query(page).get("hotspot") is None  # a count is not a hotspot: nothing is chosen
    page.close()
