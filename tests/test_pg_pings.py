"""geo.store.postgres.pings: GPS pings imported into a database (all or nothing, pseudonymised, by
month) give the folder's visits, patrol hours and `geo dosage` figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pytest

from geo.app.configured import visit_rules
from geo.app.load import dataset_version, load_dataset
from geo.counting.visits import VisitRules
from geo.store.postgres.connection import APP_TABLES
from geo.store.pseudonyms import KEY_ENV
from tests.pings_helpers import every, stay, write_pings
from tests.postgres_support import PERIOD, ROOT, assert_same_figures, cli, import_ok, reading_role

pytestmark = pytest.mark.postgres

DOSAGE_PERIOD = "2025-01:2025-02"


@pytest.fixture(scope="module")
def ping_files(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two months of generated pings by officers patrolling the sample's hotspots."""
    from tools.bench_pings import PingSize, write_pings

    shapes = list(gpd.read_file(sample_dir / "hotspots.geojson").to_crs(27700).geometry)
    towns = np.array([[s.centroid.x, s.centroid.y] for s in shapes[::6]])
    folder = write_pings(
        tmp_path_factory.mktemp("pings"), PingSize(24_000, 2, 8), shapes, towns, seed=5
    )
    return sorted(folder.glob("*.csv"))


def _same_visits(folder_data, pg_data) -> None:
    """The GPS visits and what reading the pings counted are the same."""
    assert folder_data.gps is not None and pg_data.gps is not None
    pd.testing.assert_frame_equal(folder_data.gps.visits, pg_data.gps.visits)
    assert folder_data.gps.stats == pg_data.gps.stats
    assert len(pg_data.gps.visits) > 0


def test_pings_in_a_database_give_the_folders_visits_dosage_and_figures(
    capsys, monkeypatch, own_data, pg_url, ping_files, tmp_path
):
    monkeypatch.setenv(KEY_ENV, "a test key of enough length")
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    import_ok(capsys, str(folder), "pings", *ping_files)
    out = import_ok(capsys, pg_url, "pings", *ping_files)
    assert out.count("added") == len(ping_files)
    from_folder, from_pg = load_dataset(folder), load_dataset(pg_url)
    _same_visits(from_folder, from_pg)
    assert_same_figures(from_folder, from_pg)
    assert from_pg.patrol_source_sentence == from_folder.patrol_source_sentence
    outputs = [_dosage(capsys, location) for location in (str(folder), pg_url)]
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == len(from_pg.hotspots) + 1
    with psycopg.connect(pg_url) as connection:
        partitions = connection.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'pings'::regclass"
        ).fetchone()[0]
        stored, officers = connection.execute(
            "SELECT count(*), count(DISTINCT officer) FROM pings"
        ).fetchone()
        plain = connection.execute("SELECT count(*) FROM pings WHERE officer LIKE 'PC %'")
        assert plain.fetchone()[0] == 0  # pseudonyms only
    assert partitions == len(ping_files)
    assert stored == from_pg.gps.stats.rows - from_pg.gps.stats.no_fix and officers == 8
    again = import_ok(capsys, pg_url, "pings", ping_files[0])  # replaced, never doubled
    assert "replaced" in again
    _same_visits(from_folder, load_dataset(pg_url))


def _dosage(capsys, location: str, *rules: str) -> str:
    """`geo dosage --data LOCATION` for the test period (rules as flags), which must succeed."""
    status, table, err = cli(
        capsys, "dosage", "--data", location, "--period", DOSAGE_PERIOD, *rules
    )
    assert status == 0, err
    return table


def _built_rules(url: str) -> tuple:
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT tolerance_m, max_accuracy_m, max_gap_min FROM ping_rules"
        ).fetchone()


OTHER_RULES = {
    "HOTSPOT_PING_TOLERANCE_M": "60",
    "HOTSPOT_PING_MAX_ACCURACY_M": "12",
    "HOTSPOT_PING_MAX_GAP_MIN": "3",
}


