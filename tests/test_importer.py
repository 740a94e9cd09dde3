"""geo.store.importer and geo.io.safezip: check → commit, months replaced, atomic, locked."""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from geo.errors import HotspotDataError
from geo.io.crimes import read_crimes
from geo.io.safezip import SafeZip, open_zip
from geo.store import importer
from geo.store.dataset import load_dataset
from geo.store.folder_writes import LOCK_FILE, RECOVERY_NOTE, lock, recover
from geo.store.importer import (
    InputFile,
    check,
    check_uploads,
    commit,
    import_files,
)
from geo.view.preview import preview_map
from geo.view.tiles import tile_source
from tests.helpers import FORCE, square_hotspots, street_rows, write_patrols, write_street_csv

A = (-1.36, 53.01, -1.35, 53.02)
B = (-1.34, 53.01, -1.33, 53.02)
IN_A, IN_B = (-1.355, 53.015), (-1.335, 53.015)


def tree(folder: Path) -> str:
    """A digest of every path and every byte below `folder` (and whether it exists)."""
    digest = hashlib.sha256(str(folder.exists()).encode())
    kept = (LOCK_FILE, RECOVERY_NOTE)  # the import's own hidden bookkeeping, not dataset files
    for path in sorted(p for p in folder.rglob("*") if p.name not in kept):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes() if path.is_file() else b"/")
    return digest.hexdigest()


def month_rows(month: str, n_a: int, n_b: int = 0, missing: int = 0) -> list[tuple]:
    return (
        [(month, *IN_A, "Anti-social behaviour")] * n_a
        + [(month, *IN_B, "Burglary")] * n_b
        + [(month, None, None, "Drugs")] * missing
    )


@pytest.fixture
def dataset(tmp_path) -> Path:
    return small_dataset(tmp_path / "data")


def small_dataset(folder: Path) -> Path:
    """A small valid dataset: hotspots A and B, January 2024, and a patrol log."""
    folder.mkdir()
    square_hotspots(folder / "hotspots.geojson", {"A": A, "B": B})
    write_street_csv(
        folder / "crimes" / "2024-01" / "2024-01-test-street.csv", month_rows("2024-01", 3, 2)
    )
    write_patrols(folder / "patrols.csv", [("A", "2024-01-02T10:00", "2024-01-02T11:00", 2, 1, 7)])
    return folder


def force_counts(folder: Path) -> dict[str, tuple[int, int]]:
    counts = load_dataset(folder).counts.force
    return {
        str(pd.Period(ordinal=int(m), freq="M")): (int(r.crime), int(r.asb))
        for m, r in counts.iterrows()
    }


# checks outputs: crimes


def test_new_month_is_added_in_police_uk_layout(dataset, tmp_path):
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 4))
    _staged, result = import_files(dataset, "crimes", [new])
    assert (dataset / "crimes/2024-02/2024-02-test-street.csv").read_bytes() == new.read_bytes()
    assert force_counts(dataset) == {"2024-01": (5, 3), "2024-02": (4, 4)}
    assert any("2024-02" in line for line in result.lines)


def test_reimporting_a_month_replaces_it_wherever_it_was(dataset, tmp_path):
    # the month already there sits in a flat file with another name: found by its rows
    old = dataset / "crimes" / "2024-01" / "2024-01-test-street.csv"
    old.rename(dataset / "crimes" / "january-street.csv")
    fresh = write_street_csv(tmp_path / "in" / "2024-01-test-street.csv", month_rows("2024-01", 7))
    for _ in range(2):
        _staged, result = import_files(dataset, "crimes", [fresh])
        assert force_counts(dataset) == {"2024-01": (7, 7)}
    # replaced where it was (the user's own layout is kept), and nowhere else
    assert (dataset / "crimes" / "january-street.csv").read_bytes() == fresh.read_bytes()
    assert [p.name for p in (dataset / "crimes").rglob("*.csv")] == ["january-street.csv"]
    assert "replaces 7 rows already there" in " ".join(result.lines)


def test_same_month_of_another_force_is_kept(dataset, tmp_path):
    other = tmp_path / "in" / "2024-01-other-street.csv"
    rows = street_rows(month_rows("2024-01", 2))
    text = "\n".join(",".join(r) for r in rows).replace(FORCE, "Other Police")
    other.parent.mkdir()
    header = (dataset / "crimes/2024-01/2024-01-test-street.csv").read_text().splitlines()[0]
    other.write_text(header + "\n" + text + "\n")
    import_files(dataset, "crimes", [other])
    assert force_counts(dataset) == {"2024-01": (7, 5)}
    assert (dataset / "crimes/2024-01/2024-01-other-street.csv").is_file()


