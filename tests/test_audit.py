"""The dataset's audit log (geo.store.folder.audit): every commit, by whom, which files, rows,
result."""

from __future__ import annotations

import hashlib
import json

import pytest

from geo.access import Actor, os_user
from geo.app.imports import commit
from geo.cli import main
from geo.errors import HotspotDataError
from geo.store.folder.audit import (
    AUDIT_FILE,
    IMPORTED,
    REFUSED,
    AuditLog,
    audit_table,
    entry,
    read_entries,
)
from geo.store.folder.store import FolderStore
from geo.store.folder.writes import lock
from geo.store.imports.check import check
from geo.store.imports.staged import InputFile
from tests.helpers import month_rows, small_dataset, tree, write_street_csv


@pytest.fixture
def dataset(tmp_path):
    return small_dataset(tmp_path / "data")


def _lines(folder) -> list[dict]:
    return [json.loads(line) for line in (folder / AUDIT_FILE).read_text().splitlines()]


def test_a_command_line_import_records_the_account_files_checksums_rows_and_result(
    dataset, tmp_path
):
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 4))
    assert main(["import", "--data", str(dataset), "crimes", str(new)]) == 0
    (record,) = _lines(dataset)
    assert record["who"] == os_user()
    assert record["how"] == "command line"
    assert record["result"] == IMPORTED
    assert record["files"] == [
        {
            "name": str(new),
            "sha256": hashlib.sha256(new.read_bytes()).hexdigest(),
            "bytes": new.stat().st_size,
        }
    ]
    assert record["rows"] == {"crime rows": 4}
    assert any("crimes/2024-02/2024-02-test-street.csv" in d for d in record["detail"])
    assert record["time"].endswith("Z") and record["time"][:4].isdigit()


def test_the_log_is_appended_to_and_a_refused_commit_is_logged_with_its_reason(dataset, tmp_path):
    first = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 4))
    commit(check(dataset, crimes=[InputFile.of(first)]), dataset, who=Actor("ann", "signed in"))
    before_log = (dataset / AUDIT_FILE).read_bytes()
    second = write_street_csv(tmp_path / "in" / "2024-03-test-street.csv", month_rows("2024-03", 2))
    staged = check(dataset, crimes=[InputFile.of(second)])
    before = tree(dataset)
    with lock(dataset.resolve()), pytest.raises(HotspotDataError, match="another import"):
        commit(staged, FolderStore(dataset, lock_timeout=0.2), who=Actor("bob", "signed in"))
    assert tree(dataset) == before  # the data is as it was
    log = (dataset / AUDIT_FILE).read_bytes()
    assert log.startswith(before_log)  # appended, the earlier entry untouched
    ann, bob = _lines(dataset)
    assert (ann["who"], ann["result"]) == ("ann", IMPORTED)
    assert (bob["who"], bob["result"]) == ("bob", REFUSED)
    assert "another import into this dataset is running" in bob["detail"][0]
    assert bob["rows"] == {"crime rows": 2}


def test_an_import_refused_by_its_checks_is_logged_with_who_what_files_and_why(
    dataset, tmp_path, capsys
):
    bad = tmp_path / "in" / "bad.csv"
    bad.parent.mkdir()
    bad.write_text("officer_id,timestamp,longitude,latitude\na,2025-10-06T25:00Z,-1.4,53\n")
    good = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 4))
    before = tree(dataset)
    assert main(["import", "--data", str(dataset), "pings", str(bad)]) == 2
    refusal = capsys.readouterr().err.removeprefix("error: ").strip()
    staged = check(dataset, hotspots=InputFile(good, "hotspots.gpkg"))
    with pytest.raises(HotspotDataError) as refused:
        commit(staged, dataset, who=Actor("ann", "signed in"))
    assert tree(dataset) == before
    pings, hotspots = _lines(dataset)
    assert (pings["who"], pings["how"], pings["result"]) == (os_user(), "command line", REFUSED)
    assert pings["kind"] == "pings" and [f["name"] for f in pings["files"]] == [str(bad)]
    assert pings["detail"] == [refusal] and "row 2, column 'timestamp'" in refusal
    assert (hotspots["who"], hotspots["how"], hotspots["result"]) == ("ann", "signed in", REFUSED)
    assert hotspots["kind"] == "hotspots" and hotspots["files"][0]["name"] == "hotspots.gpkg"
    assert hotspots["detail"] == [str(refused.value)]
    assert audit_table(read_entries(dataset)[0])["kind"].tolist() == ["hotspots", "pings"]


def test_a_refusal_is_not_logged_into_the_sample_dataset_or_a_folder_not_made(sample_dir, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("officer_id,timestamp,longitude,latitude\na,2025-10-06T25:00Z,-1.4,53\n")
    for folder in (sample_dir, tmp_path / "not yet"):
        staged = check(folder, pings=[InputFile.of(bad)])
        with pytest.raises(HotspotDataError):
            commit(staged, folder)
    assert not (sample_dir / AUDIT_FILE).exists() and not (tmp_path / "not yet").exists()


def test_a_log_that_cannot_be_written_stops_the_commit(dataset, tmp_path):
    elsewhere = tmp_path / "elsewhere.jsonl"
    elsewhere.write_text("")
    (dataset / AUDIT_FILE).symlink_to(elsewhere)  # a link would send entries elsewhere
    new = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 4))
    staged = check(dataset, crimes=[InputFile.of(new)])
    with pytest.raises(HotspotDataError, match="cannot write the audit log"):
        commit(staged, dataset)
    assert not (dataset / "crimes" / "2024-02").exists()
    assert elsewhere.read_text() == ""


def test_hostile_names_stay_one_json_line_and_show_as_plain_text(tmp_path):
    name = 'evil\n{"who": "admin"}\x1b[2J.csv'
    with AuditLog(tmp_path) as log:
        log.write(entry(Actor("ann", "signed in"), IMPORTED, [], {}, [name]))
    assert len((tmp_path / AUDIT_FILE).read_text().splitlines()) == 1
    entries, bad = read_entries(tmp_path)
    assert bad == 0 and entries[0]["detail"] == [name]
    shown = audit_table(entries)["detail"][0]
    assert "\n" not in shown and "\x1b" not in shown and "evil" in shown


def test_reading_gives_newest_first_and_counts_damaged_lines(tmp_path):
    with AuditLog(tmp_path) as log:
        for who in ("a", "b", "c"):
            log.write(entry(Actor(who, "signed in"), IMPORTED, [], {"hotspots": 1}, []))
    with (tmp_path / AUDIT_FILE).open("a") as handle:
        handle.write('{"who": "half a li')
    entries, bad = read_entries(tmp_path, limit=2)
    assert [e["who"] for e in entries] == ["c", "b"] and bad == 1
    table = audit_table(entries)
    assert list(table["rows"]) == ["hotspots: 1", "hotspots: 1"]
    assert read_entries(tmp_path / "none") == ([], 0)


def test_the_first_import_into_a_new_folder_is_logged_in_it(tmp_path):
    folder = tmp_path / "new"
    hotspots = tmp_path / "in" / "hotspots.geojson"
    hotspots.parent.mkdir()
    small_dataset(tmp_path / "source")
    hotspots.write_bytes((tmp_path / "source" / "hotspots.geojson").read_bytes())
    staged = check(folder, hotspots=InputFile.of(hotspots))
    commit(staged, folder, who=Actor("ann", "signed in"))
    (record,) = _lines(folder)
    assert (record["who"], record["result"], record["rows"]) == ("ann", IMPORTED, {"hotspots": 2})
