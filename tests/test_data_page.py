"""The data page (`/data`) under AppTest: upload → check → commit, problems, quality report."""

from __future__ import annotations

import json
import socket

import geopandas as gpd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.helpers import (
    IN_A,
    A,
    B,
    month_rows,
    run_data_page,
    shown,
    shown_texts,
    small_dataset,
    tree,
    write_street_csv,
)

BAD_FILES = ROOT / "tests" / "bad_files"


@pytest.fixture
def dataset(tmp_path):
    return small_dataset(tmp_path / "data")


def _tables(at: AppTest, first_column: str) -> list:
    """The tables on the page whose first column is `first_column`."""
    return [d.value for d in at.dataframe if d.value.columns[0] == first_column]


def _localized(grid) -> set[str]:
    """The columns of a table on the page written with thousands separators."""
    columns = json.loads(grid.proto.columns)
    return {
        name for name, c in columns.items() if c.get("type_config", {}).get("format") == "localized"
    }


def _quality_counts(at: AppTest):
    """The quality report's counts, by check."""
    (summary,) = _tables(at, "check")
    return summary.set_index("check")["count"]


def test_upload_check_commit_and_the_map_shows_the_new_month(monkeypatch, dataset, tmp_path):
    feb = write_street_csv(
        tmp_path / "2024-02-test-street.csv", month_rows("2024-02", 4, missing=1)
    )
    at = run_data_page(monkeypatch, dataset)
    assert at.title[0].value == "Data"
    at.file_uploader(key="up_crimes").set_value([(feb.name, feb.read_bytes(), "text/csv")]).run()
    at.button(key="check").click().run()
    assert not at.exception and not at.error
    assert "Crimes: 5 rows in 1 month of 1 force" in shown_texts(at.subheader)
    assert any("1 warning:" in w for w in shown_texts(at.warning))  # the row without coordinates
    (preview,) = [d for d in at.dataframe if d.value.columns[0] == "month"]
    assert _localized(preview) >= {"rows", "asb", "no_location"}  # 8,884 as the heading writes it
    (plan,) = _tables(at, "action")
    assert plan.to_dict(orient="records") == [
        {"action": "add", "file": "crimes/2024-02/2024-02-test-street.csv",
         "what": "2024-02 Test Constabulary: 5 rows"}
    ]  # fmt: skip
    at.button(key="commit").click().run()
    assert not at.exception
    assert any("Imported." in s for s in shown_texts(at.success))
    assert (dataset / "crimes/2024-02/2024-02-test-street.csv").read_bytes() == feb.read_bytes()
    # the caches were cleared: the map page sees February at once (and, with two months of
    # data, says that no change against a year earlier can be shown)
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert any("2024-01 to 2024-02 (2 months)" in shown(e.value) for e in at.error)


def test_bad_uploads_are_listed_with_file_row_and_column_and_change_nothing(monkeypatch, dataset):
    at = run_data_page(monkeypatch, dataset)
    before = tree(dataset.parent)  # after the first run: showing the dataset may cache it
    bad_month = (BAD_FILES / "crimes" / "bad-month-street.csv").read_bytes()
    points = (BAD_FILES / "hotspots" / "points.geojson").read_bytes()
    at.file_uploader(key="up_crimes").set_value([("jan-street.csv", bad_month, "text/csv")])
    at.file_uploader(key="up_hotspots").set_value(("points.geojson", points, "application/json"))
    at.run()
    at.button(key="check").click().run()
    assert not at.exception
    assert any("2 problems" in e for e in shown_texts(at.error))
    problems = at.dataframe[0].value
    assert problems[["file", "row", "column"]].astype(str).values.tolist() == [
        ["points.geojson", "1", "geometry"],
        ["jan-street.csv", "4", "Month"],
    ]
    assert "'2024-13' is not a month (YYYY-MM)" in problems["problem"].tolist()
    assert not [b for b in at.button if b.key == "commit"]
    assert tree(dataset.parent) == before


def test_hotspots_preview_escapes_nothing_into_markup_and_commits(monkeypatch, dataset, tmp_path):
    path = tmp_path / "new.geojson"
    gpd.GeoDataFrame(
        {"hotspot_id": ["A", "B"], "name": ["<b>Market</b>", "Park"], "town": ["Heanor"] * 2},
        geometry=[box(*A), box(*B)],
        crs="EPSG:4326",
    ).to_crs("EPSG:27700").to_file(path, driver="GeoJSON")
    at = run_data_page(monkeypatch, dataset)
    at.file_uploader(key="up_hotspots").set_value(
        (path.name, path.read_bytes(), "application/json")
    )
    at.run()
    at.button(key="check").click().run()
    assert not at.exception and not at.error
    assert "Hotspots: 2 from new\\.geojson" in [h.value for h in at.subheader]  # escaped
    assert any("British National Grid" in c for c in shown_texts(at.caption))
    hotspots = at.dataframe[0].value
    assert hotspots["name"].tolist() == ["<b>Market</b>", "Park"]  # shown as text in a table
    at.button(key="commit").click().run()
    assert not at.exception
    assert sorted(p.name for p in dataset.glob("hotspots.*")) == ["hotspots.geojson"]


