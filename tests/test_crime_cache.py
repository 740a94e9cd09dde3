"""The Parquet cache of a dataset's crime files: same frames, rebuilt only for what changed."""

import os

import pandas as pd
import pytest

import geo.io.crime_cache as crime_cache
from geo.app.load import dataset_version, load_dataset
from geo.errors import HotspotDataError
from geo.io.crime_cache import CACHE_DIR, read_crimes_cached
from geo.io.crimes import CrimeSource, read_crimes
from tests.helpers import square_hotspots, write_street_csv

ROWS = [
    ("2024-01", -1.355, 53.015, "Anti-social behaviour"),
    ("2024-01", -1.335, 53.015, "Burglary"),
    ("2024-01", None, None, "Drugs"),
]


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    square_hotspots(folder / "hotspots.geojson", {"A": (-1.36, 53.01, -1.35, 53.02)})
    write_street_csv(folder / "crimes" / "2024-01" / "2024-01-test-street.csv", ROWS)
    write_street_csv(
        folder / "crimes" / "2024-02" / "2024-02-test-street.csv",
        [(m.replace("01", "02"), *rest) for m, *rest in ROWS] * 2,
    )
    return folder


@pytest.fixture
def parsed(monkeypatch):
    """The source files the cache had to parse, in the order their parses began (two files are
    read at once, so the first two may come either way round)."""
    seen: list[str] = []
    original = crime_cache.read_crime_file

    def counting(source: CrimeSource, *args):
        seen.append(source.path.name)
        return original(source, *args)

    monkeypatch.setattr(crime_cache, "read_crime_file", counting)
    return seen


def _cached(folder):
    return read_crimes_cached(folder, [folder / "crimes"])


def _cache_files(folder):
    return sorted(p.name for p in (folder / CACHE_DIR).rglob("*.parquet"))


# checks outputs


def test_a_cache_hit_gives_the_same_frame_as_reading_the_csvs(dataset, parsed):
    first = _cached(dataset)
    second = _cached(dataset)
    fresh = read_crimes([dataset / "crimes"])
    pd.testing.assert_frame_equal(first, fresh)
    pd.testing.assert_frame_equal(second, fresh)
    assert sorted(parsed) == ["2024-01-test-street.csv", "2024-02-test-street.csv"]  # once each
    assert _cache_files(dataset) == ["2024-01-test-street.csv.parquet",
                                     "2024-02-test-street.csv.parquet"]  # fmt: skip


def test_a_changed_file_is_read_again_alone(dataset, parsed):
    _cached(dataset)
    changed = dataset / "crimes" / "2024-02" / "2024-02-test-street.csv"
    write_street_csv(changed, [("2024-02", -1.355, 53.015, "Anti-social behaviour")])
    info = changed.stat()
    os.utime(changed, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    again = _cached(dataset)
    assert parsed[2:] == ["2024-02-test-street.csv"]
    pd.testing.assert_frame_equal(again, read_crimes([dataset / "crimes"]))
    assert len(again) == 4


def test_a_touched_file_is_read_again(dataset, parsed):
    _cached(dataset)
    touched = dataset / "crimes" / "2024-01" / "2024-01-test-street.csv"
    info = touched.stat()
    os.utime(touched, ns=(info.st_atime_ns, info.st_mtime_ns + 1))
    _cached(dataset)
    assert parsed[2:] == ["2024-01-test-street.csv"]


def test_a_new_month_is_the_only_file_parsed(dataset, parsed):
    _cached(dataset)
    write_street_csv(dataset / "crimes" / "2024-03" / "2024-03-test-street.csv", ROWS[:1])
    assert len(_cached(dataset)) == 3 + 6 + 1
    assert parsed[2:] == ["2024-03-test-street.csv"]


def test_a_corrupt_cache_file_is_ignored_and_rebuilt(dataset, parsed):
    expected = _cached(dataset)
    (cached,) = (dataset / CACHE_DIR).rglob("2024-01-test-street.csv.parquet")
    cached.write_bytes(b"PAR1 not really parquet")
    pd.testing.assert_frame_equal(_cached(dataset), expected)
    assert parsed[2:] == ["2024-01-test-street.csv"]
    pd.testing.assert_frame_equal(_cached(dataset), expected)
    assert len(parsed) == 3  # rebuilt file is used the next time


def test_a_removed_file_takes_its_cache_with_it(dataset):
    _cached(dataset)
    (dataset / "crimes" / "2024-01" / "2024-01-test-street.csv").unlink()
    assert len(_cached(dataset)) == 6
    assert _cache_files(dataset) == ["2024-02-test-street.csv.parquet"]


def test_a_cache_that_cannot_be_written_does_not_stop_reading(dataset, parsed):
    (dataset / CACHE_DIR).write_text("a file where the cache folder would go")
    pd.testing.assert_frame_equal(_cached(dataset), read_crimes([dataset / "crimes"]))
    _cached(dataset)
    assert len(parsed) == 4  # nothing cached: parsed every time, no error


def test_writing_the_cache_does_not_change_the_dataset_version(dataset):
    before = dataset_version(dataset)
    load_dataset(dataset)
    assert _cache_files(dataset)
    assert dataset_version(dataset) == before


def test_no_temporary_files_are_left_behind(dataset):
    _cached(dataset)
    leftovers = [p for p in (dataset / CACHE_DIR).rglob("*") if p.is_file()]
    assert all(p.suffix == ".parquet" for p in leftovers)


# checks inputs


def test_a_bad_file_is_refused_by_name_and_not_cached(dataset):
    bad = write_street_csv(dataset / "crimes" / "2024-03" / "2024-03-bad-street.csv",
                           [("2024-13", -1.355, 53.015, "Drugs")])  # fmt: skip
    with pytest.raises(HotspotDataError, match=r"2024-03-bad-street.csv, row 2.*not a month"):
        _cached(dataset)
    assert f"{bad.name}.parquet" not in _cache_files(dataset)