def test_an_instance_with_other_rules_uses_the_databases_and_says_so(
    capsys, monkeypatch, own_data, pg_url, ping_files, tmp_path
):
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    import_ok(capsys, str(folder), "pings", *ping_files)
    import_ok(capsys, pg_url, "pings", *ping_files)
    assert _built_rules(pg_url) == (20.0, 50.0, 5.0)  # the importing process's (defaults)
    by_default = load_dataset(folder)
    for variable, value in OTHER_RULES.items():
        monkeypatch.setenv(variable, value)
    with reading_role(pg_url, "hotspot_app_rules_test", only=APP_TABLES) as reader:
        instance = load_dataset(reader)  # reads no ping: it could not
    _same_visits(by_default, instance)
    assert instance.gps.rules == VisitRules() and instance.gps_asked == visit_rules()
    sentence = instance.patrol_source_sentence
    assert "within 20 m of its edge" in sentence and "worse than 50 m" in sentence
    assert "at most 5 minutes apart" in sentence
    for variable, value in OTHER_RULES.items():
        assert f"{variable} is {value} here" in sentence
    assert "whoever imports" in sentence
    assert "database's" not in by_default.patrol_source_sentence
    import_ok(capsys, pg_url, "pings", ping_files[0])  # an import under the other rules ...
    assert _built_rules(pg_url) == (60.0, 12.0, 3.0)  # ... builds every visit under them
    rebuilt, other = load_dataset(pg_url), load_dataset(folder)
    assert rebuilt.gps_asked is None and "database's" not in rebuilt.patrol_source_sentence
    assert len(rebuilt.gps.visits) != len(instance.gps.visits)
    _same_visits(other, rebuilt)
    assert_same_figures(other, rebuilt)


def test_dosage_under_other_rules_reads_the_pings_with_an_import_role_only(
    capsys, own_data, pg_url, ping_files, tmp_path
):
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    import_ok(capsys, str(folder), "pings", *ping_files)
    import_ok(capsys, pg_url, "pings", *ping_files)
    wider = ("--tolerance-m", "60", "--max-accuracy-m", "12", "--min-visit-min", "4")
    from_pings = _dosage(capsys, pg_url, *wider)
    assert from_pings == _dosage(capsys, str(folder), *wider)
    assert from_pings != _dosage(capsys, pg_url)
    with reading_role(pg_url, "hotspot_app_dosage_test", only=APP_TABLES) as reader:
        assert _dosage(capsys, reader) == _dosage(capsys, str(folder))  # the stored visits
        shorter = ("--min-visit-min", "4")  # applied to the stored visits as they are read
        assert _dosage(capsys, reader, *shorter) == _dosage(capsys, str(folder), *shorter)
        status, _, err = cli(capsys, "dosage", "--data", reader, "--period", DOSAGE_PERIOD, *wider)
    assert status == 2 and "import role" in err and "--tolerance-m 20" in err
    assert "Traceback" not in err


def test_visits_running_from_one_file_into_the_next_are_joined_as_in_a_folder(
    capsys, monkeypatch, own_data, pg_url, tmp_path
):
    monkeypatch.setenv(KEY_ENV, "a test key of enough length")
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    hotspots = gpd.read_file(folder / "hotspots.geojson")
    inside = hotspots.geometry.iloc[3].representative_point()
    place = (round(inside.x, 7), round(inside.y, 7))
    january = every("2025-01-31T23:40:00Z", "2025-01-31T23:59:30Z", 30)
    february = every("2025-02-01T00:00:00Z", "2025-02-01T00:20:00Z", 30)
    first = write_pings(
        tmp_path / "in" / "january.csv",
        stay("PC 7", place, january) + stay("PC 8", place, january[:10]),
    )
    second = write_pings(
        tmp_path / "in" / "february.csv",
        stay("PC 7", place, february) + stay("PC 9", place, february[5:]),
    )
    for location in (str(folder), pg_url):  # one import each: the second joins the first's
        import_ok(capsys, location, "pings", first)
        import_ok(capsys, location, "pings", second)
    from_folder, from_pg = load_dataset(folder), load_dataset(pg_url)
    _same_visits(from_folder, from_pg)
    assert_same_figures(from_folder, from_pg)
    visits = from_pg.gps.visits
    joined = visits[visits["pings"] == len(january) + len(february)]
    assert len(joined) == 1 and len(visits) == 3  # PC 7's one visit over both files and months
    with psycopg.connect(pg_url) as connection:
        columns = [
            r[0]
            for r in connection.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = 'ping_visits'"
            )
        ]
    assert not [c for c in columns if "officer" in c]  # visits are kept without officers


