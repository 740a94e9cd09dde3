"""geo.store.crime_months through imports: months added, replaced, split; forces kept apart."""

from __future__ import annotations

import zipfile

import pytest

from geo.app.imports import commit, import_files
from geo.app.load import load_dataset
from geo.errors import HotspotDataError
from geo.store.imports.check import check
from geo.store.imports.staged import InputFile
from tests.helpers import (
    FORCE,
    force_counts,
    month_rows,
    street_rows,
    tree,
    write_street_csv,
    zipped_shapefile,
)

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
    shapefile = zipped_shapefile(tmp_path)
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
