"""geo.store.pg_pings: GPS pings imported into a database (all or nothing, pseudonymised, by
month) give the folder's visits, patrol hours and `geo dosage` figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pytest

from geo.store.dataset import dataset_version, load_dataset
from geo.store.pings_store import KEY_ENV
from tests.postgres_support import assert_same_figures, cli, import_ok, reading_role

pytestmark = pytest.mark.postgres

DOSAGE_PERIOD = "2025-01:2025-02"


@pytest.fixture(scope="module")
def ping_files(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two months of generated pings by officers patrolling the sample's hotspots."""
    from tools.bench_pings import PingSize, write_pings

    shapes = list(gpd.read_file(sample_dir / "hotspots.geojson").to_crs(27700).geometry)
    towns = np.array([[s.centroid.x, s.centroid.y] for s in shapes[::6]])
    folder = write_pings(
        tmp_path_factory.mktemp("pings"), PingSize(24_000, 2, 8), shapes, towns, seed=5
    )
    return sorted(folder.glob("*.csv"))


def _same_visits(folder_data, pg_data) -> None:
    """The GPS visits and what reading the pings counted are the same."""
    assert folder_data.gps is not None and pg_data.gps is not None
    pd.testing.assert_frame_equal(folder_data.gps.visits, pg_data.gps.visits)
    assert folder_data.gps.stats == pg_data.gps.stats
    assert len(pg_data.gps.visits) > 0


def test_pings_in_a_database_give_the_folders_visits_dosage_and_figures(
    capsys, monkeypatch, own_data, pg_url, ping_files, tmp_path
):
    monkeypatch.setenv(KEY_ENV, "a test key of enough length")
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    import_ok(capsys, str(folder), "pings", *ping_files)
    out = import_ok(capsys, pg_url, "pings", *ping_files)
    assert out.count("added") == len(ping_files)
    from_folder, from_pg = load_dataset(folder), load_dataset(pg_url)
    _same_visits(from_folder, from_pg)
    assert_same_figures(from_folder, from_pg)
    assert from_pg.patrol_source_sentence == from_folder.patrol_source_sentence
    outputs = []
    for location in (str(folder), pg_url):
        status, table, err = cli(capsys, "dosage", "--data", location, "--period", DOSAGE_PERIOD)
        assert status == 0, err
        outputs.append(table)
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == len(from_pg.hotspots) + 1
    with psycopg.connect(pg_url) as connection:
        partitions = connection.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'pings'::regclass"
        ).fetchone()[0]
        stored, officers = connection.execute(
            "SELECT count(*), count(DISTINCT officer) FROM pings"
        ).fetchone()
        plain = connection.execute("SELECT count(*) FROM pings WHERE officer LIKE 'PC %'")
        assert plain.fetchone()[0] == 0  # pseudonyms only
    assert partitions == len(ping_files)
    assert stored == from_pg.gps.stats.rows - from_pg.gps.stats.no_fix and officers == 8
    again = import_ok(capsys, pg_url, "pings", ping_files[0])  # replaced, never doubled
    assert "replaced" in again
    _same_visits(from_folder, load_dataset(pg_url))


def test_other_visit_rules_are_worked_out_from_the_stored_pings(
    capsys, monkeypatch, own_data, pg_url, ping_files, tmp_path
):
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    import_ok(capsys, str(folder), "pings", *ping_files)
    import_ok(capsys, pg_url, "pings", *ping_files)
    default = load_dataset(pg_url).gps.visits
    monkeypatch.setenv("HOTSPOT_PING_TOLERANCE_M", "60")
    monkeypatch.setenv("HOTSPOT_PING_MAX_ACCURACY_M", "12")
    wider = load_dataset(pg_url)
    assert len(wider.gps.visits) != len(default)
    _same_visits(load_dataset(folder), wider)


