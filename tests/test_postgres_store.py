"""The PostgreSQL + PostGIS store against the folder store: same figures, lossless copies, imports
that replace and never double, and app instances that see each other's imports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from geo.cli import main
from geo.errors import HotspotDataError
from geo.store.dataset import dataset_version, load_dataset, location
from geo.store.postgres import DatabaseUrl, is_database_url, redacted

pytestmark = pytest.mark.postgres

PERIOD = "2025-10:2026-09"


def cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    """Run `python -m geo` in this process: status, stdout, stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_same_figures(folder_data, pg_data) -> None:
    """Every frame the pages compute figures from is equal in both datasets."""
    pd.testing.assert_frame_equal(folder_data.counts.force, pg_data.counts.force)
    for name in ("counts", "rings", "covered"):
        a = folder_data.counts if name == "counts" else getattr(folder_data.areas, name)
        b = pg_data.counts if name == "counts" else getattr(pg_data.areas, name)
        pd.testing.assert_frame_equal(a.hotspot, b.hotspot)
        pd.testing.assert_frame_equal(a.programme(), b.programme())
    pd.testing.assert_frame_equal(folder_data.areas.control, pg_data.areas.control)
    pd.testing.assert_frame_equal(folder_data.patrols, pg_data.patrols)
    assert list(folder_data.hotspots["hotspot_id"]) == list(pg_data.hotspots["hotspot_id"])
    assert folder_data.hotspots.geometry.geom_equals_exact(pg_data.hotspots.geometry, 0).all()


def test_url_is_recognised_and_password_hidden():
    assert is_database_url("postgresql://u@h/db") and not is_database_url(Path("data"))
    assert isinstance(location("postgres://h/db"), DatabaseUrl)
    assert location("data/sample") == Path("data/sample")
    assert redacted("postgresql://ann:secret@db.example:5433/x") == (
        "postgresql://ann:***@db.example:5433/x"
    )


def test_copy_into_database_gives_the_folders_figures(capsys, sample_dir, pg_url):
    status, _, err = cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    assert status == 0, err
    _, from_folder, _ = cli(capsys, "summary", "--data", str(sample_dir), "--period", PERIOD)
    _, from_pg, _ = cli(capsys, "summary", "--data", pg_url, "--period", PERIOD)
    assert from_pg == from_folder and from_folder.count("\n") > 10
    assert_same_figures(load_dataset(sample_dir), load_dataset(pg_url))


def test_copy_back_gives_the_same_files(capsys, sample_dir, pg_url, tmp_path):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    back = tmp_path / "back"
    status, _, err = cli(capsys, "db", "copy", "--from", pg_url, "--to", str(back))
    assert status == 0, err
    originals = sorted((sample_dir / "crimes").rglob("*-street.csv"))
    copies = sorted((back / "crimes").rglob("*-street.csv"))
    assert [p.relative_to(sample_dir) for p in originals] == [p.relative_to(back) for p in copies]
    for original, copy in zip(originals, copies):
        assert copy.read_bytes() == original.read_bytes(), copy
    assert (back / "patrols.csv").read_bytes() == (sample_dir / "patrols.csv").read_bytes()
    _, from_folder, _ = cli(capsys, "summary", "--data", str(sample_dir), "--period", PERIOD)
    _, from_back, _ = cli(capsys, "summary", "--data", str(back), "--period", PERIOD)
    assert from_back == from_folder


def test_copy_refuses_a_database_that_holds_data(capsys, sample_dir, pg_url):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    version = dataset_version(pg_url)
    status, _, err = cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    assert status == 2 and "already holds a dataset" in err
    assert dataset_version(pg_url) == version


def _month_files(sample_dir: Path) -> list[Path]:
    return sorted((sample_dir / "crimes").rglob("*-street.csv"))


def _import(capsys, url: str, kind: str, *files: Path) -> str:
    status, out, err = cli(capsys, "import", "--data", url, kind, *map(str, files))
    assert status == 0, err
    return out


