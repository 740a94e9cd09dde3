"""geo.store.imports: hotspots, patrols and the checks on every input before a commit."""

from __future__ import annotations

import re

import pytest
from shapely.geometry import Polygon, box

from geo.app.imports import commit, import_files
from geo.app.load import load_dataset
from geo.errors import HotspotDataError
from geo.io.crimes import read_crimes
from geo.store.imports.check import check
from geo.store.imports.crimes import check_crimes
from geo.store.imports.staged import InputFile
from geo.store.imports.uploads import check_uploads
from tests.helpers import (
    A,
    B,
    hotspot_frame,
    month_rows,
    square_hotspots,
    tree,
    write_patrols,
    write_street_csv,
    zip_bytes,
    zipped_shapefile,
)


@pytest.mark.parametrize("kind", ["geojson", "gpkg-bng", "kml", "zip-bng"])
def test_hotspots_in_every_format_become_one_geojson(dataset, tmp_path, kind):
    (dataset / "hotspots.geojson").rename(dataset / "hotspots.gpkg.old")
    hotspot_frame().to_file(dataset / "hotspots.kml", driver="KML")  # an older format, replaced
    (dataset / "hotspots.gpkg.old").unlink()
    if kind == "zip-bng":
        path = zipped_shapefile(tmp_path)
    else:
        suffix, crs, driver = {
            "geojson": ("geojson", "EPSG:4326", "GeoJSON"),
            "gpkg-bng": ("gpkg", "EPSG:27700", "GPKG"),
            "kml": ("kml", "EPSG:4326", "KML"),
        }[kind]
        path = tmp_path / f"new.{suffix}"
        hotspot_frame(crs).to_file(path, driver=driver)
    import_files(dataset, "hotspots", [path])
    assert sorted(p.name for p in dataset.glob("hotspots.*")) == ["hotspots.geojson"]
    loaded = load_dataset(dataset).hotspots
    assert list(loaded["hotspot_id"]) == ["A", "B"]
    assert str(loaded["started"].iloc[0].date()) == "2024-01-01"
    assert loaded.geometry.iloc[0].normalize().equals_exact(box(*A).normalize(), tolerance=1e-6)


def test_a_self_intersecting_polygon_is_repaired_and_reported(dataset, tmp_path):
    bowtie = Polygon([(-1.36, 53.01), (-1.35, 53.02), (-1.35, 53.01), (-1.36, 53.02)])
    frame = hotspot_frame()
    frame.loc[1, "geometry"] = bowtie
    path = tmp_path / "bowtie.geojson"
    frame.to_file(path, driver="GeoJSON")
    staged, _ = import_files(dataset, "hotspots", [path])
    (warning,) = staged.warnings
    assert (warning.file, warning.row, warning.column) == (str(path), 2, "geometry")
    assert "repaired" in warning.message
    loaded = load_dataset(dataset).hotspots
    assert len(loaded) == 2 and loaded.geometry.is_valid.all()
    assert loaded.to_crs("EPSG:27700").area.iloc[1] > 1000  # repaired, not dropped or emptied


def test_new_hotspots_must_keep_the_ids_the_patrol_log_names(dataset, tmp_path):
    only_b = square_hotspots(tmp_path / "b.geojson", {"B": B})
    before = tree(dataset)
    with pytest.raises(HotspotDataError, match=r"lacks 1 hotspot id.*'A'"):
        import_files(dataset, "hotspots", [only_b])
    assert tree(dataset) == before


def test_hotspots_and_patrols_together(dataset, tmp_path):
    only_b = square_hotspots(tmp_path / "b.geojson", {"B": B})
    log = write_patrols(
        tmp_path / "p.csv", [("B", "2024-01-05T10:00", "2024-01-05T12:00", 1, 0, 4)]
    )
    staged = check(dataset, hotspots=InputFile.of(only_b), patrols=InputFile.of(log))
    assert not staged.errors
    commit(staged, dataset)
    loaded = load_dataset(dataset)
    assert list(loaded.hotspots["hotspot_id"]) == ["B"]
    assert loaded.patrols["hours"].sum() == 2.0


# checks outputs: patrols