def test_the_sample_dataset_cannot_be_changed_from_the_page(monkeypatch, sample_dir, tmp_path):
    feb = write_street_csv(tmp_path / "2024-02-test-street.csv", month_rows("2024-02", 1))
    at = run_data_page(monkeypatch, sample_dir)
    before = tree(sample_dir)
    at.file_uploader(key="up_crimes").set_value([(feb.name, feb.read_bytes(), "text/csv")]).run()
    at.button(key="check").click().run()
    assert any("generated sample dataset" in p for p in at.dataframe[0].value["problem"])
    assert tree(sample_dir) == before


def test_quality_report_is_shown_for_the_current_dataset(monkeypatch, dataset):
    at = run_data_page(monkeypatch, dataset)
    summary = _quality_counts(at)
    assert summary["Months of crime data"] == 1
    assert summary["Crime rows without a location"] == 0
    assert summary["Overlapping hotspot pairs"] == 0
    (grid,) = [d for d in at.dataframe if d.value.columns[0] == "check"]
    assert _localized(grid) == {"count"}  # counts such as 189,059 shown with commas


def test_a_new_empty_folder_still_offers_the_import(monkeypatch, tmp_path):
    at = run_data_page(monkeypatch, tmp_path / "nowhere")
    assert len(at.file_uploader) == 4
    assert any("HOTSPOT_DATA" in e for e in shown_texts(at.error))  # the quality report says why


# what a person sees, in Debian's chromium


def _upload_and_check(page, crime_file, outcome: str, uploader: int = 1) -> None:
    """Put one file in an uploader (the crimes one unless told), press Check, and wait for
    `outcome`."""
    from playwright.sync_api import expect

    from tests.browser_support import IDLE

    uploads = page.locator("[data-testid=stFileUploader] input[type=file]")
    uploads.nth(uploader).set_input_files(str(crime_file))
    expect(page.get_by_role("button", name="Check files")).to_be_enabled()
    page.wait_for_selector(IDLE)
    page.get_by_role("button", name="Check files").click()
    page.get_by_text(outcome).wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)


@pytest.fixture(scope="module")
def data_server(tmp_path_factory):
    from tests.browser_support import serve

    yield from serve(small_dataset(tmp_path_factory.mktemp("served") / "data"))


@pytest.mark.browser
def test_in_a_browser_a_bad_file_is_listed_then_a_good_one_committed(
    browser, data_server, tmp_path
):

    from tests.browser_support import ARTIFACTS, IDLE, TILE_HOST, open_page

    page, requests = open_page(browser, f"{data_server}/data")
    _upload_and_check(page, BAD_FILES / "crimes" / "bad-month-street.csv", "1 problem.")
    page.screenshot(path=str(ARTIFACTS / "data-page-problem.png"), full_page=True)
    assert page.get_by_role("button", name="Commit to the dataset").count() == 0

    page.close()

    good = write_street_csv(tmp_path / "2024-02-test-street.csv", month_rows("2024-02", 3))
    page, more = open_page(browser, f"{data_server}/data")
    requests += more
    _upload_and_check(page, good, "What committing will do")
    page.screenshot(path=str(ARTIFACTS / "data-page-ready.png"), full_page=True)
    page.get_by_role("button", name="Commit to the dataset").click()
    page.get_by_text("Imported. The map now shows the new data.").wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    page.screenshot(path=str(ARTIFACTS / "data-page-committed.png"), full_page=True)
    outside = {r.split("/")[2] for r in requests if r.startswith("http")} - {
        data_server.split("/")[2],
        TILE_HOST,
    }
    assert not outside, outside
    page.close()