def test_a_file_of_several_months_is_split_by_month(dataset, tmp_path):
    several = write_street_csv(
        tmp_path / "in" / "year-street.csv",
        month_rows("2024-01", 1) + month_rows("2024-02", 2) + month_rows("2024-03", 0, 3),
    )
    staged, _ = import_files(dataset, "crimes", [several])
    assert sorted(p.month for p in staged.crimes) == ["2024-01", "2024-02", "2024-03"]
    assert force_counts(dataset) == {"2024-01": (1, 1), "2024-02": (2, 2), "2024-03": (3, 0)}
    assert (dataset / "crimes/2024-03/2024-03-test-street.csv").is_file()


def test_an_existing_file_of_several_months_keeps_the_months_not_imported(dataset, tmp_path):
    (dataset / "crimes" / "2024-01" / "2024-01-test-street.csv").unlink()
    write_street_csv(
        dataset / "crimes" / "both-street.csv", month_rows("2024-01", 1) + month_rows("2024-02", 2)
    )
    fresh = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 5))
    import_files(dataset, "crimes", [fresh])
    assert force_counts(dataset) == {"2024-01": (1, 1), "2024-02": (5, 5)}
    assert not (dataset / "crimes" / "both-street.csv").exists()


def test_police_uk_archive_and_the_same_month_twice_in_one_import(dataset, tmp_path):
    feb = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 2))
    archive = tmp_path / "in" / "police.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(feb, "2024-02/2024-02-test-street.csv")
        zipped.writestr("2024-02/2024-02-test-outcomes.csv", "Crime ID,Month\n")
    staged, _ = import_files(dataset, "crimes", [archive, feb])
    assert force_counts(dataset)["2024-02"] == (2, 2)
    assert [w.message for w in staged.warnings if "imported once" in w.message]


def test_a_zip_made_on_a_mac_imports_without_its_resource_forks(dataset, tmp_path):
    feb = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 2))
    archive = tmp_path / "in" / "police.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(feb, "police/2024-02/2024-02-test-street.csv")
        zipped.writestr("__MACOSX/police/2024-02/._2024-02-test-street.csv", b"\x00\x05\x16\x07")
    import_files(dataset, "crimes", [archive])
    assert force_counts(dataset)["2024-02"] == (2, 2)
    shapefile = _zipped_shapefile(tmp_path)
    with zipfile.ZipFile(shapefile, "a") as zipped:
        zipped.writestr("__MACOSX/hotspots/._hotspots.shp", b"\x00\x05\x16\x07")
    import_files(dataset, "hotspots", [shapefile])
    assert list(load_dataset(dataset).hotspots["hotspot_id"]) == ["A", "B"]


def test_the_same_month_with_different_rows_in_one_import_is_an_error(dataset, tmp_path):
    one = write_street_csv(tmp_path / "a" / "2024-02-test-street.csv", month_rows("2024-02", 2))
    two = write_street_csv(tmp_path / "b" / "2024-02-test-street.csv", month_rows("2024-02", 3))
    before = tree(dataset)
    with pytest.raises(HotspotDataError, match=r"2024-02 of Test Constabulary is also in"):
        import_files(dataset, "crimes", [one, two])
    assert tree(dataset) == before


def test_rows_without_coordinates_are_counted_and_reported(dataset, tmp_path):
    new = write_street_csv(
        tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 2, missing=3)
    )
    staged, _ = import_files(dataset, "crimes", [new])
    (warning,) = [w for w in staged.warnings if "no coordinates" in w.message]
    assert warning.message.startswith("3 of 5 rows of 2024-02")
    assert load_dataset(dataset).counts.force["no_location"].sum() == 3


def test_utf8_with_byte_order_mark_is_read(dataset, tmp_path):
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 2))
    new.write_bytes(b"\xef\xbb\xbf" + new.read_bytes())
    import_files(dataset, "crimes", [new])
    assert force_counts(dataset)["2024-02"] == (2, 2)


