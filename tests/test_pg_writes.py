"""geo.store.postgres.commit: imports into a database, one transaction each, replacing and never
doubling a month, serialised, and all or nothing when killed."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from geo.app.load import dataset_version, load_dataset
from tests.postgres_support import (
    assert_same_figures,
    cli,
    held,
    import_ok,
    load_placed,
    month_files,
    reading_role,
    start_import,
)

pytestmark = pytest.mark.postgres


def test_imports_build_the_same_dataset_and_a_month_is_replaced_not_doubled(
    capsys, sample_dir, pg_url
):
    import_ok(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
    import_ok(capsys, pg_url, "patrols", sample_dir / "patrols.csv")
    months = month_files(sample_dir)
    import_ok(capsys, pg_url, "crimes", *months)
    again = import_ok(capsys, pg_url, "crimes", months[3])
    assert "replaced" in again
    with psycopg.connect(pg_url) as connection:
        held = connection.execute(
            "SELECT count(*), count(DISTINCT (month, reported_by)) FROM crime_files"
        ).fetchone()
        rows = connection.execute("SELECT count(*) FROM crimes").fetchone()[0]
        log = connection.execute("SELECT kind, rows FROM import_log ORDER BY import_id").fetchall()
    assert held == (len(months), len(months))
    assert rows == sum(len(p.read_text().splitlines()) - 1 for p in months)
    assert [k for k, _ in log] == ["hotspots", "patrols", "crimes", "crimes"]
    assert_same_figures(load_dataset(sample_dir), load_placed(pg_url))


def test_a_bad_file_leaves_the_store_as_it_was(capsys, own_data, pg_url, tmp_path):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    version = dataset_version(pg_url)
    bad = tmp_path / "2026-09-derbyshire-street.csv"
    lines = month_files(own_data)[-1].read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if ",-1." in line)
    lines[at] = lines[at].replace(",-1.", ",east of -1.", 1)
    bad.write_text("\n".join(lines) + "\n")
    status, _, err = cli(capsys, "import", "--data", pg_url, "crimes", str(bad))
    assert status == 2 and f"row {at + 1}" in err and "Traceback" not in err
    unknown = tmp_path / "patrols.csv"
    unknown.write_text(
        "hotspot_id,start,end,officers,arrests,engagements\n"
        "NOPE,2026-01-01T10:00,2026-01-01T11:00,2,0,1\n"
    )
    status, _, err = cli(capsys, "import", "--data", pg_url, "patrols", str(unknown))
    assert status == 2 and "NOPE" in err
    assert dataset_version(pg_url) == version


def test_two_imports_at_once_are_serialised_and_lose_nothing(capsys, sample_dir, pg_url):
    import_ok(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
    import_ok(capsys, pg_url, "patrols", sample_dir / "patrols.csv")
    months = month_files(sample_dir)
    first = start_import(pg_url, "crimes", months[:16])
    second = start_import(pg_url, "crimes", months[8:])
    for process in (first, second):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert len(held(pg_url)) == len(months)
    with psycopg.connect(pg_url) as connection:
        spans = connection.execute(
            "SELECT started_at, finished_at FROM import_log WHERE kind = 'crimes'"
            " ORDER BY started_at"
        ).fetchall()
    assert len(spans) == 2 and spans[0][1] <= spans[1][0]  # one after the other
    assert_same_figures(load_dataset(sample_dir), load_placed(pg_url))


def _wait_for_import_lock(url: str, process: subprocess.Popen) -> None:
    """Return once some session holds the import lock (or the process has ended)."""
    with psycopg.connect(url, autocommit=True) as connection:
        while process.poll() is None:
            held = connection.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            ).fetchone()[0]
            if held:
                return
            time.sleep(0.01)


def _halved(files: list[Path], out: Path) -> list[Path]:
    """The same months with only their first half of rows: a visibly different import."""
    halves = []
    for path in files:
        lines = path.read_text().splitlines(keepends=True)
        half = out / path.parent.name / path.name
        half.parent.mkdir(parents=True, exist_ok=True)
        half.write_text("".join(lines[: 1 + (len(lines) - 1) // 2]))
        halves.append(half)
    return halves


def test_imports_killed_at_random_moments_leave_the_previous_state(
    capsys, own_data, pg_url, tmp_path
):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    months = month_files(own_data)[-6:]
    half_folder = tmp_path / "half"
    shutil.copytree(own_data, half_folder, ignore=shutil.ignore_patterns(".cache"))
    halves = _halved(months, half_folder / "crimes")
    references = {"full": load_dataset(own_data), "half": load_dataset(half_folder)}
    full_rows = {p.parent.name: len(p.read_text().splitlines()) - 1 for p in months}
    started = time.monotonic()
    start_import(pg_url, "crimes", halves).communicate(timeout=300)
    duration = time.monotonic() - started  # how long an import of these months takes here
    with psycopg.connect(pg_url) as connection:
        writing = connection.execute(
            "SELECT extract(epoch FROM finished_at - started_at) FROM import_log"
            " ORDER BY import_id DESC LIMIT 1"
        ).fetchone()[0]  # ... and how long its transaction
    state, outcomes, rng = "half", [], random.Random(14)
    for attempt in range(20):
        files, other = (months, "full") if state == "half" else (halves, "half")
        process = start_import(pg_url, "crimes", files)
        if attempt % 2:  # a moment while it writes: once it holds the import lock
            _wait_for_import_lock(pg_url, process)
            time.sleep(rng.uniform(0.0, float(writing) * 1.1))
        else:  # any moment of its run, reading files included
            time.sleep(rng.uniform(0.0, duration * 1.1))
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        now_held = held(pg_url)
        wanted = {m: n if other == "full" else n // 2 for m, n in full_rows.items()}
        now_new = all(now_held[m] == wanted[m] for m in full_rows)
        now_old = all(now_held[m] != wanted[m] for m in full_rows)
        assert now_new or now_old, now_held  # all of the import or none of it
        state = other if now_new else state
        outcomes.append(now_new)
        assert_same_figures(references[state], load_placed(pg_url))
    with psycopg.connect(pg_url) as connection:
        begun = connection.execute("SELECT last_value FROM import_log_import_id_seq").fetchone()
        logged = connection.execute("SELECT count(*) FROM import_log").fetchone()
    print(
        f"20 kills: {sum(outcomes)} after commit, {begun[0] - logged[0]} inside the transaction,"
        f" the rest before it began"
    )
    assert 0 < sum(outcomes) < 20 or begun[0] > logged[0]


def test_replaced_hotspots_are_kept_in_history_and_patrolled_ones_cannot_vanish(
    capsys, own_data, pg_url, tmp_path
):
    import geopandas as gpd

    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    hotspots = gpd.read_file(own_data / "hotspots.geojson")
    renamed = hotspots.copy()
    renamed.loc[0, "name"] = "Renamed"
    renamed.to_file(tmp_path / "renamed.geojson")
    import_ok(capsys, pg_url, "hotspots", tmp_path / "renamed.geojson")
    with psycopg.connect(pg_url) as connection:
        history = connection.execute("SELECT hotspot_id, name FROM hotspot_history").fetchall()
    assert history == [(hotspots.loc[0, "hotspot_id"], hotspots.loc[0, "name"])]
    assert load_dataset(pg_url).hotspots.loc[0, "name"] == "Renamed"
    version = dataset_version(pg_url)
    hotspots.iloc[1:].to_file(tmp_path / "fewer.geojson")
    status, _, err = cli(
        capsys, "import", "--data", pg_url, "hotspots", str(tmp_path / "fewer.geojson")
    )
    assert status == 2 and hotspots.loc[0, "hotspot_id"] in err and "patrol" in err
    assert dataset_version(pg_url) == version


def test_a_read_only_role_can_show_but_not_import(capsys, own_data, pg_url):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    with reading_role(pg_url, "hotspot_reader_test") as reader:
        assert_same_figures(load_dataset(own_data), load_placed(reader))
        status, _, err = cli(
            capsys, "import", "--data", reader, "crimes", str(month_files(own_data)[0])
        )
        assert status == 2 and "permission denied" in err and "Traceback" not in err


def test_generated_multi_force_months_imported_one_by_one_match_the_folder(pg_url, tmp_path):
    from geo.app.imports import import_files
    from tools.bench import BenchSize, generate

    data = generate(tmp_path / "generated", BenchSize(20_000, 14, 30), seed=3)
    import_files(pg_url, "hotspots", [data.hotspot_file])
    months = sorted(data.crimes.rglob("*-street.csv"))
    for month in months:
        import_files(pg_url, "crimes", [month])
    now_held = held(pg_url)
    assert len(now_held) == len(months)
    with psycopg.connect(pg_url) as connection:
        forces = connection.execute("SELECT count(DISTINCT reported_by) FROM crime_files")
        assert forces.fetchone()[0] > 1
    assert_same_figures(load_dataset(data.folder), load_placed(pg_url))