@pytest.mark.postgres
def test_uploads_are_committed_to_a_database_in_one_import(
    capsys, monkeypatch, own_data, pg_url, tmp_path
):
    import shutil

    import psycopg

    from geo.app.load import load_dataset
    from tests.postgres_support import cli, month_files

    months = month_files(own_data)
    held = tmp_path / "held"  # the dataset without its last month
    shutil.copytree(own_data, held, ignore=shutil.ignore_patterns(".cache", months[-1].name))
    cli(capsys, "db", "copy", "--from", str(held), "--to", pg_url)
    before = load_dataset(pg_url)
    at = run_data_page(monkeypatch, pg_url)
    uploads = [(p.name, p.read_bytes(), "text/csv") for p in (months[-2], months[-1])]
    at.file_uploader(key="up_crimes").set_value(uploads).run()
    at.button(key="check").click().run()
    assert not at.exception and not at.error
    (plan,) = _tables(at, "action")
    assert list(plan["action"]) == ["replace", "add"]
    at.button(key="commit").click().run()
    assert not at.exception and not at.error
    assert any("Imported." in s for s in shown_texts(at.success))
    after = load_dataset(pg_url)
    assert after.counts.months == [*before.counts.months, before.counts.months[-1] + 1]
    with psycopg.connect(pg_url) as connection:
        kind, client, rows = connection.execute(
            "SELECT kind, client, rows FROM import_log ORDER BY import_id DESC LIMIT 1"
        ).fetchone()
    assert kind == "crimes" and "via" in client
    assert rows == sum(len(p.read_text().splitlines()) - 1 for p in months[-2:])
    (log,) = _tables(at, "when")  # the page lists the database's imports
    assert list(log["what"][:2]) == ["crimes", "hotspots+crimes+patrols"]


def _ping_rows(officer: str = "PC 4411", bad_row: int | None = None) -> bytes:
    """Pings of one officer in hotspot A on 2 January 2024 (row `bad_row` with latitude 95)."""
    lines = ["officer_id,timestamp,longitude,latitude"]
    for minute in range(20):
        latitude = 95 if minute + 2 == bad_row else IN_A[1]
        lines.append(f"{officer},2024-01-02T10:{minute:02d}:00Z,{IN_A[0]},{latitude}")
    return ("\n".join(lines) + "\n").encode()


def test_ping_upload_is_checked_pseudonymised_and_committed(monkeypatch, dataset):
    from geo.analysis.patrol_source import GPS
    from geo.app.load import load_dataset

    at = run_data_page(monkeypatch, dataset)
    at.file_uploader(key="up_pings").set_value([("jan pings.csv", _ping_rows(), "text/csv")])
    at.run()
    at.button(key="check").click().run()
    assert not at.exception and not at.error
    assert "GPS pings: 20 in 1 file" in shown_texts(at.subheader)
    (listed,) = _tables(at, "file")
    assert listed.to_dict(orient="records") == [
        {"file": "jan pings.csv", "stored as": "pings/2024-01/jan_pings.csv", "pings": 20,
         "skipped (no position)": 0, "officers": 1, "first": "2024-01-02", "last": "2024-01-02"}
    ]  # fmt: skip
    assert "PC 4411" not in " ".join(str(d.value) for d in at.dataframe)
    at.button(key="commit").click().run()
    assert not at.exception
    assert any("Imported." in s for s in shown_texts(at.success))
    stored = (dataset / "pings/2024-01/jan_pings.csv").read_bytes()
    assert b"PC 4411" not in stored and stored.count(b"\n") == 21
    assert load_dataset(dataset).patrol_source == GPS


@pytest.mark.postgres
def test_a_ping_upload_into_a_database_uses_the_databases_key(
    capsys, monkeypatch, dataset, pg_url, tmp_path
):
    import psycopg

    from geo.analysis.patrol_source import GPS
    from geo.app.load import load_dataset
    from geo.store.pseudonyms import KEY_ENV
    from tests.postgres_support import cli

    monkeypatch.delenv(KEY_ENV, raising=False)
    cli(capsys, "db", "copy", "--from", str(dataset), "--to", pg_url)
    earlier = tmp_path / "earlier.csv"
    earlier.write_bytes(_ping_rows().replace(b"T10:", b"T14:"))
    assert cli(capsys, "import", "--data", pg_url, "pings", str(earlier))[0] == 0  # a key is kept
    at = run_data_page(monkeypatch, pg_url)
    at.file_uploader(key="up_pings").set_value([("jan pings.csv", _ping_rows(), "text/csv")])
    at.run()
    at.button(key="check").click().run()
    assert not at.exception and not at.error
    at.button(key="commit").click().run()
    assert not at.exception and not at.error
    assert any("Imported." in s for s in shown_texts(at.success))
    with psycopg.connect(pg_url) as connection:
        pings, officers, plain = connection.execute(
            "SELECT count(*), count(DISTINCT officer), count(*) FILTER (WHERE officer = 'PC 4411')"
            " FROM pings"
        ).fetchone()
        keys = connection.execute("SELECT count(*) FROM pseudonym_key").fetchone()[0]
    assert (pings, officers, plain, keys) == (40, 1, 0, 1)  # one officer: the database's key
    assert not list(ROOT.glob("postgresql*"))  # no folder made from the URL
    assert load_dataset(pg_url).patrol_source == GPS