def test_one_bad_file_among_good_ones_imports_nothing(dataset, tmp_path):
    good = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 2))
    bad = write_street_csv(tmp_path / "in" / "2024-03-test-street.csv", month_rows("2024-13", 1))
    before = tree(dataset)
    staged = check(dataset, crimes=[InputFile.of(good), InputFile.of(bad)])
    assert [e.file for e in staged.errors] == [str(bad)]
    with pytest.raises(HotspotDataError, match=r"'2024-13' is not a month"):
        commit(staged, dataset)
    assert tree(dataset) == before


# checks outputs: hotspots


def _hotspot_frame(crs="EPSG:4326") -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"hotspot_id": ["A", "B"], "name": ["Market Place", "Park"], "town": ["Heanor"] * 2,
         "started": ["2024-01-01", None]},
        geometry=[box(*A), box(*B)], crs="EPSG:4326",
    )  # fmt: skip
    return frame.to_crs(crs)


def _zipped_shapefile(tmp_path: Path) -> Path:
    folder = tmp_path / "shp"
    folder.mkdir()
    _hotspot_frame("EPSG:27700").to_file(folder / "hotspots.shp")
    archive = tmp_path / "hotspots.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in folder.iterdir():
            zipped.write(part, f"hotspots/{part.name}")
    return archive


@pytest.mark.parametrize("kind", ["geojson", "gpkg-bng", "kml", "zip-bng"])
def test_hotspots_in_every_format_become_one_geojson(dataset, tmp_path, kind):
    (dataset / "hotspots.geojson").rename(dataset / "hotspots.gpkg.old")
    _hotspot_frame().to_file(dataset / "hotspots.kml", driver="KML")  # an older format, replaced
    (dataset / "hotspots.gpkg.old").unlink()
    if kind == "zip-bng":
        path = _zipped_shapefile(tmp_path)
    else:
        suffix, crs, driver = {
            "geojson": ("geojson", "EPSG:4326", "GeoJSON"),
            "gpkg-bng": ("gpkg", "EPSG:27700", "GPKG"),
            "kml": ("kml", "EPSG:4326", "KML"),
        }[kind]
        path = tmp_path / f"new.{suffix}"
        _hotspot_frame(crs).to_file(path, driver=driver)
    import_files(dataset, "hotspots", [path])
    assert sorted(p.name for p in dataset.glob("hotspots.*")) == ["hotspots.geojson"]
    loaded = load_dataset(dataset).hotspots
    assert list(loaded["hotspot_id"]) == ["A", "B"]
    assert str(loaded["started"].iloc[0].date()) == "2024-01-01"
    assert loaded.geometry.iloc[0].normalize().equals_exact(box(*A).normalize(), tolerance=1e-6)


def test_a_self_intersecting_polygon_is_repaired_and_reported(dataset, tmp_path):
    bowtie = Polygon([(-1.36, 53.01), (-1.35, 53.02), (-1.35, 53.01), (-1.36, 53.02)])
    frame = _hotspot_frame()
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
    assert "replaces the whole patrol log of 1 visits" in " ".join(result.lines)
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
    with pytest.raises(HotspotDataError, match="generated sample dataset"):
        import_files(sample_dir, "crimes", [crimes])
    assert tree(sample_dir) == before


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


# atomic commits and locks


def test_a_failure_half_way_through_a_commit_is_undone(dataset, tmp_path, monkeypatch):
    files = [
        write_street_csv(
            tmp_path / "in" / f"2024-0{m}-test-street.csv", month_rows(f"2024-0{m}", m)
        )
        for m in (1, 2, 3)
    ]
    staged = check(dataset, crimes=[InputFile.of(f) for f in files])
    before = tree(dataset)
    real_rename, calls = os.rename, []

    def failing_rename(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_rename(src, dst)

    monkeypatch.setattr(importer.os, "rename", failing_rename)
    with pytest.raises(HotspotDataError, match="the import failed and was undone"):
        commit(staged, dataset)
    monkeypatch.setattr(importer.os, "rename", real_rename)
    assert tree(dataset) == before
    assert not list(dataset.glob(".import-*"))


def test_an_import_killed_half_way_is_rolled_back_by_the_next_one(dataset, tmp_path, monkeypatch):
    new = write_street_csv(tmp_path / "in" / "2024-01-test-street.csv", month_rows("2024-01", 9))
    staged = check(dataset, crimes=[InputFile.of(new)], patrols=None)
    before = tree(dataset)
    real_rename, calls = os.rename, []

    def dying_rename(src, dst):  # the old file is moved aside, then the process "dies"
        calls.append(dst)
        if len(calls) == 2:
            raise SystemExit("killed")
        real_rename(src, dst)

    monkeypatch.setattr(importer.os, "rename", dying_rename)
    with pytest.raises(SystemExit):
        commit(staged, dataset)
    monkeypatch.setattr(importer.os, "rename", real_rename)
    assert tree(dataset) != before  # the month is missing: the journal is what brings it back
    assert recover(dataset.resolve())
    assert tree(dataset) == before
    commit(staged, dataset)
    assert force_counts(dataset) == {"2024-01": (9, 9)}


def test_a_second_import_waits_for_the_lock_then_gives_up_with_a_message(dataset, tmp_path):
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 1))
    staged = check(dataset, crimes=[InputFile.of(new)])
    before = tree(dataset)
    busy = pytest.raises(HotspotDataError, match="another import into this dataset is running")
    with lock(dataset.resolve()), busy:
        commit(staged, dataset, lock_timeout=0.3)
    assert tree(dataset) == before
    assert (dataset / LOCK_FILE).is_file()  # inside the folder: every host sharing it sees it


