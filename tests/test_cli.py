"""`python -m geo summary`: output formats, and bad input as one plain line with exit status 2."""

import csv
import gc
import hashlib
import io
import json
import subprocess
import sys

import pytest

import geo.io.crimes
from geo.cli import main
from tests.conftest import ROOT
from tests.helpers import square_hotspots, write_patrols, write_street_csv
from tests.pings_helpers import PING_MONTH, ping_file
from tests.postgres_support import PERIOD, cli


def _geo(*args):
    return subprocess.run(
        [sys.executable, "-m", "geo", *map(str, args)], cwd=ROOT, capture_output=True, text=True
    )


@pytest.fixture
def inputs(tmp_path):
    hotspots = square_hotspots(tmp_path / "h.geojson", {"A": (0.0, 50.0, 1.0, 51.0)})
    crimes = write_street_csv(
        tmp_path / "crimes" / "2024-01-x-street.csv",
        [("2023-01", 0.5, 50.5, "Anti-social behaviour")] * 4
        + [("2024-01", 0.5, 50.5, "Anti-social behaviour")] * 3,
    )
    patrols = write_patrols(
        tmp_path / "p.csv", [("A", "2024-01-02T10:00", "2024-01-02T11:00", 2, 1, 7)]
    )
    return hotspots, crimes, patrols


def test_summary_csv_has_the_contract_columns(inputs):
    hotspots, crimes, patrols = inputs
    run = _geo("summary", "--hotspots", hotspots, "--crimes", crimes.parent, "--patrols", patrols,
               "--period", "2024-01:2024-01")  # fmt: skip
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert rows == [
        {"hotspot_id": "A", "name": "Hotspot A", "town": "Testtown", "asb_before": "4",
         "asb_after": "3", "asb_change_pct": "-25.00", "asb_too_few": "True",
         "crime_before": "4", "crime_after": "3", "crime_change_pct": "-25.00",
         "officer_hours": "2.00", "visits": "1", "arrests": "1", "engagements": "7"}
    ]  # fmt: skip


def test_summary_json_writes_unknown_patrol_figures_as_null(inputs):
    hotspots, crimes, _ = inputs
    run = _geo("summary", "--hotspots", hotspots, "--crimes", crimes, "--period", "2024-01:2024-01",
               "--format", "json")  # fmt: skip
    assert run.returncode == 0, run.stderr
    (row,) = json.loads(run.stdout)
    assert row["asb_before"] == 4 and row["asb_after"] == 3
    assert [row[c] for c in ("officer_hours", "visits", "arrests", "engagements")] == [None] * 4
    assert "no patrol log" in run.stderr


def test_summary_csv_leaves_patrol_columns_empty_without_a_log(inputs):
    hotspots, crimes, _ = inputs
    run = _geo("summary", "--hotspots", hotspots, "--crimes", crimes, "--period", "2024-01:2024-01")
    assert run.returncode == 0, run.stderr
    (row,) = csv.DictReader(io.StringIO(run.stdout))
    assert [row[c] for c in ("officer_hours", "visits", "arrests", "engagements")] == [""] * 4


@pytest.mark.parametrize(
    ("period", "names"),
    [
        ("2023-01:2023-01", "no crime data for 2022-01 in its baseline"),
        ("2024-01:2024-02", "no crime data for 2024-02 in the period;"),
        ("2023-01:2024-01", "13 months long"),
    ],
)
def test_summary_refuses_a_period_without_data_to_compare(inputs, period, names):
    hotspots, crimes, _ = inputs
    run = _geo("summary", "--hotspots", hotspots, "--crimes", crimes, "--period", period)
    assert run.returncode == 2 and run.stdout == ""
    assert names in run.stderr and len(run.stderr.strip().splitlines()) == 1


def _tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path).encode() + (path.read_bytes() if path.is_file() else b""))
    return digest.hexdigest()


