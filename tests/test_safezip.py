"""geo.io.safezip: zip entries that leave the folder, caps on entries and on bytes read."""

from __future__ import annotations

import zipfile

import pytest

from geo.errors import HotspotDataError
from geo.io.safezip import SafeZip, open_zip
from tests.helpers import (
    zip_bytes,
)


@pytest.mark.parametrize(
    "name", ["../x-street.csv", "a/../../x-street.csv", "/abs/x-street.csv", "..\\x-street.csv",
             "D:/x-street.csv", "\\\\server\\x-street.csv"],
)  # fmt: skip
def test_zip_names_that_leave_the_folder_are_refused(tmp_path, name):
    path = tmp_path / "a.zip"
    path.write_bytes(zip_bytes({name: b"x"}))
    with pytest.raises(HotspotDataError, match="points outside the folder"):
        open_zip(path)


def test_zip_caps_on_entries_and_expanded_size(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(zip_bytes({f"{i}-street.csv": b"0" * 1000 for i in range(20)}))
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