def test_concurrent_imports_of_the_same_month_leave_it_once(dataset, tmp_path):
    files = [
        write_street_csv(tmp_path / f"in{i}" / "2024-02-test-street.csv", month_rows("2024-02", 4))
        for i in range(4)
    ]
    errors = []

    def run(path):
        try:
            import_files(dataset, "crimes", [path])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert force_counts(dataset)["2024-02"] == (4, 4)
    assert len(list((dataset / "crimes").rglob("2024-02*.csv"))) == 1


# zips from outside


def _zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name", ["../x-street.csv", "a/../../x-street.csv", "/abs/x-street.csv", "..\\x-street.csv",
             "D:/x-street.csv", "\\\\server\\x-street.csv"],
)  # fmt: skip
def test_zip_names_that_leave_the_folder_are_refused(tmp_path, name):
    path = tmp_path / "a.zip"
    path.write_bytes(_zip_bytes({name: b"x"}))
    with pytest.raises(HotspotDataError, match="points outside the folder"):
        open_zip(path)


def test_zip_caps_on_entries_and_expanded_size(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(_zip_bytes({f"{i}-street.csv": b"0" * 1000 for i in range(20)}))
    with pytest.raises(HotspotDataError, match="holds 20 entries; archives of more than 10"):
        open_zip(path, max_members=10)
    with pytest.raises(HotspotDataError, match="expands to"):
        open_zip(path, max_expanded=10_000)
    archive = open_zip(path)
    counted = SafeZip(archive.path, archive.label, archive.members, max_expanded=2500)
    counted.read("0-street.csv")
    counted.read("1-street.csv")
    with pytest.raises(HotspotDataError, match=r"a.zip!2-street.csv: expands to more than"):
        counted.read("2-street.csv")  # bytes really read are counted, not only the headers


def test_zip_with_two_entries_of_one_name_is_refused(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive, pytest.warns(UserWarning):
        archive.writestr("2024-01-x-street.csv", b"a")
        archive.writestr("2024-01-x-street.csv", b"b")
    with pytest.raises(HotspotDataError, match="two entries named"):
        open_zip(path)


def test_crime_zip_caps_apply_through_the_importer(dataset, tmp_path):
    path = tmp_path / "police.zip"
    path.write_bytes(_zip_bytes({f"2024-0{i}/x-street.csv": b"0" * 100 for i in range(1, 4)}))
    _parts, findings = importer.check_crimes([InputFile.of(path)], max_members=2)
    assert "archives of more than 2 are refused" in findings[0].message


# the preview map


def test_preview_map_escapes_names_and_serves_leaflet_itself():
    frame = _hotspot_frame()
    frame.loc[0, "name"] = "<img src=x onerror=alert(1)>"
    frame["started"] = pd.to_datetime(frame["started"])
    html = preview_map(frame, tile_source("none")).get_root().render()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html.replace("\\u0026", "&")  # JSON-encoded
    sources = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"([^\"]+)\"", html)
    assert sources and all(s.startswith("/app/static/") for s in sources), sources


def test_read_back_after_import_matches_what_was_staged(dataset, tmp_path):
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 3, 1))
    staged, _ = import_files(dataset, "crimes", [new])
    (part,) = staged.crimes
    assert (part.rows, part.asb) == (4, 3)
    assert len(read_crimes([dataset / "crimes"])) == 5 + 4
