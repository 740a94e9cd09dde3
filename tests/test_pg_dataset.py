"""geo.store.postgres.load: a database's dataset gives the folder's figures, read from the counts
tables only, and instances see each other's imports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from geo.app.load import dataset_version, load_dataset
from geo.io.patrols import log_problems
from geo.schema import OUTCOME_COLUMNS
from geo.store.postgres.load import stored_patrol_problems
from tests.postgres_support import (
    PERIOD,
    ROOT,
    assert_same_figures,
    cli,
    import_ok,
    load_placed,
    month_files,
    reading_role,
)

pytestmark = pytest.mark.postgres


def test_a_second_instance_sees_an_import_at_its_next_refresh(capsys, sample_dir, pg_url):
    months = month_files(sample_dir)
    import_ok(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
    import_ok(capsys, pg_url, "crimes", *months[:-1])
    first = load_dataset(pg_url)  # instance A's cached dataset
    key = dataset_version(pg_url)  # instance B's cache key before its import
    assert key == first.version
    import_ok(capsys, pg_url, "crimes", months[-1])  # through instance B
    assert dataset_version(pg_url) != key  # instance A's refresh sees a new version ...
    reloaded = load_dataset(pg_url)  # ... and reloads
    assert len(reloaded.counts.months) == len(first.counts.months) + 1
    assert str(reloaded.last_month) == months[-1].parent.name


def test_no_crimes_is_a_message_and_crimes_far_from_every_hotspot_count_as_in_a_folder(
    capsys, sample_dir, pg_url, tmp_path
):
    import_ok(capsys, pg_url, "hotspots", sample_dir / "hotspots.geojson")
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
        import_ok(capsys, pg_url, "crimes", far)
    shutil.copy(sample_dir / "hotspots.geojson", tmp_path / "folder")
    period = "2025-06:2025-06"
    _, from_folder, _ = cli(
        capsys, "summary", "--data", str(tmp_path / "folder"), "--period", period
    )
    status, from_pg, err = cli(capsys, "summary", "--data", pg_url, "--period", period)
    assert status == 0, err
    assert from_pg == from_folder
    assert_same_figures(load_dataset(tmp_path / "folder"), load_placed(pg_url))


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


_SCANS = {
    "type_month_counts": (
        "SELECT month, reported_by, crime_type, count(*), count(*) - count(DISTINCT ("
        " crime_id, falls_within, longitude, latitude, location, lsoa_code, lsoa_name,"
        " last_outcome, context)) FROM crimes GROUP BY 1, 2, 3"
    ),
    "asb_point_counts": (
        "SELECT month, lon, lat, count(*) FROM crimes"
        " WHERE crime_type = 'Anti-social behaviour' AND geom IS NOT NULL GROUP BY 1, 2, 3"
    ),
}


def _assert_tables_equal_the_scans(url: str) -> None:
    """The tables loads read hold exactly what scanning the crime rows gives, row for row."""
    with psycopg.connect(url) as connection:
        for table, scan in _SCANS.items():
            kept = connection.execute(f"SELECT * FROM {table}").fetchall()
            scanned = connection.execute(scan).fetchall()
            assert sorted(kept) == sorted(scanned) and kept, table


def _with_duplicates(original: Path, out: Path, every: int) -> Path:
    """The month's file with every `every`-th row written twice (police.uk's duplicated rows)."""
    lines = original.read_text().splitlines(keepends=True)
    doubled = [lines[0]] + [
        line for i, row in enumerate(lines[1:]) for line in ([row] * (2 if i % every == 0 else 1))
    ]
    target = out / original.parent.name / original.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(doubled))
    return target


def test_load_tables_equal_the_crime_row_scans_after_copy_import_and_replacement(
    capsys, own_data, pg_url, tmp_path
):
    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    months = month_files(folder)
    first_copy = _with_duplicates(months[2], tmp_path / "dups", every=5)
    shutil.copy(first_copy, months[2])
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    _assert_tables_equal_the_scans(pg_url)
    assert_same_figures(load_dataset(folder), load_placed(pg_url))
    assert load_dataset(pg_url).type_counts["duplicates"].sum() > 0
    replaced = _with_duplicates(months[-1], tmp_path / "more", every=3)  # a month replaced
    shutil.copy(replaced, months[-1])
    assert "replaced" in import_ok(capsys, pg_url, "crimes", months[-1])
    _assert_tables_equal_the_scans(pg_url)
    assert_same_figures(load_dataset(folder), load_placed(pg_url))
    for month in months[:2]:
        lines = month.read_text().splitlines(keepends=True)
        month.write_text("".join(lines[: 1 + (len(lines) - 1) // 2]))
    import_ok(capsys, pg_url, "crimes", *months[:2])  # fewer rows: stale counts would remain
    _assert_tables_equal_the_scans(pg_url)
    assert_same_figures(load_dataset(folder), load_placed(pg_url))


def test_a_load_reads_no_crime_row(capsys, own_data, pg_url):
    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    with reading_role(pg_url, "hotspot_no_crimes_test", without=("crimes",)) as reader:
        with psycopg.connect(reader) as connection, pytest.raises(psycopg.Error):
            connection.execute("SELECT count(*) FROM crimes")  # the role cannot read them ...
        assert_same_figures(load_dataset(own_data), load_placed(reader))  # ... nor need to


@pytest.mark.parametrize(
    "verb",
    [
        ("evaluate", "--period", PERIOD),
        ("evaluate", "--period", PERIOD, "--format", "csv", "--keep-flagged"),
        ("return", "--month", "2026-09", "--out", "{out}.csv"),
        ("return", "--month", "2026-03", "--out", "{out}.xlsx"),
    ],
    ids=["evaluate-json", "evaluate-csv", "return-csv", "return-xlsx"],
)
def test_every_figure_verb_says_the_same_from_both_stores(
    capsys, sample_dir, pg_url, tmp_path, verb
):
    _same_from_both_stores(capsys, sample_dir, pg_url, tmp_path, verb)


@pytest.mark.parametrize(
    "verb",
    [("return", "--month", "2026-09", "--out", "{out}.csv"), ("briefing", "--out", "{out}.pdf")],
    ids=["return", "briefing"],
)
def test_a_log_with_outcomes_and_patrol_types_says_the_same_from_both_stores(
    capsys, detailed_data, pg_url, tmp_path, verb
):
    text = _same_from_both_stores(capsys, detailed_data, pg_url, tmp_path, verb)
    assert "Stop and searches" in text and "Drug seizures" in text
    from_pg = load_dataset(pg_url).patrol_rows
    from_folder = load_dataset(detailed_data).patrol_rows
    kept = [*OUTCOME_COLUMNS, "patrol_type"]
    pd.testing.assert_frame_equal(from_folder[kept], from_pg[kept])
    assert set(from_pg["patrol_type"]) == {"", "uniformed", "plain clothes"}
    assert "notes" not in from_pg.columns and "officer_id" not in from_pg.columns


def test_db_upgrade_keeps_the_outcomes_of_a_log_imported_before_they_were_kept(
    capsys, detailed_data, pg_url
):
    cli(capsys, "db", "copy", "--from", str(detailed_data), "--to", pg_url)
    with psycopg.connect(pg_url) as connection:  # a store made before 0006
        connection.execute(
            "ALTER TABLE patrols DROP COLUMN patrol_type, DROP COLUMN stop_searches,"
            " DROP COLUMN asb_powers, DROP COLUMN missing_found, DROP COLUMN drugs_seized"
        )
        connection.execute("DROP TABLE patrol_problems")
        connection.execute("DELETE FROM schema_migrations WHERE version = 6")
    status, _, err = cli(capsys, "db", "upgrade", "--data", pg_url)
    assert status == 0, err
    kept = [*OUTCOME_COLUMNS, "patrol_type"]
    from_folder = load_dataset(detailed_data).patrol_rows
    pd.testing.assert_frame_equal(from_folder[kept], load_dataset(pg_url).patrol_rows[kept])
    problems = stored_patrol_problems(pg_url)
    assert len(problems) and problems.equals(log_problems(from_folder))


@pytest.fixture
def detailed_data(sample_dir, tmp_path) -> Path:
    """The sample with every optional outcome (drug seizures partly blank), patrol types (some
    rows without one), notes and a visit entered twice in its patrol log."""
    from tests.helpers import with_outcome_columns

    folder = with_outcome_columns(sample_dir, tmp_path / "detailed", tuple(OUTCOME_COLUMNS))
    log = pd.read_csv(folder / "patrols.csv", dtype=str, keep_default_na=False)
    log["patrol_type"] = ["uniformed", "", "Plain clothes"] * (len(log) // 3) + [""] * (
        len(log) % 3
    )
    log = pd.concat([log, log.iloc[[0]]], ignore_index=True)  # a visit entered twice
    log.to_csv(folder / "patrols.csv", index=False)
    return folder


def _same_from_both_stores(capsys, folder: Path, pg_url: str, tmp_path: Path, verb) -> str:
    """What `verb` says from the folder, after copying it into the database and from there."""
    cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    said = []
    for name, location in (("folder", str(folder)), ("database", pg_url)):
        argv = [a.format(out=tmp_path / name) for a in verb]
        status, out, err = cli(capsys, argv[0], "--data", location, *argv[1:])
        assert status == 0, err
        written = [Path(a) for a in argv if a.startswith(str(tmp_path))]
        text = out + "".join(map(_as_text, written))
        said.append(text.replace(location_name(location), "DATASET"))
    assert said[0] == said[1] and said[0].count("\n") > 10
    return said[0]


def location_name(location: str) -> str:
    """The dataset's name as the monthly return shows it: the folder's, or the database's."""
    from geo.store.interface import open_store

    return open_store(location).name


def _as_text(path: Path) -> str:
    """A written file as text: a CSV itself, every sheet of a workbook as CSV, a PDF's text."""
    if path.suffix == ".csv":
        return path.read_text()
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return PdfReader(path).pages[0].extract_text()
    sheets = pd.read_excel(path, sheet_name=None, header=None)
    return "".join(f"{name}\n{sheet.to_csv(index=False)}" for name, sheet in sheets.items())
