"""Items: a dataset folder that is a mount point (network share), and an import interrupted
between renames, found when the dataset is next loaded."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import geo.store.folder.writes as folder_writes
from geo.app.imports import import_files
from geo.app.load import load_dataset
from tests.conftest import ROOT
from tests.helpers import (
    force_counts,
    kill_a_commit_half_way,
    month_rows,
    small_dataset,
    write_street_csv,
)


def _can_mount() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True
    )
    return probe.returncode == 0


def test_import_into_a_folder_that_is_a_mount_point(tmp_path):
    """A tmpfs mounted on the dataset folder, in a private mount namespace: every rename between
    the folder and anything beside it would fail with EXDEV."""
    if not _can_mount():
        pytest.skip("unshare -rm (a private mount namespace) is not permitted here")
    source = small_dataset(tmp_path / "source")
    mounted = tmp_path / "share"
    mounted.mkdir()
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 5))
    script = (
        f"mount -t tmpfs none {mounted} && cp -r {source}/. {mounted} && "
        f"{sys.executable} -m geo import --data {mounted} crimes {new} && "
        f"ls {mounted}/crimes/2024-02"
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "2024-02-test-street.csv" in done.stdout


def test_every_rename_stays_inside_the_dataset_folder(tmp_path, monkeypatch):
    """The same, anywhere: a rename that crosses the folder's edge fails as across devices."""
    from geo.store.folder.writes import LOCK_FILE

    dataset = small_dataset(tmp_path / "data")
    inside = str(dataset.resolve())
    real_rename = os.rename

    def same_device_only(src, dst):
        if not (str(src).startswith(inside) and str(dst).startswith(inside)):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_rename(src, dst)

    monkeypatch.setattr(folder_writes.os, "rename", same_device_only)
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 5))
    import_files(dataset, "crimes", [new])
    assert force_counts(dataset)["2024-02"] == (5, 5)
    assert (dataset / LOCK_FILE).is_file()
    assert not list(tmp_path.glob(".data.*"))  # nothing written beside the folder


def _killed_half_way(dataset: Path, tmp_path: Path, monkeypatch) -> None:
    kill_a_commit_half_way(dataset, tmp_path, monkeypatch)


def _files(folder: Path) -> dict[str, bytes]:
    """The dataset's own files (hidden caches and bookkeeping left out)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def test_an_interrupted_import_is_undone_on_load_and_said(tmp_path, monkeypatch):
    from geo.store.folder.writes import RECOVERY_NOTE

    dataset = small_dataset(tmp_path / "data")
    before, counts = _files(dataset), force_counts(dataset)
    _killed_half_way(dataset, tmp_path, monkeypatch)
    assert _files(dataset) != before  # the month is missing until the journal is undone
    loaded = load_dataset(dataset)
    assert _files(dataset) == before
    assert force_counts(dataset) == counts
    assert loaded.notes and "an import was interrupted" in loaded.notes[0]
    assert "last complete data" in loaded.notes[0]
    assert load_dataset(dataset).notes == loaded.notes  # said until the next import completes
    new = write_street_csv(tmp_path / "in2" / "2024-02-test-street.csv", month_rows("2024-02", 1))
    import_files(dataset, "crimes", [new])
    assert load_dataset(dataset).notes == ()
    assert not (dataset / RECOVERY_NOTE).exists()


def test_the_briefing_command_reports_the_recovery(tmp_path, monkeypatch, capsys):
    from geo.cli import main

    dataset = small_dataset(tmp_path / "data")
    baseline = dataset / "crimes" / "2023-01" / "2023-01-test-street.csv"
    write_street_csv(baseline, month_rows("2023-01", 2, 1))  # a year before: a change to show
    _killed_half_way(dataset, tmp_path, monkeypatch)
    out = tmp_path / "b.png"
    assert (
        main(["briefing", "--data", str(dataset), "--period", "2024-01:2024-01", "--out", str(out)])
        == 0
    )
    assert "note: an import was interrupted" in capsys.readouterr().err


def test_an_import_reports_what_it_undid_first(tmp_path, monkeypatch):
    dataset = small_dataset(tmp_path / "data")
    _killed_half_way(dataset, tmp_path, monkeypatch)
    new = write_street_csv(tmp_path / "in2" / "2024-02-test-street.csv", month_rows("2024-02", 1))
    _staged, result = import_files(dataset, "crimes", [new])
    assert result.lines[0].startswith("an import was interrupted; it was undone")


def test_the_map_page_says_an_interrupted_import_was_undone(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    dataset = small_dataset(tmp_path / "data")
    _killed_half_way(dataset, tmp_path, monkeypatch)
    monkeypatch.setenv("HOTSPOT_DATA", str(dataset))
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert any("An import was interrupted" in w.value for w in at.warning)
    assert any("last complete data" in w.value for w in at.warning)