def test_patrol_log_replaces_the_whole_log(dataset, tmp_path):
    log = write_patrols(
        tmp_path / "p.csv",
        [("A", "2024-01-05T10:00", "2024-01-05T12:00", 1, 0, 4),
         ("B", "2024-01-06T10:00", "2024-01-06T11:00", 3, 2, 9)],
    )  # fmt: skip
    _, result = import_files(dataset, "patrols", [log])
    assert (dataset / "patrols.csv").read_bytes() == log.read_bytes()
    assert "replaces the whole patrol log of 1 visit" in " ".join(result.lines)
    assert load_dataset(dataset).patrols["arrests"].sum() == 2


def test_patrols_need_hotspots_to_check_against(tmp_path):
    log = write_patrols(
        tmp_path / "p.csv", [("A", "2024-01-05T10:00", "2024-01-05T12:00", 1, 0, 4)]
    )
    with pytest.raises(HotspotDataError, match="import hotspots together with the patrol log"):
        import_files(tmp_path / "new", "patrols", [log])
    assert not (tmp_path / "new").exists()


# checks inputs: the dataset folder, caps and encodings


def test_a_new_dataset_folder_is_created_on_commit(tmp_path):
    hotspots = square_hotspots(tmp_path / "h.geojson", {"A": A})
    import_files(tmp_path / "fresh", "hotspots", [hotspots])
    assert (tmp_path / "fresh" / "hotspots.geojson").is_file()


def test_the_sample_dataset_is_not_changed(sample_dir, tmp_path):
    crimes = write_street_csv(tmp_path / "2024-01-test-street.csv", month_rows("2024-01", 1))
    before = tree(sample_dir)
    with pytest.raises(HotspotDataError, match="generated sample dataset") as refused:
        import_files(sample_dir, "crimes", [crimes])
    assert tree(sample_dir) == before
    assert "delete SAMPLE.md from the copy" in str(refused.value)  # says how to adopt a copy


def test_files_over_the_size_cap_are_refused(dataset, tmp_path):
    big = write_street_csv(tmp_path / "2024-02-test-street.csv", month_rows("2024-02", 50))
    staged = check(dataset, crimes=[InputFile.of(big)], max_bytes=1000)
    assert re.search(r"is \d+ MB; files over 0 MB are refused", staged.errors[0].message)
    uploaded = check_uploads(dataset, crimes=[("big-street.csv", big.read_bytes())], max_bytes=1000)
    assert [e.file for e in uploaded.errors] == ["big-street.csv"]
    assert "uploads over" in uploaded.errors[0].message


def test_upload_messages_name_the_upload_not_a_temporary_path(dataset):
    staged = check_uploads(dataset, hotspots=("Our hotspots.geojson", b"not json"))
    (error,) = staged.errors
    assert error.file == "Our hotspots.geojson"
    assert "hotspot-upload" not in error.line()


def test_windows_1252_is_refused_with_how_to_fix(dataset, tmp_path):
    new = write_street_csv(tmp_path / "2024-02-test-street.csv", month_rows("2024-02", 2))
    new.write_bytes(new.read_bytes().replace(b"Market Place", "Café".encode("cp1252")))
    with pytest.raises(
        HotspotDataError, match=r"row 2: is not UTF-8 text.*re-save it as 'CSV UTF-8'"
    ):
        import_files(dataset, "crimes", [new])


def test_crime_zip_caps_apply_through_the_importer(dataset, tmp_path):
    path = tmp_path / "police.zip"
    path.write_bytes(zip_bytes({f"2024-0{i}/x-street.csv": b"0" * 100 for i in range(1, 4)}))
    _parts, findings = check_crimes([InputFile.of(path)], max_members=2)
    assert "archives of more than 2 are refused" in findings[0].message


def test_read_back_after_import_matches_what_was_staged(dataset, tmp_path):
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 3, 1))
    staged, _ = import_files(dataset, "crimes", [new])
    (part,) = staged.crimes
    assert (part.rows, part.asb) == (4, 3)
    assert len(read_crimes([dataset / "crimes"])) == 5 + 4


def test_import_warns_of_patrol_log_problems(tmp_path):
    from geo.store.imports.check import check
    from geo.store.imports.staged import InputFile
    from tests.pings_helpers import ping_dataset

    folder = ping_dataset(tmp_path / "data")
    twice = ("A", "2025-10-06T18:00", "2025-10-06T19:00", 1, 0, 2)
    path = write_patrols(tmp_path / "patrols.csv", [twice, twice])
    staged = check(folder, patrols=InputFile.of(path))
    assert not staged.errors
    assert any("same visit" in w.message and w.row == 2 for w in staged.warnings)
