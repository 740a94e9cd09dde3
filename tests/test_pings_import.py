"""GPS pings through the command line and the dataset: `geo dosage`, `geo import pings` (all or
nothing, pseudonymised), and pages' patrol figures taken from GPS when pings are present."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from geo.analysis.figures import hotspot_table, patrol_totals
from geo.analysis.patrol_source import GPS, LOG
from geo.cli import main
from geo.errors import HotspotDataError
from geo.io.pings import pseudonymise
from geo.period import Period
from geo.store.dataset import load_dataset
from geo.store.importer import import_files
from geo.store.pings_store import KEY_ENV, KEY_FILE
from tests.helpers import tree, write_patrols, write_street_csv
from tests.pings_helpers import at, every, hotspots, stay, write_pings

OCTOBER = "2025-10:2025-10"


def _dataset(folder: Path) -> Path:
    folder.mkdir()
    hotspots(["A", "B"]).to_crs("EPSG:4326").to_file(folder / "hotspots.geojson", driver="GeoJSON")
    for month in ("2024-10", "2025-10"):  # October and its baseline a year earlier
        write_street_csv(
            folder / "crimes" / month / f"{month}-test-street.csv",
            [(month, *at(0), "Anti-social behaviour")],
        )
    write_patrols(
        folder / "patrols.csv",
        [
            ("A", "2025-10-06T18:00", "2025-10-06T19:00", 2, 3, 11),
            ("B", "2025-10-07T18:00", "2025-10-07T18:30", 1, 1, 4),
        ],
    )
    return folder


def _ping_file(path: Path) -> Path:
    rows = stay("PC 123", at(0), every("2025-10-06T10:00:00+01:00", "2025-10-06T10:30:00+01:00"))
    rows += stay("PC 456", at(0), every("2025-10-06T10:20:00+01:00", "2025-10-06T10:40:00+01:00"))
    rows += stay("PC 456", at(1), every("2025-10-06T12:00:00+01:00", "2025-10-06T12:01:00+01:00"))
    return write_pings(path, rows)


@pytest.fixture
def folder(tmp_path) -> Path:
    return _dataset(tmp_path / "data")


def test_dosage_command(tmp_path, capsys, folder):
    pings = _ping_file(tmp_path / "in" / "october.csv")
    args = ["dosage", "--hotspots", folder / "hotspots.geojson", "--pings", pings.parent]
    assert main([*map(str, args), "--period", OCTOBER]) == 0
    rows = {r["hotspot_id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert float(rows["A"]["officer_minutes"]) == 50
    assert float(rows["A"]["presence_minutes"]) == 40
    assert (rows["B"]["visits"], rows["B"]["pass_throughs"]) == ("0", "1")
    assert (
        main([*map(str, args), "--period", OCTOBER, "--format", "json", "--min-visit-min", "1"])
        == 0
    )
    records = {r["hotspot_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert records["B"]["visits"] == 1 and records["B"]["median_visit_minutes"] == 1.0
    assert records["A"]["median_visit_minutes"] == 25.0


def test_dosage_command_refuses_bad_input_plainly(tmp_path, capsys, folder):
    bad = tmp_path / "bad.csv"
    bad.write_text("officer_id,timestamp,longitude,latitude\na,2025-10-06T10:00Z,-1.4,95\n")
    args = ["dosage", "--hotspots", str(folder / "hotspots.geojson"), "--pings", str(bad)]
    assert main([*args, "--period", OCTOBER]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}, row 2, column 'latitude'") and err.count("\n") == 1
    assert main([*args, "--period", OCTOBER, "--tolerance-m", "-3"]) == 2
    assert "tolerance_m" in capsys.readouterr().err


def test_import_pseudonymises_and_the_dataset_uses_gps(tmp_path, folder, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    pings = _ping_file(tmp_path / "in" / "october.csv")
    _staged, result = import_files(folder, "pings", [pings])
    stored = folder / "pings" / "2025-10" / "october.csv"
    assert stored.is_file() and any("october.csv" in line for line in result.lines)
    text = stored.read_text()
    assert "PC 123" not in text and "PC 456" not in text
    key = (folder / KEY_FILE).read_bytes()
    assert pseudonymise(["PC 123"], key)[0] in text
    assert stat.S_IMODE(os.stat(folder / KEY_FILE).st_mode) == 0o600

    dataset = load_dataset(folder)
    assert dataset.patrol_source == GPS
    assert "GPS pings (1 file)" in dataset.patrol_source_sentence
    table = hotspot_table(dataset.hotspots, dataset.counts, dataset.patrols, Period.parse(OCTOBER))
    a, b = table.set_index("hotspot_id").loc["A"], table.set_index("hotspot_id").loc["B"]
    assert a["officer_hours"] == pytest.approx(50 / 60, abs=0.01)  # GPS, not the log's 2 hours
    assert (a["visits"], a["arrests"], a["engagements"]) == (2, 3, 11)  # outcomes from the log
    assert (b["officer_hours"], b["visits"], b["arrests"]) == (0, 0, 1)  # only a pass-through
    totals = patrol_totals(dataset.patrols, Period.parse(OCTOBER)).iloc[0]
    assert (totals["visits"], totals["arrests"]) == (2, 4)


def test_a_second_import_keeps_the_key(tmp_path, folder, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    import_files(folder, "pings", [_ping_file(tmp_path / "in" / "one.csv")])
    key = (folder / KEY_FILE).read_bytes()
    import_files(folder, "pings", [_ping_file(tmp_path / "in" / "two.csv")])
    assert (folder / KEY_FILE).read_bytes() == key
    one = (folder / "pings" / "2025-10" / "one.csv").read_text()
    assert one == (folder / "pings" / "2025-10" / "two.csv").read_text()


def test_key_from_the_environment_is_not_stored(tmp_path, folder, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "a key kept elsewhere, 32 chars!")
    import_files(folder, "pings", [_ping_file(tmp_path / "in" / "one.csv")])
    assert not (folder / KEY_FILE).exists()
    text = (folder / "pings" / "2025-10" / "one.csv").read_text()
    assert pseudonymise(["PC 123"], b"a key kept elsewhere, 32 chars!")[0] in text


def test_import_is_all_or_nothing(tmp_path, folder, monkeypatch, capsys):
    monkeypatch.delenv(KEY_ENV, raising=False)
    good = _ping_file(tmp_path / "in" / "good.csv")
    bad = tmp_path / "in" / "bad.csv"
    bad.write_text("officer_id,timestamp,longitude,latitude\na,2025-10-06T25:00Z,-1.4,53\n")
    before = tree(folder)
    with pytest.raises(HotspotDataError) as caught:
        import_files(folder, "pings", [good, bad])
    assert (caught.value.row, caught.value.column) == (2, "timestamp")
    assert tree(folder) == before
    assert main(["import", "--data", str(folder), "pings", str(good), str(bad)]) == 2
    assert "bad.csv, row 2, column 'timestamp'" in capsys.readouterr().err
    assert tree(folder) == before


def test_two_files_of_one_name_are_refused(tmp_path, folder):
    one = _ping_file(tmp_path / "x" / "october.csv")
    two = _ping_file(tmp_path / "y" / "october.csv")
    before = tree(folder)
    with pytest.raises(HotspotDataError, match="rename one"):
        import_files(folder, "pings", [one, two])
    assert tree(folder) == before


def test_without_pings_the_log_is_the_source(folder):
    dataset = load_dataset(folder)
    assert dataset.patrol_source == LOG
    table = hotspot_table(dataset.hotspots, dataset.counts, dataset.patrols, Period.parse(OCTOBER))
    assert table.set_index("hotspot_id").loc["A", "officer_hours"] == 2.0


def test_pages_say_the_source_and_show_no_officer(tmp_path, folder, monkeypatch):
    from geo.analysis.evaluation import evaluation_table
    from geo.view.briefing import briefing_page

    monkeypatch.delenv(KEY_ENV, raising=False)
    import_files(folder, "pings", [_ping_file(tmp_path / "in" / "october.csv")])
    dataset = load_dataset(folder)
    period = Period.parse(OCTOBER)
    assert "patrol hours from GPS" in briefing_page(dataset, period).subtitle
    assert "within 20 m of its edge" in dataset.patrol_source_sentence
    table = hotspot_table(dataset.hotspots, dataset.counts, dataset.patrols, period)
    shown = evaluation_table(table, dataset.counts, dataset.areas, dataset.patrols, period)
    key = (folder / KEY_FILE).read_bytes()
    text = shown.to_csv()
    for officer in ("PC 123", "PC 456", *pseudonymise(["PC 123", "PC 456"], key)):
        assert officer not in text
    assert not {"officer", "officer_id"} & set(shown.columns)


def test_counting_pings_are_cached_per_file(tmp_path, folder, monkeypatch):
    import geo.analysis.visits as visits_module
    from geo.store.dataset import dataset_version

    monkeypatch.delenv(KEY_ENV, raising=False)
    import_files(folder, "pings", [_ping_file(tmp_path / "in" / "october.csv")])
    version = dataset_version(folder)
    first = load_dataset(folder)
    assert list((folder / ".cache" / "pings").rglob("*.parquet"))
    assert dataset_version(folder) == version

    def no_reading(*_args, **_kwargs):
        raise AssertionError("the ping file was read again")

    monkeypatch.setattr(visits_module, "read_pings", no_reading)
    second = load_dataset(folder)
    assert second.gps.visits.equals(first.gps.visits)
    assert second.gps.stats == first.gps.stats
    # other hotspots: the cache no longer fits, and the file is read again
    moved = hotspots(["A", "B"]).to_crs("EPSG:4326")
    moved["geometry"] = moved.translate(0.001, 0)
    moved.to_file(folder / "hotspots.geojson", driver="GeoJSON")
    with pytest.raises(AssertionError, match="read again"):
        load_dataset(folder)


def test_the_quality_report_counts_pings_without_a_fix(tmp_path, folder, monkeypatch):
    from geo.store.quality import quality_report

    monkeypatch.delenv(KEY_ENV, raising=False)
    rows = stay("PC 1", at(0), every("2025-10-06T10:00:00Z", "2025-10-06T10:05:00Z"))
    rows += [
        {"officer_id": "PC 1", "timestamp": "2025-10-06T10:06:00Z", "longitude": "", "latitude": ""}
    ]
    import_files(folder, "pings", [write_pings(tmp_path / "in" / "p.csv", rows)])
    summary = quality_report(load_dataset(folder)).summary().set_index("check")
    assert summary.loc["GPS ping files", "count"] == 1
    assert summary.loc["GPS pings without a position (no fix), skipped", "count"] == 1


def test_the_app_rules_come_from_the_environment(tmp_path, folder, monkeypatch):
    from geo.store.dataset import visit_rules

    monkeypatch.delenv(KEY_ENV, raising=False)
    import_files(folder, "pings", [_ping_file(tmp_path / "in" / "october.csv")])
    period = Period.parse(OCTOBER)
    monkeypatch.setenv("HOTSPOT_PING_MIN_VISIT_MIN", "0.5")
    assert visit_rules().min_visit_min == 0.5
    dataset = load_dataset(folder)
    table = hotspot_table(dataset.hotspots, dataset.counts, dataset.patrols, period)
    assert table.set_index("hotspot_id").loc["B", "visits"] == 1  # the 1-minute stop counts now
    assert "under 0.5 minutes" in dataset.patrol_source_sentence
    monkeypatch.setenv("HOTSPOT_PING_MAX_GAP_MIN", "soon")
    with pytest.raises(HotspotDataError, match="HOTSPOT_PING_MAX_GAP_MIN"):
        visit_rules()
    monkeypatch.setenv("HOTSPOT_PING_MAX_GAP_MIN", "-1")
    with pytest.raises(HotspotDataError, match="HOTSPOT_PING_MAX_GAP_MIN"):
        visit_rules()