def test_a_new_set_of_hotspots_recounts_the_pings(
    capsys, monkeypatch, own_data, pg_url, ping_files, tmp_path
):
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    import_ok(capsys, pg_url, "pings", *ping_files)
    hotspots = gpd.read_file(folder / "hotspots.geojson")
    moved = hotspots.iloc[::-1].reset_index(drop=True)  # the same outlines in another order
    moved.to_file(folder / "hotspots.geojson")
    import_ok(capsys, pg_url, "hotspots", folder / "hotspots.geojson")
    import_ok(capsys, str(folder), "pings", *ping_files)
    _same_visits(load_dataset(folder), load_dataset(pg_url))


def test_a_bad_ping_file_leaves_the_store_as_it_was(capsys, own_data, pg_url, ping_files, tmp_path):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    version = dataset_version(pg_url)
    bad = tmp_path / "bad.csv"
    lines = ping_files[1].read_text().splitlines()
    lines[40] = lines[40].replace(",-1.", ",west of -1.", 1)
    bad.write_text("\n".join(lines) + "\n")
    status, _, err = cli(capsys, "import", "--data", pg_url, "pings", str(ping_files[0]), str(bad))
    assert status == 2 and "bad.csv" in err and "row 41" in err and "Traceback" not in err
    assert dataset_version(pg_url) == version
    with psycopg.connect(pg_url) as connection:
        held = connection.execute(
            "SELECT (SELECT count(*) FROM ping_files), (SELECT count(*) FROM pseudonym_key)"
        ).fetchone()
    assert held == (0, 0)


def test_the_stored_key_keeps_pseudonyms_and_app_roles_need_neither_key_nor_pings(
    capsys, monkeypatch, own_data, pg_url, ping_files
):
    monkeypatch.delenv(KEY_ENV, raising=False)
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    import_ok(capsys, pg_url, "pings", ping_files[0])
    import_ok(capsys, pg_url, "pings", ping_files[1])
    with psycopg.connect(pg_url) as connection:
        files, officers = connection.execute(
            "SELECT count(DISTINCT file_id), count(DISTINCT officer) FROM pings"
        ).fetchone()
    assert (files, officers) == (2, 8)  # one key for both months: the 8 officers, not more
    reference = load_dataset(pg_url)
    hidden = ("pings", "pseudonym_key", "crimes")
    with reading_role(pg_url, "hotspot_no_pings_test", without=hidden) as reader:
        from_reader = load_dataset(reader)
        pd.testing.assert_frame_equal(reference.gps.visits, from_reader.gps.visits)
        assert_same_figures(reference, from_reader)


def test_a_folder_with_pings_is_copied_into_a_database_and_back_byte_for_byte(
    capsys, monkeypatch, own_data, pg_url, ping_files, tmp_path
):
    monkeypatch.delenv(KEY_ENV, raising=False)
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    import_ok(capsys, str(folder), "pings", *ping_files)
    status, _, err = cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    assert status == 0, err
    from_folder, from_pg = load_dataset(folder), load_dataset(pg_url)
    _same_visits(from_folder, from_pg)
    assert_same_figures(from_folder, from_pg)
    back = tmp_path / "back"
    status, _, err = cli(capsys, "db", "copy", "--from", pg_url, "--to", str(back))
    assert status == 0, err
    stored = sorted(p.relative_to(folder) for p in (folder / "pings").rglob("*.csv"))
    assert stored == sorted(p.relative_to(back) for p in (back / "pings").rglob("*.csv"))
    for name in [*stored, Path(".pseudonym-key")]:
        assert (back / name).read_bytes() == (folder / name).read_bytes(), name
    assert len(stored) == len(ping_files)
    extra = tmp_path / "later.csv"  # a later import through the database ...
    shutil.copy(ping_files[0], extra)
    import_ok(capsys, pg_url, "pings", extra)
    import_ok(capsys, str(folder), "pings", extra)  # ... gives the pseudonyms the folder's key does
    _same_visits(load_dataset(folder), load_dataset(pg_url))
