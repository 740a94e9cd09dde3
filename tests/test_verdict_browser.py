"""The verdict as a person sees it, in Debian's chromium: the first headline of the map page (on
the first screen at 1366×768), of the wall and of the PDF briefing says the programme's verdict in
its words and colour, on the sample and on the real Derbyshire data for 2024 (when present).

Screenshots are written to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

from geo.app.load import load_dataset
from geo.period import Period
from geo.view.briefing import LARGEST_FALL_LABEL, MEAN_LABEL, VERDICT_LABEL, briefing_page
from geo.view.scales import FELL, ROSE, asb_change_scale
from geo.view.verdict import Verdict, verdict
from tests.browser_support import ARTIFACTS, IDLE, MAP_FRAME, open_page, serve
from tests.helpers import real_wards_dataset

pytestmark = pytest.mark.browser
REAL_PERIOD = "2024-01:2024-12"
TOWN_WARDS = ("Heanor", "Shirebrook", "Chesterfield", "Brimington", "Ilkeston")


@pytest.fixture(scope="module")
def real_folder(shared_data, tmp_path_factory) -> Path:
    """The wards of five real Derbyshire towns as hotspots, over the real police.uk files."""
    return real_wards_dataset(shared_data, tmp_path_factory.mktemp("real") / "data", TOWN_WARDS)


@pytest.fixture(scope="module")
def real_server(real_folder) -> Iterator[str]:
    yield from serve(real_folder)


def _rgb(colour: str) -> str:
    """'#2166ac' as a browser's computed style writes it: 'rgb(33, 102, 172)'."""
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def _case(request, data: str) -> tuple[str, str, Verdict]:
    """The server and period of a case, and the verdict geo computes for the whole programme
    over that period."""
    if data == "sample":
        url, folder = request.getfixturevalue("server"), request.getfixturevalue("sample_dir")
        period = str(load_dataset(folder).default_period)
    else:
        url, folder = request.getfixturevalue("real_server"), request.getfixturevalue("real_folder")
        period = REAL_PERIOD
    return url, period, _expected(folder, period)


def _expected(folder: Path, period: str) -> Verdict:
    """The verdict geo computes for the whole programme over `period`."""
    return verdict(briefing_page(load_dataset(folder), Period.parse(period)).evaluation)


FALL_RGB = {_rgb(c) for c in asb_change_scale().colours[:3]}
RISE_RGB = {_rgb(c) for c in asb_change_scale().colours[4:]}


@pytest.mark.parametrize("data", ["sample", "real"])
def test_the_map_page_opens_with_the_verdict_in_its_colour(request, browser, data):
    url, period, said = _case(request, data)
    page, _ = open_page(browser, f"{url}/?period={period}", 1366, 768)
    page.frame_locator(MAP_FRAME).locator(".hotspot-legend").wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    assert page.evaluate("() => window.scrollY") == 0
    headline = page.locator("[data-testid=verdict-headline]")
    box = headline.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 768, box  # the first screen
    text = " ".join(headline.inner_text().split())
    assert text.startswith(VERDICT_LABEL) and said.words in text
    value = headline.locator(".verdict-value")
    assert value.inner_text() in text and value.inner_text().endswith("%")
    for part in (value, headline.locator(".verdict-words")):
        assert part.evaluate("e => getComputedStyle(e).color") == _rgb(said.colour)
    metrics = page.locator("[data-testid=stMetric]")
    first_metric = metrics.first.bounding_box()
    assert box["y"] + box["height"] <= first_metric["y"]  # above every other figure
    labels = [
        label.strip() for label in metrics.locator("[data-testid=stMetricLabel]").all_inner_texts()
    ]
    assert labels[:2] == [MEAN_LABEL, LARGEST_FALL_LABEL]
    colours = metrics.locator("[data-testid=stMetricValue]").evaluate_all(
        "els => els.map(e => getComputedStyle(e).color)"
    )
    against = {FELL: RISE_RGB, ROSE: FALL_RGB}.get(said.kind, FALL_RGB | RISE_RGB)
    assert not set(colours) & against  # no figure coloured against the verdict
    page.screenshot(path=str(ARTIFACTS / f"verdict-map-{data}-1366x768.png"))
    page.close()


@pytest.mark.parametrize("data", ["sample", "real"])
def test_the_wall_opens_with_the_verdict_in_its_colour(request, browser, data):
    url, period, said = _case(request, data)
    page, _ = open_page(browser, f"{url}/briefing?period={period}", 1920, 1080)
    tiles = page.locator("[data-testid=wall-headlines]")
    tiles.wait_for(timeout=60_000)
    lead = page.locator("[data-testid=verdict]")
    text = " ".join(lead.inner_text().split())
    assert text.startswith(VERDICT_LABEL) and said.words in text
    for part in (".wall-value", ".wall-detail"):
        colour = lead.locator(part).evaluate("e => getComputedStyle(e).color")
        assert colour == _rgb(said.colour_on_dark), part
    boxes = [tile.bounding_box() for tile in tiles.locator(".wall-tile").all()]
    assert boxes[0] == lead.bounding_box()
    assert all(boxes[0]["y"] + boxes[0]["height"] <= b["y"] for b in boxes[1:])  # above the rest
    assert boxes[0]["y"] + boxes[0]["height"] <= 1080
    others = tiles.locator(".wall-tile:not(.lead) .wall-value").evaluate_all(
        "els => els.map(e => getComputedStyle(e).color)"
    )
    assert set(others) == {"rgb(240, 243, 246)"}  # the text's own colour: no verdict of theirs
    page.screenshot(path=str(ARTIFACTS / f"verdict-wall-{data}-1920x1080.png"))
    page.close()


@pytest.mark.parametrize("data", ["sample", "real"])
def test_the_pdf_from_the_map_page_reads_the_verdict_first(request, browser, data):
    url, period, said = _case(request, data)
    page, _ = open_page(browser, f"{url}/?period={period}", 1366, 768)
    page.locator("[data-testid=stDataFrame]").wait_for(state="visible", timeout=60_000)
    page.wait_for_selector(IDLE)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Briefing (PDF)").click()
    data_bytes = Path(download.value.path()).read_bytes()
    page.close()
    text = pypdf.PdfReader(io.BytesIO(data_bytes)).pages[0].extract_text()
    flat = " ".join(text.split())
    start = flat.index(VERDICT_LABEL)
    assert start < flat.index(said.words) < flat.index(MEAN_LABEL)
    assert start < flat.index("All crime in hotspots")
