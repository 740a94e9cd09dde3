"""Item: the database password shown. A dataset location (`HOTSPOT_DATA`, `--data`) may carry a
password in any form libpq reads; with the database unreachable, the CLI's messages and every
page must still never show it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import traceback

import pytest
from streamlit.testing.v1 import AppTest

from geo.errors import HotspotDataError
from geo.store.postgres.connection import connect
from tests.conftest import ROOT
from tests.helpers import month_rows, run_map_page, write_street_csv

SECRET = "Sesame42"
"""In every form's password, as written and percent-decoded."""
FORMS = {
    "user part": "postgresql://hotspot:Sesame42@127.0.0.1:{port}/hotspots",
    "postgres scheme": "postgres://hotspot:Sesame42@127.0.0.1:{port}/hotspots",
    "query": "postgresql://hotspot@127.0.0.1:{port}/hotspots?password=Sesame42",
    "query, later, any case, encoded": (
        "postgresql://hotspot@127.0.0.1:{port}/hotspots?sslmode=disable&PassWord=Open%20Sesame42"
    ),
    "user part with a space": "postgresql://hotspot:Open Sesame42@127.0.0.1:{port}/hotspots",
    "key=value": "host=127.0.0.1 port={port} password='Open Sesame42' dbname=hotspots",
}


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: a connection to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _geo(cwd, *args: str) -> subprocess.CompletedProcess:
    """`python -m geo ARGS` run in `cwd` (a key=value location read as a folder stays there)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("verb", ["db status", "summary", "import"])
def test_the_cli_never_shows_the_password(tmp_path, closed_port, form, verb):
    location = FORMS[form].format(port=closed_port)
    extra = {
        "db status": [],
        "summary": ["--period", "2024-01:2024-12"],
        "import": ["crimes", str(write_street_csv(tmp_path / "c.csv", month_rows("2024-01", 2)))],
    }[verb]
    run = _geo(tmp_path, *verb.split(), "--data", location, *extra)
    assert "Traceback" not in run.stderr, run.stderr
    assert SECRET not in run.stdout + run.stderr, run.stdout + run.stderr


@pytest.mark.parametrize("form", FORMS)
def test_a_failed_connections_traceback_never_shows_the_password(closed_port, form):
    with pytest.raises(HotspotDataError) as caught, connect(FORMS[form].format(port=closed_port)):
        pass
    logged = "".join(traceback.format_exception(caught.value))  # as a server's log writes it
    assert "cannot connect to the database" in logged
    assert SECRET not in logged, logged


def _rendered(at: AppTest) -> str:
    """Every element of the page, main area and sidebar, as its message holds it."""
    texts = []

    def walk(node) -> None:
        texts.append(str(getattr(node, "proto", "")))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(texts)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("page", ["pages/explore.py", "pages/briefing.py", "pages/data.py"])
def test_no_page_shows_the_password(monkeypatch, closed_port, form, page):
    at = run_map_page(monkeypatch, FORMS[form].format(port=closed_port))
    if page != "pages/explore.py":
        at.switch_page(page).run()
    rendered = _rendered(at)
    assert not at.exception, rendered
    assert at.error or "wall-sub" in rendered  # the problem is said, on the wall in its html
    assert SECRET not in rendered, rendered
