"""geo.store.postgres.places: each near point's hotspots, rings and control areas, worked out
at import with the app's own test, give a load the folder's figures with no point tested."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import psycopg
import pytest
import shapely.affinity

from geo.app.load import load_dataset
from tests.postgres_support import assert_same_figures, cli, import_ok, load_placed, month_files

pytestmark = pytest.mark.postgres

_TABLES = ("placed_points", "point_places", "comparison_counts")


def _places(url: str) -> dict[str, list]:
    """What the store holds of placed points and comparison squares."""
    with psycopg.connect(url) as connection:
        return {t: sorted(connection.execute(f"SELECT * FROM {t}")) for t in _TABLES}


def _placed_again(url: str) -> dict[str, list]:
    """The places worked out from scratch for every point (as a new set of hotspots does)."""
    from geo.store.postgres.places import refresh_places

    with psycopg.connect(url) as connection:
        refresh_places(connection.cursor(), None)
        placed = {t: sorted(connection.execute(f"SELECT * FROM {t}")) for t in _TABLES}
        connection.rollback()
    return placed


def _own_copy(own_data: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    return folder


def test_month_imports_place_new_points_as_placing_every_point_does(
    capsys, own_data, pg_url, tmp_path
):
    folder = _own_copy(own_data, tmp_path)
    months = month_files(folder)
    hotspots = gpd.read_file(folder / "hotspots.geojson")
    lines = months[-1].read_text().splitlines(keepends=True)
    centre = hotspots.geometry.iloc[0].representative_point()  # a point no month had
    header = lines[0].split(",")
    lon, lat = header.index("Longitude"), header.index("Latitude")
    for i in range(1, len(lines), 7):
        cells = lines[i].split(",")
        cells[lon], cells[lat] = f"{centre.x + i * 1e-7:.6f}", f"{centre.y:.6f}"
        lines[i] = ",".join(cells)
    months[-1].write_text("".join(lines))
    import_ok(capsys, pg_url, "hotspots", folder / "hotspots.geojson")
    import_ok(capsys, pg_url, "patrols", folder / "patrols.csv")
    import_ok(capsys, pg_url, "crimes", *months[:-1])
    before = _places(pg_url)["placed_points"]
    import_ok(capsys, pg_url, "crimes", months[-1])
    placed = _places(pg_url)
    assert len(placed["placed_points"]) > len(before)
    assert placed == _placed_again(pg_url)
    assert_same_figures(load_dataset(folder), load_placed(pg_url))


def test_new_overlapping_hotspots_are_placed_again(capsys, own_data, pg_url, tmp_path):
    folder = _own_copy(own_data, tmp_path)
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    hotspots = gpd.read_file(folder / "hotspots.geojson")
    shifted = hotspots.iloc[:3].copy()
    shifted["geometry"] = [  # half a hotspot east: overlapping the hotspot it comes from
        shapely.affinity.translate(g.envelope, (g.bounds[2] - g.bounds[0]) / 2)
        for g in shifted.geometry
    ]
    shifted["hotspot_id"] = [f"{i}-east" for i in shifted["hotspot_id"]]
    wider = gpd.GeoDataFrame(
        [*hotspots.to_dict("records"), *shifted.to_dict("records")], crs=hotspots.crs
    )
    wider.to_file(folder / "hotspots.geojson")
    import_ok(capsys, pg_url, "hotspots", folder / "hotspots.geojson")
    from_folder, from_pg = load_dataset(folder), load_placed(pg_url)
    overlap = from_folder.counts.membership.groupby("point")["hotspot_id"].nunique()
    assert (overlap > 1).any()  # some crimes lie in two hotspots: counted once in the programme
    assert_same_figures(from_folder, from_pg)


def test_a_store_made_before_is_placed_by_db_upgrade_and_loads_the_same_meanwhile(
    capsys, own_data, pg_url
):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    with psycopg.connect(pg_url) as connection:
        for table in _TABLES:
            connection.execute(f"DELETE FROM {table}")
        connection.execute("UPDATE store_state SET placed_ring_m = NULL")
    reference = load_dataset(own_data)
    assert_same_figures(reference, load_dataset(pg_url))  # the points tested at load, as before
    with pytest.raises(AssertionError, match="tested points"):
        load_placed(pg_url)
    status, _, err = cli(capsys, "db", "upgrade", "--data", pg_url)
    assert status == 0, err
    assert_same_figures(reference, load_placed(pg_url))


def test_an_app_with_narrower_rings_tests_the_points_itself(capsys, own_data, pg_url, monkeypatch):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    monkeypatch.setenv("HOTSPOT_RING_M", "120")
    with pytest.raises(AssertionError, match="tested points"):
        load_placed(pg_url)  # the places are for the store's 200 m rings
    narrower = load_dataset(pg_url)
    assert narrower.areas.ring_m == 120
    assert_same_figures(load_dataset(own_data), narrower)