def test_a_store_made_before_visits_were_kept_is_built_by_db_upgrade(
    capsys, own_data, pg_url, ping_files
):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    import_ok(capsys, pg_url, "pings", *ping_files)
    reference = load_dataset(pg_url)
    with psycopg.connect(pg_url) as connection:  # as 0005 leaves a store made before it
        connection.execute("DELETE FROM ping_visits")
        connection.execute("DELETE FROM ping_totals")
        connection.execute("UPDATE ping_rules SET max_gap_min = NULL")
    status, _, err = cli(capsys, "summary", "--data", pg_url, "--period", PERIOD)
    assert status == 2 and "db upgrade" in err and "Traceback" not in err
    status, _, err = cli(capsys, "db", "upgrade", "--data", pg_url)
    assert status == 0, err
    _same_visits(reference, load_dataset(pg_url))


def test_a_new_set_of_hotspots_recounts_the_pings(
    capsys, monkeypatch, own_data, pg_url, ping_files, tmp_path
):
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    import_ok(capsys, pg_url, "pings", *ping_files)
    before = load_dataset(pg_url).gps.visits
    hotspots = gpd.read_file(folder / "hotspots.geojson")
    moved = hotspots.iloc[::-1].reset_index(drop=True)  # the same outlines in another order
    moved.to_file(folder / "hotspots.geojson")
    import_ok(capsys, pg_url, "hotspots", folder / "hotspots.geojson")
    import_ok(capsys, str(folder), "pings", *ping_files)
    after = load_dataset(pg_url)
    _same_visits(load_dataset(folder), after)
    assert not after.gps.visits["hotspot"].equals(before["hotspot"])  # built again
    last = len(hotspots) - 1  # each visit now names its hotspot's new position
    assert sorted(last - before["hotspot"]) == sorted(after.gps.visits["hotspot"])


def test_a_bad_ping_file_leaves_the_store_as_it_was(capsys, own_data, pg_url, ping_files, tmp_path):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    version = dataset_version(pg_url)
    bad = tmp_path / "bad.csv"
    lines = ping_files[1].read_text().splitlines()
    lines[40] = lines[40].replace(",-1.", ",west of -1.", 1)
    bad.write_text("\n".join(lines) + "\n")
    status, _, err = cli(capsys, "import", "--data", pg_url, "pings", str(ping_files[0]), str(bad))
    assert status == 2 and "bad.csv" in err and "row 41" in err and "Traceback" not in err
    assert dataset_version(pg_url) == version
    with psycopg.connect(pg_url) as connection:
        held = connection.execute(
            "SELECT (SELECT count(*) FROM ping_files), (SELECT count(*) FROM pseudonym_key)"
        ).fetchone()
    assert held == (0, 0)


