"""Ping files stored in a dataset: checked, pseudonymised with a kept key, all or nothing."""

from __future__ import annotations

import os
import stat

import pytest

from geo.analysis.context import EvaluationContext
from geo.analysis.figures import hotspot_table, patrol_totals
from geo.analysis.patrol_source import GPS
from geo.app.imports import import_files
from geo.app.load import load_dataset
from geo.cli import main
from geo.errors import HotspotDataError
from geo.io.pings import pseudonymise
from geo.period import Period
from geo.store.layout import KEY_FILE
from geo.store.pseudonyms import KEY_ENV
from tests.helpers import tree
from tests.pings_helpers import PING_MONTH, ping_file


def test_import_pseudonymises_and_the_dataset_uses_gps(tmp_path, ping_folder, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    pings = ping_file(tmp_path / "in" / "october.csv")
    _staged, result = import_files(ping_folder, "pings", [pings])
    stored = ping_folder / "pings" / "2025-10" / "october.csv"
    assert stored.is_file() and any("october.csv" in line for line in result.lines)
    text = stored.read_text()
    assert "PC 123" not in text and "PC 456" not in text
    key = (ping_folder / KEY_FILE).read_bytes()
    assert pseudonymise(["PC 123"], key)[0] in text
    assert stat.S_IMODE(os.stat(ping_folder / KEY_FILE).st_mode) == 0o600

    dataset = load_dataset(ping_folder)
    assert dataset.patrol_source == GPS
    assert "GPS pings (1 file)" in dataset.patrol_source_sentence
    table = hotspot_table(
        dataset.hotspots,
        dataset.counts,
        dataset.patrols,
        EvaluationContext.of(Period.parse(PING_MONTH), dataset.hotspots),
    )
    a, b = table.set_index("hotspot_id").loc["A"], table.set_index("hotspot_id").loc["B"]
    assert a["officer_hours"] == pytest.approx(50 / 60, abs=0.01)  # GPS, not the log's 2 hours
    assert (a["visits"], a["arrests"], a["engagements"]) == (2, 3, 11)  # outcomes from the log
    assert (b["officer_hours"], b["visits"], b["arrests"]) == (0, 0, 1)  # only a pass-through
    totals = patrol_totals(dataset.patrols, Period.parse(PING_MONTH)).iloc[0]
    assert (totals["visits"], totals["arrests"]) == (2, 4)


def test_a_second_import_keeps_the_key(tmp_path, ping_folder, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    import_files(ping_folder, "pings", [ping_file(tmp_path / "in" / "one.csv")])
    key = (ping_folder / KEY_FILE).read_bytes()
    import_files(ping_folder, "pings", [ping_file(tmp_path / "in" / "two.csv")])
    assert (ping_folder / KEY_FILE).read_bytes() == key
    one = (ping_folder / "pings" / "2025-10" / "one.csv").read_text()
    assert one == (ping_folder / "pings" / "2025-10" / "two.csv").read_text()


def test_pings_dated_far_in_the_future_are_refused_not_stored(tmp_path, ping_folder, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    bad = tmp_path / "in" / "clock.csv"
    bad.parent.mkdir()
    bad.write_text("officer_id,timestamp,longitude,latitude\nPC 1,9999-12-31T10:00Z,-1.4,53\n")
    before = tree(ping_folder)
    with pytest.raises(HotspotDataError, match="in the future") as caught:
        import_files(ping_folder, "pings", [bad])
    assert (caught.value.path, caught.value.row, caught.value.column) == (
        str(bad), 2, "timestamp",
    )  # fmt: skip
    assert tree(ping_folder) == before and not (ping_folder / "pings").exists()


def test_key_from_the_environment_is_not_stored(tmp_path, ping_folder, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "a key kept elsewhere, 32 chars!")
    import_files(ping_folder, "pings", [ping_file(tmp_path / "in" / "one.csv")])
    assert not (ping_folder / KEY_FILE).exists()
    text = (ping_folder / "pings" / "2025-10" / "one.csv").read_text()
    assert pseudonymise(["PC 123"], b"a key kept elsewhere, 32 chars!")[0] in text


def test_import_is_all_or_nothing(tmp_path, ping_folder, monkeypatch, capsys):
    monkeypatch.delenv(KEY_ENV, raising=False)
    good = ping_file(tmp_path / "in" / "good.csv")
    bad = tmp_path / "in" / "bad.csv"
    bad.write_text("officer_id,timestamp,longitude,latitude\na,2025-10-06T25:00Z,-1.4,53\n")
    before = tree(ping_folder)
    with pytest.raises(HotspotDataError) as caught:
        import_files(ping_folder, "pings", [good, bad])
    assert (caught.value.row, caught.value.column) == (2, "timestamp")
    assert tree(ping_folder) == before
    assert main(["import", "--data", str(ping_folder), "pings", str(good), str(bad)]) == 2
    assert "bad.csv, row 2, column 'timestamp'" in capsys.readouterr().err
    assert tree(ping_folder) == before


def test_two_files_of_one_name_are_refused(tmp_path, ping_folder):
    one = ping_file(tmp_path / "x" / "october.csv")
    two = ping_file(tmp_path / "y" / "october.csv")
    before = tree(ping_folder)
    with pytest.raises(HotspotDataError, match="rename one"):
        import_files(ping_folder, "pings", [one, two])
    assert tree(ping_folder) == before
