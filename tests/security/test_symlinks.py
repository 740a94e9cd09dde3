"""Item: symbolic links under crimes/: a loop, a month folder linked twice, a broken link."""

from __future__ import annotations

import os

import pytest

from geo.app.imports import import_files
from geo.app.load import dataset_version, load_dataset
from geo.errors import HotspotDataError
from tests.helpers import force_counts, month_rows, small_dataset, write_street_csv


@pytest.fixture
def dataset(tmp_path):
    return small_dataset(tmp_path / "data")


def test_a_link_looping_back_adds_nothing(dataset):
    counts = force_counts(dataset)
    os.symlink("..", dataset / "crimes" / "2024-01" / "loop")
    os.symlink(".", dataset / "crimes" / "self")
    assert force_counts(dataset) == counts
    assert dataset_version(dataset)


def test_a_month_folder_linked_twice_is_counted_once(dataset):
    counts = force_counts(dataset)
    os.symlink("2024-01", dataset / "crimes" / "2024-01-again")
    os.symlink(dataset / "crimes", dataset / "crimes-elsewhere")
    assert force_counts(dataset) == counts


def test_a_broken_link_is_named_not_a_traceback(dataset):
    os.symlink("/nonexistent/2024-02", dataset / "crimes" / "2024-02")
    with pytest.raises(HotspotDataError, match=r"2024-02: cannot be read") as caught:
        load_dataset(dataset)
    assert "a link to nothing" in str(caught.value)


def test_imports_still_work_with_a_loop_in_place(dataset, tmp_path):
    os.symlink("..", dataset / "crimes" / "2024-01" / "loop")
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 3))
    import_files(dataset, "crimes", [new])
    assert force_counts(dataset)["2024-02"] == (3, 3)
