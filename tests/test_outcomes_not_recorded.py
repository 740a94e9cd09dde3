"""GPS pings and no patrol log: hours come from GPS, but arrests and people spoken to are recorded
by nothing, so every surface leaves them missing (words, blanks, nulls), never 0: the tiles, the
hotspot detail, the wall, the PDF, the CSV download, `geo summary` and the monthly return."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis.figures import NO_PATROL_LOG
from geo.analysis.outcomes import NOT_RECORDED, NOT_RECORDED_WHY
from geo.app.imports import import_files
from geo.app.load import load_dataset
from geo.period import Period
from geo.store.pseudonyms import KEY_ENV
from geo.view.briefing import briefing_page, headlines
from geo.view.briefing_file import render
from geo.view.export import plain_table, table_csv
from tests.conftest import ROOT
from tests.helpers import run_map_page
from tests.pings_helpers import PING_MONTH, ping_dataset, ping_file

OUTCOMES = ("Arrests", "People spoken to")


def _with_pings(folder, tmp_path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(KEY_ENV, raising=False)
        import_files(folder, "pings", [ping_file(tmp_path / "in" / "october.csv")])


@pytest.fixture(scope="module")
def gps_only(tmp_path_factory):
    """Hotspots A and B with GPS pings of October 2025 and no patrols.csv."""
    root = tmp_path_factory.mktemp("gps-only")
    folder = ping_dataset(root / "data")
    _with_pings(folder, root)
    (folder / "patrols.csv").unlink()
    return folder


def test_hours_come_from_gps_and_outcomes_are_missing(gps_only):
    dataset = load_dataset(gps_only)
    period = Period.parse(PING_MONTH)
    table = dataset.table(period).set_index("hotspot_id")
    assert table.loc["A", "officer_hours"] > 0 and table.loc["A", "visits"] == 2
    assert table[["arrests", "engagements"]].isna().all().all()
    figures = briefing_page(dataset, period).figures
    assert figures.officer_hours > 0
    assert figures.arrests != figures.arrests and figures.engagements != figures.engagements


def test_tiles_and_hotspot_detail_say_not_recorded(monkeypatch, gps_only):
    at = run_map_page(monkeypatch, gps_only, period=PING_MONTH, hotspot="A")
    assert not at.exception
    shown = {}
    for metric in at.metric:
        shown.setdefault(metric.label, []).append(metric.value)
    for label in OUTCOMES:  # the tile and the hotspot's own figure
        assert shown[label] == [NOT_RECORDED, NOT_RECORDED], label
    assert shown["Officer patrol hours"] == ["1"]  # 50 minutes of GPS visits
    assert shown["Officer hours"] == ["1"]


def test_wall_says_not_recorded(monkeypatch, gps_only):
    monkeypatch.setenv("HOTSPOT_DATA", str(gps_only))
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / "pages" / "briefing.py"), default_timeout=120)
    at.query_params["period"] = PING_MONTH
    at.run()
    assert not at.exception
    html = next(e.proto.body for e in at.get("html") if "wall-headlines" in e.proto.body)
    assert html.count(NOT_RECORDED_WHY) == 2
    assert "during hotspot patrols" not in html and ">0<" not in html


def test_briefing_headlines_and_pdf_say_not_recorded(gps_only):
    page = briefing_page(load_dataset(gps_only), Period.parse(PING_MONTH))
    items = {item.label: item for item in headlines(page.figures, page.evaluation)}
    for label in OUTCOMES:
        assert (items[label].value, items[label].detail) == ("—", NOT_RECORDED_WHY)
        assert items[label].missing == NOT_RECORDED
    assert items["Officer patrol hours"].value == "1"
    text = pypdf.PdfReader(io.BytesIO(render(page, "pdf"))).pages[0].extract_text()
    assert text.count(NOT_RECORDED_WHY) == 2 and "during hotspot patrols" not in text


def test_csv_download_leaves_outcomes_empty(gps_only):
    dataset = load_dataset(gps_only)
    period = Period.parse(PING_MONTH)
    table = dataset.table(period)  # the page's table and its download, as the page makes them
    rows = list(csv.DictReader(io.StringIO(table_csv(plain_table(table, period)).decode())))
    assert len(rows) == 2 and rows[0]["Patrol visits"] == "2"
    assert all(row[label] == "" for row in rows for label in OUTCOMES)


def test_summary_json_gives_null_outcomes(gps_only):
    run = subprocess.run(
        [sys.executable, "-m", "geo", "summary", "--data", str(gps_only), "--period", PING_MONTH,
         "--format", "json"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    records = {r["hotspot_id"]: r for r in json.loads(run.stdout)}
    assert records["A"]["visits"] == 2 and records["A"]["officer_hours"] > 0
    assert all(r["arrests"] is None and r["engagements"] is None for r in records.values())
    assert f"{NO_PATROL_LOG}: arrests and engagements are empty" in run.stderr


def test_monthly_return_leaves_outcomes_blank(gps_only, tmp_path):
    out = tmp_path / "return.csv"
    run = subprocess.run(
        [sys.executable, "-m", "geo", "return", "--data", str(gps_only), "--month", "2025-10",
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    rows = list(csv.DictReader(lines[lines.index("") + 1 :]))
    assert rows[0]["Visits"] == "2"
    assert all(row[label] == "" for row in rows for label in OUTCOMES)


def test_with_a_patrol_log_gps_keeps_its_outcomes(ping_folder, tmp_path):
    _with_pings(ping_folder, tmp_path)
    dataset = load_dataset(ping_folder)
    page = briefing_page(dataset, Period.parse(PING_MONTH))
    table = page.table.set_index("hotspot_id")
    assert (table.loc["A", "arrests"], table.loc["B", "engagements"]) == (3, 4)
    assert (page.figures.arrests, page.figures.engagements) == (4, 15)
    items = {item.label: item for item in headlines(page.figures, page.evaluation)}
    assert (items["Arrests"].value, items["People spoken to"].value) == ("4", "15")
