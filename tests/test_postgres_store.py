"""The PostgreSQL + PostGIS store against the folder store: same figures, lossless copies, imports
that replace and never double, and app instances that see each other's imports."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from geo.cli import main
from geo.errors import HotspotDataError
from geo.store.dataset import dataset_version, load_dataset, location
from geo.store.postgres import DatabaseUrl, is_database_url, redacted

pytestmark = pytest.mark.postgres

PERIOD = "2025-10:2026-09"


@pytest.fixture(scope="session")
def own_data(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's files as a user's own dataset (no SAMPLE.md): imports may change it."""
    folder = tmp_path_factory.mktemp("own") / "own"
    shutil.copytree(sample_dir, folder, ignore=shutil.ignore_patterns(".cache", "SAMPLE.md"))
    return folder


def cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    """Run `python -m geo` in this process: status, stdout, stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_same_figures(folder_data, pg_data) -> None:
    """Every frame the pages compute figures from is equal in both datasets."""
    pd.testing.assert_frame_equal(folder_data.counts.force, pg_data.counts.force)
    for name in ("counts", "rings", "covered"):
        a = folder_data.counts if name == "counts" else getattr(folder_data.areas, name)
        b = pg_data.counts if name == "counts" else getattr(pg_data.areas, name)
        pd.testing.assert_frame_equal(a.hotspot, b.hotspot)
        pd.testing.assert_frame_equal(a.programme(), b.programme())
    pd.testing.assert_frame_equal(folder_data.areas.control, pg_data.areas.control)
    kept = list(pg_data.patrols.columns)  # the store keeps the log's six columns and hours
    pd.testing.assert_frame_equal(folder_data.patrols[kept], pg_data.patrols)
    assert folder_data.anomalies == pg_data.anomalies
    assert list(folder_data.hotspots["hotspot_id"]) == list(pg_data.hotspots["hotspot_id"])
    assert folder_data.hotspots.geometry.geom_equals_exact(pg_data.hotspots.geometry, 0).all()


def test_url_is_recognised_and_password_hidden():
    assert is_database_url("postgresql://u@h/db") and not is_database_url(Path("data"))
    assert isinstance(location("postgres://h/db"), DatabaseUrl)
    assert location("data/sample") == Path("data/sample")
    assert redacted("postgresql://ann:secret@db.example:5433/x") == (
        "postgresql://ann:***@db.example:5433/x"
    )


def test_summary_takes_a_dataset_or_files_not_both(capsys, sample_dir):
    status, _, err = cli(capsys, "summary", "--period", PERIOD)
    assert status == 2 and "give --data, or --hotspots and --crimes" in err
    both = ["--data", str(sample_dir), "--hotspots", str(sample_dir / "hotspots.geojson")]
    status, _, err = cli(capsys, "summary", *both, "--period", PERIOD)
    assert status == 2 and "not both" in err


def test_copy_into_database_gives_the_folders_figures(capsys, sample_dir, pg_url):
    status, _, err = cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    assert status == 0, err
    _, from_folder, _ = cli(capsys, "summary", "--data", str(sample_dir), "--period", PERIOD)
    _, from_pg, _ = cli(capsys, "summary", "--data", pg_url, "--period", PERIOD)
    assert from_pg == from_folder and from_folder.count("\n") > 10
    assert_same_figures(load_dataset(sample_dir), load_dataset(pg_url))


def test_copy_back_gives_the_same_files(capsys, sample_dir, pg_url, tmp_path):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    back = tmp_path / "back"
    status, _, err = cli(capsys, "db", "copy", "--from", pg_url, "--to", str(back))
    assert status == 0, err
    originals = sorted((sample_dir / "crimes").rglob("*-street.csv"))
    copies = sorted((back / "crimes").rglob("*-street.csv"))
    assert [p.relative_to(sample_dir) for p in originals] == [p.relative_to(back) for p in copies]
    for original, copy in zip(originals, copies):
        assert copy.read_bytes() == original.read_bytes(), copy
    for name in ("patrols.csv", "SAMPLE.md"):
        assert (back / name).read_bytes() == (sample_dir / name).read_bytes()
    _, from_folder, _ = cli(capsys, "summary", "--data", str(sample_dir), "--period", PERIOD)
    _, from_back, _ = cli(capsys, "summary", "--data", str(back), "--period", PERIOD)
    assert from_back == from_folder


def test_a_copy_of_the_sample_is_marked_and_refuses_imports(capsys, sample_dir, pg_url):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    assert load_dataset(pg_url).is_sample
    version = dataset_version(pg_url)
    status, _, err = cli(
        capsys, "import", "--data", pg_url, "crimes", str(_month_files(sample_dir)[0])
    )
    assert status == 2 and "generated sample" in err
    assert dataset_version(pg_url) == version


def test_copy_refuses_a_database_that_holds_data(capsys, sample_dir, pg_url):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    version = dataset_version(pg_url)
    status, _, err = cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    assert status == 2 and "already holds a dataset" in err
    assert dataset_version(pg_url) == version


def _month_files(sample_dir: Path) -> list[Path]:
    return sorted((sample_dir / "crimes").rglob("*-street.csv"))


def _import(capsys, url: str, kind: str, *files: Path) -> str:
    status, out, err = cli(capsys, "import", "--data", url, kind, *map(str, files))
    assert status == 0, err
    return out


def test_imports_build_the_same_dataset_and_a_month_is_replaced_not_doubled(
    capsys, sample_dir, pg_url
):
    _import(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
    _import(capsys, pg_url, "patrols", sample_dir / "patrols.csv")
    months = _month_files(sample_dir)
    _import(capsys, pg_url, "crimes", *months)
    again = _import(capsys, pg_url, "crimes", months[3])
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
    assert_same_figures(load_dataset(sample_dir), load_dataset(pg_url))


def test_a_bad_file_leaves_the_store_as_it_was(capsys, own_data, pg_url, tmp_path):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    version = dataset_version(pg_url)
    bad = tmp_path / "2026-09-derbyshire-street.csv"
    lines = _month_files(own_data)[-1].read_text().splitlines()
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


def test_a_second_instance_sees_an_import_at_its_next_refresh(capsys, sample_dir, pg_url):
    months = _month_files(sample_dir)
    _import(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
    _import(capsys, pg_url, "crimes", *months[:-1])
    first = load_dataset(pg_url)  # instance A's cached dataset
    key = dataset_version(pg_url)  # instance B's cache key before its import
    assert key == first.version
    _import(capsys, pg_url, "crimes", months[-1])  # through instance B
    assert dataset_version(pg_url) != key  # instance A's refresh sees a new version ...
    reloaded = load_dataset(pg_url)  # ... and reloads
    assert len(reloaded.counts.months) == len(first.counts.months) + 1
    assert str(reloaded.last_month) == months[-1].parent.name


def test_wider_rings_than_the_database_counts_are_refused_until_recounted(
    capsys, sample_dir, pg_url, monkeypatch
):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    monkeypatch.setenv("HOTSPOT_RING_M", "400")
    with pytest.raises(HotspotDataError, match="--ring-m 400"):
        load_dataset(pg_url)
    status, _, err = cli(capsys, "db", "upgrade", "--data", pg_url, "--ring-m", "400")
    assert status == 0, err
    assert_same_figures(load_dataset(sample_dir), load_dataset(pg_url))


def test_an_unreachable_or_old_database_is_a_plain_message(capsys, pg_server):
    status, _, err = cli(
        capsys, "summary", "--data", "postgresql://nobody:pw@127.0.0.1:1/none", "--period", PERIOD
    )
    assert status == 2 and "cannot connect to the database" in err and "pw" not in err
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS hotspot_never_upgraded")
        admin.execute("CREATE DATABASE hotspot_never_upgraded")
    status, _, err = cli(
        capsys, "summary", "--data", f"{pg_server}/hotspot_never_upgraded", "--period", PERIOD
    )
    assert status == 2 and "db upgrade" in err


def test_real_derbyshire_figures_are_the_same_from_both_stores(
    capsys, shared_data, pg_url, tmp_path
):
    import geopandas as gpd

    wards = gpd.read_file(shared_data / "boundaries" / "derbyshire-wards-2013.geojson")
    hotspots = gpd.GeoDataFrame(
        {
            "hotspot_id": wards["WD13CD"],
            "name": wards["WD13NM"],
            "town": "",
        },
        geometry=wards.geometry,
        crs=wards.crs,
    )
    folder = tmp_path / "derbyshire"
    folder.mkdir()
    hotspots.to_file(folder / "hotspots.gpkg")
    (folder / "crimes").symlink_to(shared_data / "police-uk" / "derbyshire")
    status, _, err = cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    assert status == 0, err
    for period in ("2024-01:2024-12", "2024-03:2024-10"):
        status, from_folder, err = cli(capsys, "summary", "--data", str(folder), "--period", period)
        assert status == 0, err
        status, from_pg, err = cli(capsys, "summary", "--data", pg_url, "--period", period)
        assert status == 0, err
        assert from_pg == from_folder and from_folder.count("\n") == len(wards) + 1
    assert_same_figures(load_dataset(folder), load_dataset(pg_url))
    back = tmp_path / "back"
    status, _, err = cli(capsys, "db", "copy", "--from", pg_url, "--to", str(back))
    assert status == 0, err
    originals = sorted((shared_data / "police-uk" / "derbyshire").glob("*-street.csv"))
    for original in originals:  # police.uk's own files, byte for byte
        copy = back / "crimes" / original.name[:7] / original.name
        assert copy.read_bytes() == original.read_bytes(), original.name
    assert len(list((back / "crimes").rglob("*.csv"))) == len(originals)


ROOT = Path(__file__).resolve().parent.parent


def _start_import(url: str, kind: str, files: list[Path]) -> subprocess.Popen:
    """`python -m geo import` in a process of its own (as a second analyst would run it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "geo", "import", "--data", url, kind, *map(str, files)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _held(url: str) -> dict[str, int]:
    """Rows per month held, after checking that each month+force is held once and that the
    catalogue of months agrees with the crime rows."""
    with psycopg.connect(url) as connection:
        disagree = connection.execute(
            "SELECT count(*) FROM crime_files f FULL JOIN ("
            " SELECT month, reported_by, count(*) AS n FROM crimes GROUP BY 1, 2) c"
            " USING (month, reported_by) WHERE f.rows IS DISTINCT FROM c.n"
        ).fetchone()[0]
        twice = connection.execute(
            "SELECT count(*) FROM (SELECT 1 FROM crime_files GROUP BY month, reported_by"
            " HAVING count(*) > 1) d"
        ).fetchone()[0]
        held = connection.execute(
            "SELECT to_char(month, 'YYYY-MM'), sum(rows) FROM crime_files GROUP BY 1"
        ).fetchall()
    assert disagree == 0 and twice == 0
    return {month: int(rows) for month, rows in held}


def test_two_imports_at_once_are_serialised_and_lose_nothing(capsys, sample_dir, pg_url):
    _import(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
    _import(capsys, pg_url, "patrols", sample_dir / "patrols.csv")
    months = _month_files(sample_dir)
    first = _start_import(pg_url, "crimes", months[:16])
    second = _start_import(pg_url, "crimes", months[8:])
    for process in (first, second):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert len(_held(pg_url)) == len(months)
    with psycopg.connect(pg_url) as connection:
        spans = connection.execute(
            "SELECT started_at, finished_at FROM import_log WHERE kind = 'crimes'"
            " ORDER BY started_at"
        ).fetchall()
    assert len(spans) == 2 and spans[0][1] <= spans[1][0]  # one after the other
    assert_same_figures(load_dataset(sample_dir), load_dataset(pg_url))


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
    months = _month_files(own_data)[-6:]
    half_folder = tmp_path / "half"
    shutil.copytree(own_data, half_folder, ignore=shutil.ignore_patterns(".cache"))
    halves = _halved(months, half_folder / "crimes")
    references = {"full": load_dataset(own_data), "half": load_dataset(half_folder)}
    full_rows = {p.parent.name: len(p.read_text().splitlines()) - 1 for p in months}
    started = time.monotonic()
    _start_import(pg_url, "crimes", halves).communicate(timeout=300)
    duration = time.monotonic() - started  # how long an import of these months takes here
    with psycopg.connect(pg_url) as connection:
        writing = connection.execute(
            "SELECT extract(epoch FROM finished_at - started_at) FROM import_log"
            " ORDER BY import_id DESC LIMIT 1"
        ).fetchone()[0]  # ... and how long its transaction
    state, outcomes, rng = "half", [], random.Random(14)
    for attempt in range(20):
        files, other = (months, "full") if state == "half" else (halves, "half")
        process = _start_import(pg_url, "crimes", files)
        if attempt % 2:  # a moment while it writes: once it holds the import lock
            _wait_for_import_lock(pg_url, process)
            time.sleep(rng.uniform(0.0, float(writing) * 1.1))
        else:  # any moment of its run, reading files included
            time.sleep(rng.uniform(0.0, duration * 1.1))
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        held = _held(pg_url)
        wanted = {m: n if other == "full" else n // 2 for m, n in full_rows.items()}
        now_new = all(held[m] == wanted[m] for m in full_rows)
        now_old = all(held[m] != wanted[m] for m in full_rows)
        assert now_new or now_old, held  # all of the import or none of it
        state = other if now_new else state
        outcomes.append(now_new)
        assert_same_figures(references[state], load_dataset(pg_url))
    with psycopg.connect(pg_url) as connection:
        begun = connection.execute("SELECT last_value FROM import_log_import_id_seq").fetchone()
        logged = connection.execute("SELECT count(*) FROM import_log").fetchone()
    print(
        f"20 kills: {sum(outcomes)} after commit, {begun[0] - logged[0]} inside the transaction,"
        f" the rest before it began"
    )
    assert 0 < sum(outcomes) < 20 or begun[0] > logged[0]


def _pages(monkeypatch, location: str) -> dict[str, list]:
    """What the map, explore and briefing pages show for a dataset: metrics, tables, text."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HOTSPOT_DATA", location)
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    shown = {}
    for page in ("app.py", "pages/explore.py", "pages/briefing.py"):
        if page != "app.py":
            at.switch_page(page).run()
        assert not at.exception, page
        shown[page] = (
            [(m.label, m.value) for m in at.metric]
            + [d.value.to_csv() for d in at.dataframe]
            + [m.value for m in at.markdown]
            + [h.proto.body for h in at.get("html")]
        )
    return shown


def test_pages_show_the_same_figures_from_a_database(capsys, monkeypatch, sample_dir, pg_url):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    from_folder = _pages(monkeypatch, str(sample_dir))
    from_pg = _pages(monkeypatch, pg_url)
    assert from_pg == from_folder
    assert all(from_folder.values())


def test_data_page_sends_database_imports_to_the_command_line(monkeypatch, pg_url):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HOTSPOT_DATA", pg_url)
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=120).run()
    assert not at.exception
    assert any("python -m geo import --data URL" in info.value for info in at.info)


def test_replaced_hotspots_are_kept_in_history_and_patrolled_ones_cannot_vanish(
    capsys, own_data, pg_url, tmp_path
):
    import geopandas as gpd

    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    hotspots = gpd.read_file(own_data / "hotspots.geojson")
    renamed = hotspots.copy()
    renamed.loc[0, "name"] = "Renamed"
    renamed.to_file(tmp_path / "renamed.geojson")
    _import(capsys, pg_url, "hotspots", tmp_path / "renamed.geojson")
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
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS hotspot_reader_test")
        admin.execute("CREATE ROLE hotspot_reader_test LOGIN")
        admin.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO hotspot_reader_test")
    reader = pg_url.replace("postgres@", "hotspot_reader_test@")
    try:
        assert_same_figures(load_dataset(own_data), load_dataset(reader))
        status, _, err = cli(
            capsys, "import", "--data", reader, "crimes", str(_month_files(own_data)[0])
        )
        assert status == 2 and "permission denied" in err and "Traceback" not in err
    finally:
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM hotspot_reader_test")
            admin.execute("DROP ROLE hotspot_reader_test")


def test_briefing_from_a_database_says_what_the_folders_says(
    capsys, monkeypatch, sample_dir, pg_url, tmp_path
):
    from pypdf import PdfReader

    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    monkeypatch.chdir(tmp_path)
    cli(capsys, "briefing", "--data", str(sample_dir), "--out", "folder.pdf")
    monkeypatch.setenv("HOTSPOT_DATA", pg_url)  # the default location, as the pages use it
    status, _, err = cli(capsys, "briefing", "--out", "database.pdf")
    assert status == 0, err
    texts = [
        PdfReader(tmp_path / n).pages[0].extract_text() for n in ("folder.pdf", "database.pdf")
    ]
    assert texts[0] == texts[1] and "Shirebrook" in texts[0]


def test_generated_multi_force_months_imported_one_by_one_match_the_folder(pg_url, tmp_path):
    from geo.store.pg_writes import import_files_pg
    from tools.bench import BenchSize, generate

    data = generate(tmp_path / "generated", BenchSize(20_000, 14, 30), seed=3)
    import_files_pg(pg_url, "hotspots", [data.hotspot_file])
    months = sorted(data.crimes.rglob("*-street.csv"))
    for month in months:
        import_files_pg(pg_url, "crimes", [month])
    held = _held(pg_url)
    assert len(held) == len(months)
    with psycopg.connect(pg_url) as connection:
        forces = connection.execute("SELECT count(DISTINCT reported_by) FROM crime_files")
        assert forces.fetchone()[0] > 1
    assert_same_figures(load_dataset(data.folder), load_dataset(pg_url))


def test_no_crimes_is_a_message_and_crimes_far_from_every_hotspot_count_as_in_a_folder(
    capsys, sample_dir, pg_url, tmp_path
):
    _import(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
    status, _, err = cli(capsys, "summary", "--data", pg_url, "--period", "2025-01:2025-12")
    assert status == 2 and "holds no crime rows" in err
    for month in ("2024-06", "2025-06"):  # a month and its baseline, far from every hotspot
        far = tmp_path / "folder" / "crimes" / month / f"{month}-metropolitan-street.csv"
        far.parent.mkdir(parents=True)
        far.write_text(
            "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
            f"LSOA name,Crime type,Last outcome category,Context\n,{month},Metropolitan Police "
            "Service,Metropolitan Police Service,-0.127758,51.507351,On or near Trafalgar "
            "Square,E01004736,Westminster 018A,Anti-social behaviour,,\n"
        )
        _import(capsys, pg_url, "crimes", far)
    shutil.copy(sample_dir / "hotspots.geojson", tmp_path / "folder")
    period = "2025-06:2025-06"
    _, from_folder, _ = cli(
        capsys, "summary", "--data", str(tmp_path / "folder"), "--period", period
    )
    status, from_pg, err = cli(capsys, "summary", "--data", pg_url, "--period", period)
    assert status == 0, err
    assert from_pg == from_folder
    assert_same_figures(load_dataset(tmp_path / "folder"), load_dataset(pg_url))


def test_control_areas_are_copied_and_counted_as_in_a_folder(capsys, own_data, pg_url, tmp_path):
    import geopandas as gpd

    folder = tmp_path / "with-control"
    shutil.copytree(own_data, folder)
    hotspots = gpd.read_file(folder / "hotspots.geojson")
    control = hotspots.iloc[:4].copy()
    control["geometry"] = control.geometry.translate(0.02, 0.01).envelope.scale(4, 4)
    control.to_file(folder / "control.geojson")
    status, _, err = cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    assert status == 0, err
    from_folder, from_pg = load_dataset(folder), load_dataset(pg_url)
    assert from_pg.areas.control_source == "the control areas supplied"
    assert from_folder.areas.control["crime"].sum() > 0
    assert_same_figures(from_folder, from_pg)
    back = tmp_path / "back"
    cli(capsys, "db", "copy", "--from", pg_url, "--to", str(back))
    assert_same_figures(from_folder, load_dataset(back))
