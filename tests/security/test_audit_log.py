"""Item: the audit log replaced by something that is not a file. A named pipe in its place made
every import wait for ever for a reader (opening a pipe to write blocks), holding the page or the
command; a pipe with a reader swallowed the entries. Either is refused at once, the dataset
unchanged, with a message saying what is wrong with the log."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from geo.app.imports import commit
from geo.errors import HotspotDataError
from geo.store.folder.audit import AUDIT_FILE
from geo.store.imports.check import check
from geo.store.imports.staged import InputFile
from tests.conftest import ROOT
from tests.helpers import month_rows, small_dataset, tree, write_street_csv

PROMPTLY_S = 120
"""Generous: the import takes a few seconds; one that waits on the pipe never ends."""


@pytest.fixture
def dataset(tmp_path):
    return small_dataset(tmp_path / "data")


def test_an_audit_log_that_is_a_pipe_refuses_the_import_at_once(dataset, tmp_path):
    os.mkfifo(dataset / AUDIT_FILE)
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 4))
    before = tree(dataset)
    command = [sys.executable, "-m", "geo", "import", "--data", str(dataset), "crimes", str(new)]
    try:
        run = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=PROMPTLY_S, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the import still waited on the pipe after {PROMPTLY_S} s")
    assert run.returncode == 2
    assert f"cannot write the audit log {AUDIT_FILE} (it is not a regular file" in run.stderr
    assert tree(dataset) == before


def test_an_audit_log_that_is_a_pipe_being_read_is_refused_too(dataset, tmp_path):
    os.mkfifo(dataset / AUDIT_FILE)
    reader = os.open(dataset / AUDIT_FILE, os.O_RDONLY | os.O_NONBLOCK)  # someone listening
    try:
        new = write_street_csv(
            tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 4)
        )
        staged = check(dataset, crimes=[InputFile.of(new)])
        before = tree(dataset)
        with pytest.raises(HotspotDataError, match="it is not a regular file"):
            commit(staged, dataset)
        assert tree(dataset) == before
        assert os.read(reader, 4096) == b""  # nothing was written to the pipe
    finally:
        os.close(reader)
