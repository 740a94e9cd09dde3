"""Items: text from files and links reaching the browser as markup, and server paths shown."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.helpers import shown, small_dataset

PHISHING = "<a href='https://evil.example/login' style='position:fixed;inset:0'>Sign in again</a>"


def _page(monkeypatch, page: str, folder, **query) -> AppTest:
    monkeypatch.setenv("HOTSPOT_DATA", str(folder))
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _bad_dataset(tmp_path):
    """A dataset whose hotspot file repeats an id that is a link with full-screen styling."""
    folder = small_dataset(tmp_path / "data")
    path = folder / "hotspots.geojson"
    data = json.loads(path.read_text())
    for feature in data["features"]:
        feature["properties"]["hotspot_id"] = PHISHING
    path.write_text(json.dumps(data))
    return folder


def _html(at: AppTest) -> str:
    return " ".join(element.proto.body for element in at.get("html"))


def test_briefing_error_from_a_file_is_escaped_html(monkeypatch, tmp_path):
    folder = _bad_dataset(tmp_path)
    at = _page(monkeypatch, "pages/briefing.py", folder)
    assert not at.exception
    html = _html(at)
    assert "is used more than once" in html
    assert "<a href" not in html and "&lt;a href=" in html


def test_briefing_error_shows_no_server_path(monkeypatch, tmp_path):
    at = _page(monkeypatch, "pages/briefing.py", tmp_path / "nowhere")
    html = _html(at)
    assert "dataset folder not found" in html
    assert str(tmp_path) not in html


@pytest.mark.parametrize(
    "period", ["![x](//evil.example/t.png)", "[Sign in](https://evil.example)", ":material/lock:"]
)
def test_period_in_the_link_is_shown_as_text(monkeypatch, sample_dir, period):
    from geo.view.shown import (
        markdown_text,
    )

    at = _page(monkeypatch, "app.py", sample_dir, period=period)
    warning = next(w.value for w in at.warning if "Ignoring the period" in w.value)
    if not period.startswith(":"):  # the part before the first ':' is quoted, escaped
        assert markdown_text(period.split(":")[0]) in warning
    for markup in ("](", "![", ":material/"):  # each only with a backslash before it
        assert re.search(r"(?<!\\)" + re.escape(markup), warning) is None


def test_map_page_error_shows_no_server_path(monkeypatch, tmp_path):
    at = _page(monkeypatch, "app.py", tmp_path / "nowhere")
    assert at.error and all(str(tmp_path) not in shown(e.value) for e in at.error)


def test_data_page_shows_no_server_path(monkeypatch, tmp_path):
    folder = small_dataset(tmp_path / "data")
    at = _page(monkeypatch, "app.py", folder)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    texts = [shown(c.value) for c in at.caption] + [shown(e.value) for e in at.error]
    assert texts and all(str(tmp_path) not in t for t in texts)