@pytest.mark.parametrize(
    "mutate,expected",
    [
        (lambda h, c: c.write_text("Crime ID,Month\n1,2\n"), "header column 3"),
        (lambda h, c: h.write_text("{}"), "h.geojson"),
        (lambda h, c: c.write_bytes(b"\x00\xff" * 50), "binary"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(inputs, tmp_path, mutate, expected):
    hotspots, crimes, _ = inputs
    mutate(hotspots, crimes)
    before = _tree_digest(tmp_path)
    run = _geo("summary", "--hotspots", hotspots, "--crimes", crimes, "--period", "2024-01:2024-01")
    assert run.returncode == 2
    assert expected in run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert _tree_digest(tmp_path) == before


def test_bad_period_is_refused(inputs):
    hotspots, crimes, _ = inputs
    run = _geo("summary", "--hotspots", hotspots, "--crimes", crimes, "--period", "2024")
    assert run.returncode == 2 and "START:END" in run.stderr


def test_summary_takes_a_dataset_or_files_not_both(capsys, sample_dir):
    status, _, err = cli(capsys, "summary", "--period", PERIOD)
    assert status == 2 and "give --data, or --hotspots and --crimes" in err
    both = ["--data", str(sample_dir), "--hotspots", str(sample_dir / "hotspots.geojson")]
    status, _, err = cli(capsys, "summary", *both, "--period", PERIOD)
    assert status == 2 and "not both" in err


def test_summary_runs_without_the_cycle_collector_and_restores_it(inputs, capsys, monkeypatch):
    """The cycle collector is off while a summary runs (its passes cost start-up time) and on
    again afterwards, also when the run ends in an error."""
    hotspots, crimes, _ = inputs
    seen = []
    real = geo.io.crimes.find_crime_files

    def find_crime_files(paths):
        seen.append(gc.isenabled())
        return real(paths)

    monkeypatch.setattr(geo.io.crimes, "find_crime_files", find_crime_files)
    args = ["summary", "--hotspots", str(hotspots), "--crimes", str(crimes)]
    assert main([*args, "--period", "2024-01:2024-01"]) == 0
    assert main([*args, "--period", "2020-01:2020-01"]) == 2  # no data to compare
    assert seen == [False, False] and gc.isenabled()


def test_dosage_command(tmp_path, capsys, ping_folder):
    pings = ping_file(tmp_path / "in" / "october.csv")
    args = ["dosage", "--hotspots", ping_folder / "hotspots.geojson", "--pings", pings.parent]
    assert main([*map(str, args), "--period", PING_MONTH]) == 0
    rows = {r["hotspot_id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert float(rows["A"]["officer_minutes"]) == 50
    assert float(rows["A"]["presence_minutes"]) == 40
    assert (rows["B"]["visits"], rows["B"]["pass_throughs"]) == ("0", "1")
    assert (
        main([*map(str, args), "--period", PING_MONTH, "--format", "json", "--min-visit-min", "1"])
        == 0
    )
    records = {r["hotspot_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert records["B"]["visits"] == 1 and records["B"]["median_visit_minutes"] == 1.0
    assert records["A"]["median_visit_minutes"] == 25.0


def test_dosage_command_refuses_bad_input_plainly(tmp_path, capsys, ping_folder):
    bad = tmp_path / "bad.csv"
    bad.write_text("officer_id,timestamp,longitude,latitude\na,2025-10-06T10:00Z,-1.4,95\n")
    args = ["dosage", "--hotspots", str(ping_folder / "hotspots.geojson"), "--pings", str(bad)]
    assert main([*args, "--period", PING_MONTH]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}, row 2, column 'latitude'") and err.count("\n") == 1
    assert gc.isenabled()  # collections are paused during the command only, even when it fails
    assert main([*args, "--period", PING_MONTH, "--tolerance-m", "-3"]) == 2
    assert "tolerance_m" in capsys.readouterr().err
    missing = [*args[:-1], str(tmp_path / "none.csv")]  # the reading is begun only when it can be
    assert main([*missing, "--period", PING_MONTH]) == 2
    assert "file or folder not found" in capsys.readouterr().err
    assert main([*missing, "--period", "2025-13:2025-14"]) == 2  # the period is told first
    assert "file or folder" not in capsys.readouterr().err
