"""geo.store.folder.writes: commits atomic, undone on failure, rolled back after a kill, locked."""

from __future__ import annotations

import os
import threading

import pytest

from geo.app.imports import commit, import_files
from geo.errors import HotspotDataError
from geo.store.folder import writes
from geo.store.folder.store import FolderStore
from geo.store.folder.writes import LOCK_FILE, lock, recover
from geo.store.imports.check import check
from geo.store.imports.staged import InputFile
from tests.helpers import (
    force_counts,
    kill_a_commit_half_way,
    month_rows,
    tree,
    write_street_csv,
)

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

    monkeypatch.setattr(writes.os, "rename", failing_rename)
    with pytest.raises(HotspotDataError, match="the import failed and was undone"):
        commit(staged, dataset)
    monkeypatch.setattr(writes.os, "rename", real_rename)
    assert tree(dataset) == before
    assert not list(dataset.glob(".import-*"))


def test_an_import_killed_half_way_is_rolled_back_by_the_next_one(dataset, tmp_path, monkeypatch):
    before = tree(dataset)
    staged = kill_a_commit_half_way(dataset, tmp_path, monkeypatch)
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
        commit(staged, FolderStore(dataset, lock_timeout=0.3))
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