def test_a_bad_ping_upload_names_file_row_and_column_and_changes_nothing(monkeypatch, dataset):
    at = run_data_page(monkeypatch, dataset)
    before = tree(dataset.parent)
    good, bad = _ping_rows(), _ping_rows(bad_row=7)
    at.file_uploader(key="up_pings").set_value(
        [("good.csv", good, "text/csv"), ("bad.csv", bad, "text/csv")]
    )
    at.run()
    at.button(key="check").click().run()
    assert not at.exception
    assert any("1 problem." in e for e in shown_texts(at.error))
    (problems,) = _tables(at, "level")
    assert problems[["file", "row", "column"]].astype(str).values.tolist() == [
        ["bad.csv", "7", "latitude"]
    ]
    assert not [b for b in at.button if b.key == "commit"]  # all or nothing: good.csv waits
    assert tree(dataset.parent) == before


def test_patrol_log_duplicates_overlaps_and_repeated_hour_times_are_listed(monkeypatch, dataset):
    from geo.io.patrols import log_problems, read_patrols

    log = dataset / "patrols.csv"
    log.write_text(
        "hotspot_id,start,end,officers,arrests,engagements,officer_id\n"
        "A,2024-01-02T10:00,2024-01-02T11:00,2,1,7,PC1\n"
        "A,2024-01-02T10:00,2024-01-02T11:00,2,1,7,PC1\n"
        "B,2024-01-02T10:30,2024-01-02T11:30,1,0,1,PC2\n"
        "A,2024-01-02T11:00,2024-01-02T12:00,1,0,1,PC2\n"
        "B,2023-10-29T01:30,2023-10-29T01:50,1,0,0,PC3\n"
    )
    expected = log_problems(read_patrols(log))
    assert set(expected["problem"]) == {
        "entered twice", "one officer's visits overlap", "time in the repeated hour",
    }  # fmt: skip
    at = run_data_page(monkeypatch, dataset)
    counts = _quality_counts(at)
    assert counts["Patrol log visits entered twice (both count until one is removed)"] == 1
    assert counts["One officer's patrol visits overlapping in time"] == 1
    assert counts["Patrol times in the hour repeated when the clocks go back"] == 1
    (listed,) = _tables(at, "problem")
    assert listed.to_dict(orient="records") == expected[["problem", "detail"]].to_dict(
        orient="records"
    )
    assert any("rows 2, 3 are the same visit" in d for d in listed["detail"])


@pytest.mark.browser
def test_in_a_browser_ping_files_are_checked_then_committed(browser, data_server, tmp_path):
    from tests.browser_support import ARTIFACTS, IDLE, open_page

    bad, good = tmp_path / "bad pings.csv", tmp_path / "jan-pings.csv"
    bad.write_bytes(_ping_rows(bad_row=9))
    good.write_bytes(_ping_rows())
    page, _requests = open_page(browser, f"{data_server}/data")
    _upload_and_check(page, bad, "1 problem.", uploader=3)
    assert page.get_by_role("button", name="Commit to the dataset").count() == 0
    page.close()
    page, _requests = open_page(browser, f"{data_server}/data")
    _upload_and_check(page, good, "GPS pings: 20 in 1 file", uploader=3)
    page.get_by_role("button", name="Commit to the dataset").click()
    page.get_by_text("Imported. The map now shows the new data.").wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    page.screenshot(path=str(ARTIFACTS / "data-page-pings.png"), full_page=True)
    page.close()


@pytest.mark.postgres
def test_a_databases_quality_report_is_shown_and_says_what_it_cannot_count(
    capsys, monkeypatch, own_data, pg_url
):
    from geo.analysis.quality import FAR_NOT_COUNTED
    from tests.postgres_support import cli

    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    at = run_data_page(monkeypatch, pg_url)
    (summary,) = _tables(at, "check")
    summary = summary.set_index("check")
    assert summary.loc["Months of crime data", "count"] == len(list(own_data.rglob("*street.csv")))
    assert FAR_NOT_COUNTED in list(summary["detail"])


def test_an_unreachable_database_is_a_plain_message_not_a_crash(monkeypatch):
    with socket.socket() as probe:  # a local port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    at = run_data_page(monkeypatch, f"postgresql://hotspot:Sesame42@127.0.0.1:{port}/hotspots")
    errors = shown_texts(at.error)
    assert any("cannot connect to the database" in e for e in errors), errors
    assert not any("Sesame42" in e for e in errors)
