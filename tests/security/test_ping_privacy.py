"""Item: officer ids are personal data. A ping file's refusal names where the problem is (file,
row, column) and never quotes the row, which would put a raw officer id on the page, in the
terminal and in the audit log; a stored ping file, pseudonymised, is readable by its owner only."""

from __future__ import annotations

import json
import os
import stat

import pytest

from geo.app.imports import import_files
from geo.cli import main
from geo.errors import HotspotDataError
from geo.io.pings import Officers, read_pings
from geo.store.folder.audit import AUDIT_FILE
from geo.store.pseudonyms import KEY_ENV
from tests.pings_helpers import ping_file

HEADER = "officer_id,timestamp,longitude,latitude,accuracy_m,unit,role\n"
GOOD = "PC 1,2025-01-01T09:00Z,-1.4,53.2,,,\n"
OFFICER = "DC 4471 Smith"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (f"{OFFICER},2025-01-01T10:00Z,-1.4,53.2,,,,extra", None),  # a value too many
        (f"{OFFICER},2025-01-01T10:00Z", "longitude"),  # values missing
        (f'{OFFICER},"2025-01-01T10:00Z,-1.4,53.2,,,', "longitude"),  # a quote left open
        (f"2025-01-01T10:00Z,{OFFICER},-1.4,53.2,,,", "timestamp"),  # columns swapped
        (f"PC 1,2025-01-01T10:00Z,{OFFICER},53.2,,,", "longitude"),
        (f"PC 1,2025-01-01T10:00Z,-1.4,53.2,,,{OFFICER}", "role"),
        (f"PC 1,2025-01-01T10:00Z,-1.4,53.2,,4471 Smith,{OFFICER}", "role"),
    ],
)
def test_a_refusal_names_row_and_column_and_never_quotes_the_row(tmp_path, row, column):
    path = tmp_path / "pings.csv"
    path.write_text(HEADER + GOOD * 3 + row + "\n")
    with pytest.raises(HotspotDataError) as refused:
        list(read_pings(path, Officers(), label="pings.csv"))
    error = refused.value
    assert (error.path, error.row, error.column) == ("pings.csv", 5, column)
    assert "4471" not in str(error) and "Smith" not in str(error)
    assert "2025-01-01" not in str(error)  # nothing else of the row either


def test_an_import_refused_for_a_bad_row_shows_and_logs_no_officer_id(
    tmp_path, ping_folder, monkeypatch, capsys
):
    monkeypatch.delenv(KEY_ENV, raising=False)
    bad = tmp_path / "in" / "bad.csv"
    bad.parent.mkdir()
    bad.write_text(HEADER + GOOD + f"{OFFICER},2025-10-06T10:00Z,-1.4,53.2,,,,extra\n")
    assert main(["import", "--data", str(ping_folder), "pings", str(bad)]) == 2
    shown = capsys.readouterr().err
    assert "bad.csv, row 3" in shown and "4471" not in shown
    logged = (ping_folder / AUDIT_FILE).read_text()
    assert json.loads(logged)["result"] == "refused"  # the refusal is logged, the id is not
    assert "4471" not in logged and "Smith" not in logged


def test_stored_ping_files_are_readable_by_their_owner_only(tmp_path, ping_folder, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    before = os.umask(0o022)  # the usual umask: files are made readable by everyone
    try:
        import_files(ping_folder, "pings", [ping_file(tmp_path / "in" / "october.csv")])
    finally:
        os.umask(before)
    stored = ping_folder / "pings" / "2025-10" / "october.csv"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