def test_imports_build_the_same_dataset_and_a_month_is_replaced_not_doubled(
    capsys, sample_dir, pg_url
):
    _import(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
    _import(capsys, pg_url, "patrols", sample_dir / "patrols.csv")
    months = _month_files(sample_dir)
    _import(capsys, pg_url, "crimes", *months)
    again = _import(capsys, pg_url, "crimes", months[3])
    assert "replaced" in again
    with psycopg.connect(pg_url) as connection:
        held = connection.execute(
            "SELECT count(*), count(DISTINCT (month, reported_by)) FROM crime_files"
        ).fetchone()
        rows = connection.execute("SELECT count(*) FROM crimes").fetchone()[0]
        log = connection.execute("SELECT kind, rows FROM import_log ORDER BY import_id").fetchall()
    assert held == (len(months), len(months))
    assert rows == sum(len(p.read_text().splitlines()) - 1 for p in months)
    assert [k for k, _ in log] == ["hotspots", "patrols", "crimes", "crimes"]
    assert_same_figures(load_dataset(sample_dir), load_dataset(pg_url))


def test_a_bad_file_leaves_the_store_as_it_was(capsys, sample_dir, pg_url, tmp_path):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    version = dataset_version(pg_url)
    bad = tmp_path / "2026-09-derbyshire-street.csv"
    lines = _month_files(sample_dir)[-1].read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if ",-1." in line)
    lines[at] = lines[at].replace(",-1.", ",east of -1.", 1)
    bad.write_text("\n".join(lines) + "\n")
    status, _, err = cli(capsys, "import", "--data", pg_url, "crimes", str(bad))
    assert status == 2 and f"row {at + 1}" in err and "Traceback" not in err
    unknown = tmp_path / "patrols.csv"
    unknown.write_text(
        "hotspot_id,start,end,officers,arrests,engagements\n"
        "NOPE,2026-01-01T10:00,2026-01-01T11:00,2,0,1\n"
    )
    status, _, err = cli(capsys, "import", "--data", pg_url, "patrols", str(unknown))
    assert status == 2 and "NOPE" in err
    assert dataset_version(pg_url) == version


def test_a_second_instance_sees_an_import_at_its_next_refresh(capsys, sample_dir, pg_url):
    months = _month_files(sample_dir)
    _import(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
    _import(capsys, pg_url, "crimes", *months[:-1])
    first = load_dataset(pg_url)  # instance A's cached dataset
    key = dataset_version(pg_url)  # instance B's cache key before its import
    assert key == first.version
    _import(capsys, pg_url, "crimes", months[-1])  # through instance B
    assert dataset_version(pg_url) != key  # instance A's refresh sees a new version ...
    reloaded = load_dataset(pg_url)  # ... and reloads
    assert len(reloaded.counts.months) == len(first.counts.months) + 1
    assert str(reloaded.last_month) == months[-1].parent.name


def test_wider_rings_than_the_database_counts_are_refused_until_recounted(
    capsys, sample_dir, pg_url, monkeypatch
):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    monkeypatch.setenv("HOTSPOT_RING_M", "400")
    with pytest.raises(HotspotDataError, match="--ring-m 400"):
        load_dataset(pg_url)
    status, _, err = cli(capsys, "db", "upgrade", "--data", pg_url, "--ring-m", "400")
    assert status == 0, err
    assert_same_figures(load_dataset(sample_dir), load_dataset(pg_url))


def test_an_unreachable_or_old_database_is_a_plain_message(capsys, pg_server):
    status, _, err = cli(
        capsys, "summary", "--data", "postgresql://nobody:pw@127.0.0.1:1/none", "--period", PERIOD
    )
    assert status == 2 and "cannot connect to the database" in err and "pw" not in err
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS hotspot_never_upgraded")
        admin.execute("CREATE DATABASE hotspot_never_upgraded")
    status, _, err = cli(
        capsys, "summary", "--data", f"{pg_server}/hotspot_never_upgraded", "--period", PERIOD
    )
    assert status == 2 and "db upgrade" in err


def test_real_derbyshire_figures_are_the_same_from_both_stores(
    capsys, shared_data, pg_url, tmp_path
):
    import geopandas as gpd

    wards = gpd.read_file(shared_data / "boundaries" / "derbyshire-wards-2013.geojson")
    hotspots = gpd.GeoDataFrame(
        {
            "hotspot_id": wards["WD13CD"],
            "name": wards["WD13NM"],
            "town": "",
        },
        geometry=wards.geometry,
        crs=wards.crs,
    )
    folder = tmp_path / "derbyshire"
    folder.mkdir()
    hotspots.to_file(folder / "hotspots.gpkg")
    (folder / "crimes").symlink_to(shared_data / "police-uk" / "derbyshire")
    status, _, err = cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    assert status == 0, err
    for period in ("2024-01:2024-12", "2023-07:2024-06"):
        _, from_folder, _ = cli(capsys, "summary", "--data", str(folder), "--period", period)
        _, from_pg, _ = cli(capsys, "summary", "--data", pg_url, "--period", period)
        assert from_pg == from_folder and from_folder.count("\n") == len(wards) + 1
    assert_same_figures(load_dataset(folder), load_dataset(pg_url))
    shutil.rmtree(folder / ".cache", ignore_errors=True)