def test_the_stored_key_keeps_pseudonyms_and_the_app_role_reads_no_ping_nor_officer(
    capsys, monkeypatch, own_data, pg_url, ping_files, tmp_path
):
    monkeypatch.delenv(KEY_ENV, raising=False)
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    import_ok(capsys, pg_url, "pings", ping_files[0])
    import_ok(capsys, pg_url, "pings", ping_files[1])
    with psycopg.connect(pg_url) as connection:
        files, officers = connection.execute(
            "SELECT count(DISTINCT file_id), count(DISTINCT officer) FROM pings"
        ).fetchone()
        partitions = [
            r[0]
            for r in connection.execute(
                "SELECT inhrelid::regclass::text FROM pg_inherits"
                " WHERE inhparent IN ('pings'::regclass, 'crimes'::regclass)"
            )
        ]
    assert (files, officers) == (2, 8)  # one key for both months: the 8 officers, not more
    import_ok(capsys, str(folder), "pings", *ping_files)
    from_folder = load_dataset(folder)
    hidden = ["pings", "counting_pings", "ping_files", "pseudonym_key", "crimes", *partitions]
    with reading_role(pg_url, "hotspot_app_test", only=APP_TABLES) as reader:
        for table in hidden:
            with psycopg.connect(reader) as connection, pytest.raises(psycopg.Error):
                connection.execute(f"SELECT * FROM {table} LIMIT 1")  # the role cannot read it
        from_reader = load_dataset(reader)  # ... nor needs to
        _same_visits(from_folder, from_reader)
        assert_same_figures(from_folder, from_reader)
        assert _dosage(capsys, reader) == _dosage(capsys, str(folder))
        status, out, err = cli(capsys, "db", "status", "--data", reader)
    assert status == 0, err
    assert "GPS pings: 2 files 2025-01 to 2025-02" in out


def test_a_folder_with_pings_is_copied_into_a_database_and_back_byte_for_byte(
    capsys, monkeypatch, own_data, pg_url, ping_files, tmp_path
):
    monkeypatch.delenv(KEY_ENV, raising=False)
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    import_ok(capsys, str(folder), "pings", *ping_files)
    status, _, err = cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    assert status == 0, err
    from_folder, from_pg = load_dataset(folder), load_dataset(pg_url)
    _same_visits(from_folder, from_pg)
    assert_same_figures(from_folder, from_pg)
    back = tmp_path / "back"
    status, _, err = cli(capsys, "db", "copy", "--from", pg_url, "--to", str(back))
    assert status == 0, err
    stored = sorted(p.relative_to(folder) for p in (folder / "pings").rglob("*.csv"))
    assert stored == sorted(p.relative_to(back) for p in (back / "pings").rglob("*.csv"))
    for name in [*stored, Path(".pseudonym-key")]:
        assert (back / name).read_bytes() == (folder / name).read_bytes(), name
    assert len(stored) == len(ping_files)
    extra = tmp_path / "later.csv"  # a later import through the database ...
    shutil.copy(ping_files[0], extra)
    import_ok(capsys, pg_url, "pings", extra)
    import_ok(capsys, str(folder), "pings", extra)  # ... gives the pseudonyms the folder's key does
    _same_visits(load_dataset(folder), load_dataset(pg_url))


def test_a_second_instance_sees_a_ping_import_at_its_next_refresh(
    capsys, own_data, pg_url, ping_files
):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    import_ok(capsys, pg_url, "pings", ping_files[0])
    with reading_role(pg_url, "hotspot_app_refresh_test", only=APP_TABLES) as reader:
        first = load_dataset(reader)  # instance A's cached dataset, read with the app role
        key = dataset_version(reader)
        assert key == first.version
        import_ok(capsys, pg_url, "pings", ping_files[1])  # through instance B
        assert dataset_version(reader) != key  # instance A's refresh sees a new version ...
        reloaded = load_dataset(reader)  # ... and reloads the visits B's import built
    assert (first.gps.stats.files, reloaded.gps.stats.files) == (1, 2)
    months = reloaded.patrols.loc[reloaded.patrols["is_visit"], "month"].nunique()
    assert months == first.patrols.loc[first.patrols["is_visit"], "month"].nunique() + 1


def test_the_explore_page_says_whose_visit_rules_it_shows(
    capsys, monkeypatch, own_data, pg_url, ping_files
):
    from streamlit.testing.v1 import AppTest

    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    import_ok(capsys, pg_url, "pings", *ping_files)
    for variable, value in OTHER_RULES.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    with reading_role(pg_url, "hotspot_app_page_test", only=APP_TABLES) as reader:
        monkeypatch.setenv("HOTSPOT_DATA", reader)
        page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        page.switch_page("pages/explore.py").run()
        assert not page.exception
    said = " ".join(caption.value for caption in page.caption)
    assert "within 20 m of its edge" in said and "whoever imports" in said
    assert "HOTSPOT_PING_TOLERANCE_M is 60 here, 20 there" in said
