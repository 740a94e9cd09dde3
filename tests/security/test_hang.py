"""Item: a GeoPackage that hangs GDAL; upload checks run outside the server process."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time

import pytest

from geo.errors import HotspotDataError
from geo.io.hotspots import read_hotspots
from geo.store.imports.uploads import check_uploads
from tests.conftest import ROOT
from tests.helpers import small_dataset
from tests.security.attacks import geopackage_with_endless_view

CHECK = """
import sys
from pathlib import Path
from geo.store.imports.uploads import check_uploads
data, gpkg = Path(sys.argv[1]), Path(sys.argv[2])
staged = check_uploads(data, hotspots=("hotspots.gpkg", gpkg.read_bytes()))
print(staged.errors[0].message if staged.errors else "accepted")
"""


def test_geopackage_whose_layer_is_an_endless_view_is_refused_at_once(tmp_path):
    """Run as the page would, in its own process: before the fix it never returned."""
    data = small_dataset(tmp_path / "data")
    gpkg = geopackage_with_endless_view(tmp_path / "hotspots.gpkg")
    assert gpkg.stat().st_size < 200 * 1024
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHECK, str(data), str(gpkg)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("checking the GeoPackage did not finish in 120 s")
    assert "holds a view ('hotspots')" in done.stdout, done.stderr[-2000:]
    assert time.monotonic() - started < 120


def test_endless_view_is_refused_when_the_dataset_is_loaded(tmp_path):
    gpkg = geopackage_with_endless_view(tmp_path / "hotspots.gpkg")
    with pytest.raises(HotspotDataError, match="holds a view"):
        read_hotspots(gpkg)


@pytest.mark.parametrize(
    "sql,message",
    [
        ("CREATE VIRTUAL TABLE sneaky USING fts5(x)", "virtual table ('sneaky')"),
        ("CREATE VIEW gpkg_extensions_view AS SELECT 1", "holds a view"),
    ],
)
def test_geopackage_with_virtual_tables_or_any_view_is_refused(tmp_path, sql, message):
    import geopandas as gpd
    from shapely.geometry import box

    path = tmp_path / "h.gpkg"
    gpd.GeoDataFrame(
        {"hotspot_id": ["A"], "name": ["A"]}, geometry=[box(0, 50, 0.001, 50.001)], crs=4326
    ).to_file(path, driver="GPKG")
    with sqlite3.connect(path) as db:
        db.execute(sql)
    with pytest.raises(HotspotDataError, match=re.escape(message)):
        read_hotspots(path)


def test_page_check_of_hotspots_runs_outside_the_server_process(tmp_path, monkeypatch):
    """A hang in GDAL during an upload check must not pin the server: the check is isolated."""
    import geo.store.imports.hotspots as hotspot_checks

    seen = []
    real = hotspot_checks.run_isolated
    monkeypatch.setattr(
        hotspot_checks, "run_isolated", lambda *a, **k: seen.append(a[0]) or real(*a, **k)
    )
    data = small_dataset(tmp_path / "data")
    staged = check_uploads(data, hotspots=("h.geojson", (data / "hotspots.geojson").read_bytes()))
    assert not staged.errors and seen == ["geo.store.imports.hotspots:hotspot_content"]
