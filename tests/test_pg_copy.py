"""geo.store.copy: `db copy` from a folder into a database and back, losslessly."""

from __future__ import annotations

import shutil

import pytest

from geo.app.load import dataset_version, load_dataset
from tests.postgres_support import PERIOD, assert_same_figures, cli, load_placed, month_files

pytestmark = pytest.mark.postgres


def test_copy_into_database_gives_the_folders_figures(capsys, sample_dir, pg_url):
    status, _, err = cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    assert status == 0, err
    _, from_folder, _ = cli(capsys, "summary", "--data", str(sample_dir), "--period", PERIOD)
    _, from_pg, _ = cli(capsys, "summary", "--data", pg_url, "--period", PERIOD)
    assert from_pg == from_folder and from_folder.count("\n") > 10
    assert_same_figures(load_dataset(sample_dir), load_placed(pg_url))


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
    for name in ("patrols.csv", "SAMPLE.md"):
        assert (back / name).read_bytes() == (sample_dir / name).read_bytes()
    _, from_folder, _ = cli(capsys, "summary", "--data", str(sample_dir), "--period", PERIOD)
    _, from_back, _ = cli(capsys, "summary", "--data", str(back), "--period", PERIOD)
    assert from_back == from_folder


def test_a_copy_of_the_sample_is_marked_and_refuses_imports(capsys, sample_dir, pg_url):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    assert load_dataset(pg_url).is_sample
    version = dataset_version(pg_url)
    status, _, err = cli(
        capsys, "import", "--data", pg_url, "crimes", str(month_files(sample_dir)[0])
    )
    assert status == 2 and "generated sample" in err
    assert dataset_version(pg_url) == version


def test_copy_refuses_a_database_that_holds_data(capsys, sample_dir, pg_url):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    version = dataset_version(pg_url)
    status, _, err = cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    assert status == 2 and "already holds a dataset" in err
    assert dataset_version(pg_url) == version


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
    for period in ("2024-01:2024-12", "2024-03:2024-10"):
        status, from_folder, err = cli(capsys, "summary", "--data", str(folder), "--period", period)
        assert status == 0, err
        status, from_pg, err = cli(capsys, "summary", "--data", pg_url, "--period", period)
        assert status == 0, err
        assert from_pg == from_folder and from_folder.count("\n") == len(wards) + 1
        evaluated = [
            cli(capsys, "evaluate", "--data", data, "--period", period)
            for data in (str(folder), pg_url)
        ]
        assert evaluated[0][0] == 0 and evaluated[0] == evaluated[1]
    assert_same_figures(load_dataset(folder), load_placed(pg_url))
    back = tmp_path / "back"
    status, _, err = cli(capsys, "db", "copy", "--from", pg_url, "--to", str(back))
    assert status == 0, err
    originals = sorted((shared_data / "police-uk" / "derbyshire").glob("*-street.csv"))
    for original in originals:  # police.uk's own files, byte for byte
        copy = back / "crimes" / original.name[:7] / original.name
        assert copy.read_bytes() == original.read_bytes(), original.name
    assert len(list((back / "crimes").rglob("*.csv"))) == len(originals)


def test_control_areas_are_copied_and_counted_as_in_a_folder(capsys, own_data, pg_url, tmp_path):
    import geopandas as gpd

    folder = tmp_path / "with-control"
    shutil.copytree(own_data, folder)
    hotspots = gpd.read_file(folder / "hotspots.geojson")
    control = hotspots.iloc[:4].copy()
    control["geometry"] = control.geometry.translate(0.02, 0.01).envelope.scale(4, 4)
    control.to_file(folder / "control.geojson")
    status, _, err = cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    assert status == 0, err
    from_folder, from_pg = load_dataset(folder), load_placed(pg_url)
    assert from_pg.areas.control_source == "the control areas supplied"
    assert from_folder.areas.control["crime"].sum() > 0
    assert_same_figures(from_folder, from_pg)
    back = tmp_path / "back"
    cli(capsys, "db", "copy", "--from", pg_url, "--to", str(back))
    assert_same_figures(from_folder, load_dataset(back))
