"""The warm start: the map page's imports and caches filled before the first visitor comes."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import pages._common
from geo.analysis.dataset import Dataset
from pages._warm_start import FIRST_PAGE, page_imports, warm
from tests.conftest import ROOT
from tools.app_probes import counting


def test_page_imports_are_read_from_the_top_level_of_the_source(tmp_path: Path):
    page = tmp_path / "page.py"
    page.write_text(
        "from __future__ import annotations\n"
        "import json, os.path\n"
        "from geo.period import Period\n"
        "from . import sibling\n"
        "def later():\n"
        "    import sqlite3\n"
    )
    assert page_imports(page) == ["json", "os.path", "geo.period"]


def test_the_map_page_imports_are_the_pages_own():
    modules = page_imports(FIRST_PAGE)
    assert "pages._map_frame" in modules and "pages._common" in modules


def _first_visit(monkeypatch, folder: Path) -> tuple[int, int]:
    """Run the map page once; how often it read the dataset and evaluated a period."""
    monkeypatch.setenv("HOTSPOT_DATA", str(folder))
    with (
        counting(pages._common, "load_dataset") as reads,
        counting(Dataset, "table") as tables,
    ):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Hotspot patrol map"
    return len(reads), len(tables)


def test_warm_up_fills_the_caches_the_first_visit_reads(monkeypatch, tmp_path: Path):
    from geo.sample import write_sample

    folder = tmp_path / "warmed"
    write_sample(folder)
    monkeypatch.setenv("HOTSPOT_DATA", str(folder))
    warm()
    assert _first_visit(monkeypatch, folder) == (0, 0)


def test_without_the_warm_up_the_first_visit_reads_and_evaluates(monkeypatch, tmp_path: Path):
    from geo.sample import write_sample

    folder = tmp_path / "cold"
    write_sample(folder)
    reads, tables = _first_visit(monkeypatch, folder)
    assert reads == 1 and tables >= 1


def test_a_dataset_that_cannot_be_read_is_left_for_the_page(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("HOTSPOT_DATA", str(tmp_path / "missing"))
    warm()  # no exception: the page says what is wrong


def test_a_component_module_is_left_to_the_page_but_what_it_imports_is_loaded():
    # streamlit_folium declares its component on import, which registers only inside a page
    # run: imported earlier, the data page's preview map would never be served
    import subprocess
    import sys

    code = (
        "import sys; from pages._warm_start import ROOT, import_page_modules; "
        "import_page_modules(ROOT / 'pages' / 'data.py'); "
        "print('streamlit_folium' in sys.modules, 'folium.plugins' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["False", "True"]


def test_the_server_runs_on_the_compiled_http_parser_and_event_loop():
    """Streamlit's server (uvicorn) parses HTTP with httptools and runs on uvloop when they are
    installed; with h11 and asyncio the hundred-odd scripts of a first page load came slower
    (the first hotspot painted about 0.3 s later, README "First paint")."""
    from streamlit.web.bootstrap import _get_uvloop_loop_factory
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"
    assert _get_uvloop_loop_factory() is not None
