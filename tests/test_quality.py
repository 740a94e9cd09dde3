"""The data-quality report (geo.analysis.quality, made by geo.app.quality from what the store
holds) on a small dataset built so that every check has a known answer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import box

from geo.analysis.quality import overlapping_hotspots
from geo.app.imports import import_files
from geo.app.load import load_dataset
from geo.app.quality import data_quality
from geo.store.pseudonyms import KEY_ENV
from tests.helpers import write_patrols, write_street_csv
from tests.pings_helpers import at, every, stay, write_pings

# A and B overlap by a quarter of A; C is far to the east on its own.
A = (-1.360, 53.010, -1.350, 53.020)
B = (-1.355, 53.015, -1.345, 53.025)
C = (-1.000, 53.000, -0.990, 53.010)
IN_A = (-1.359, 53.011)
NEAR_A = (-1.362, 53.011)  # about 130 m west of A: in its surroundings
IN_BOTH = (-1.352, 53.018)  # where A and B overlap
FAR = (-1.600, 53.300)  # tens of km from every hotspot


@pytest.fixture
def report(tmp_path):
    import geopandas as gpd

    folder = tmp_path / "data"
    folder.mkdir()
    gpd.GeoDataFrame(
        {"hotspot_id": ["A", "B", "C"], "name": ["Market", "Park", "Far away"],
         "town": ["T"] * 3, "started": ["2024-06-01", None, None]},
        geometry=[box(*A), box(*B), box(*C)], crs="EPSG:4326",
    ).to_file(folder / "hotspots.geojson", driver="GeoJSON")  # fmt: skip
    crimes = folder / "crimes"
    # 2023-01 … 2024-12 except 2023-05 and 2024-02: two gaps
    for year in (2023, 2024):
        for month in range(1, 13):
            label = f"{year}-{month:02d}"
            if label in ("2023-05", "2024-02"):
                continue
            rows = [(label, *IN_A, "Anti-social behaviour")] * 2 + [
                (label, *NEAR_A, "Drugs"),
                (label, *IN_BOTH, "Shoplifting"),
            ]
            if label == "2024-03":
                rows += [(label, *FAR, "Burglary")] * 4 + [(label, None, None, "Robbery")] * 5
            write_street_csv(crimes / label / f"{label}-test-street.csv", rows)
    # the same month of the same force held twice
    write_street_csv(crimes / "copy" / "2024-03-test-street.csv", [("2024-03", *IN_A, "Drugs")])
    write_patrols(
        folder / "patrols.csv",
        [
            ("A", "2024-05-31T22:00", "2024-05-31T23:00", 1, 0, 0),  # before A started
            ("A", "2024-05-01T10:00", "2024-05-01T11:00", 1, 0, 0),  # before A started
            ("A", "2024-06-01T10:00", "2024-06-01T11:00", 1, 0, 0),  # on the day: fine
            ("B", "2023-01-01T10:00", "2023-01-01T11:00", 1, 0, 0),  # B has no start date
        ],
    )
    return data_quality(load_dataset(folder))


def test_months_covered_and_missing(report):
    assert len(report.months) == 22
    assert report.missing_months == ["2023-05", "2024-02"]


def test_months_held_twice_are_found(report):
    assert report.duplicate_months[["month", "force"]].values.tolist() == [
        ["2024-03", "Test Constabulary"]
    ]
    assert "copy/2024-03-test-street.csv" in report.duplicate_months["files"].iloc[0]


def test_rows_without_location_and_rows_far_from_every_hotspot(report):
    assert report.rows == 22 * 4 + 4 + 5 + 1
    assert report.no_location == 5
    assert report.far_rows == 4
    by_month = report.no_location_by_month.set_index("month")["no_location"]
    assert by_month["2024-03"] == 5 and by_month.sum() == 5


def test_hotspots_with_no_crime_in_a_period(report):
    assert str(report.period) == "2024-01:2024-12"
    assert report.quiet_hotspots["hotspot_id"].tolist() == ["C"]


def test_overlapping_hotspots(report):
    (pair,) = report.overlaps.to_dict(orient="records")
    assert (pair["hotspot_a"], pair["hotspot_b"]) == ("A", "B")
    assert pair["share_of_smaller_pct"] == pytest.approx(25.0, abs=0.5)


def test_patrols_outside_programme_dates(report):
    (row,) = report.patrols_outside.to_dict(orient="records")
    assert row["hotspot_id"] == "A" and row["visits"] == 2
    assert str(row["first_visit"]) == "2024-05-01 10:00:00"


def test_summary_has_one_row_per_check_with_counts(report):
    summary = report.summary().set_index("check")["count"]
    assert summary["Missing months (gaps)"] == 2
    assert summary["Months held twice (same force in two files)"] == 1
    assert summary["Crime rows without a location"] == 5
    assert summary["Crime rows more than 1,000 m from every hotspot"] == 4
    assert summary["Hotspots with no crime in the before or the after period"] == 1
    assert summary["Overlapping hotspot pairs"] == 1
    assert summary["Patrol visits outside their hotspot's programme dates"] == 2
    detail = report.summary().set_index("check")["detail"]
    assert "Context, not a fault" in detail["Crime rows more than 1,000 m from every hotspot"]


def test_touching_hotspots_do_not_overlap():
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {"hotspot_id": ["L", "R"]},
        geometry=[box(-1.36, 53.01, -1.35, 53.02), box(-1.35, 53.01, -1.34, 53.02)],
        crs="EPSG:4326",
    )
    assert overlapping_hotspots(frame).empty


def test_the_sample_dataset_reports_cleanly(sample_dir: Path):
    report = data_quality(load_dataset(sample_dir))
    assert report.missing_months == [] and report.duplicate_months.empty
    assert report.patrols_outside.empty


def test_the_quality_report_counts_pings_without_a_fix(tmp_path, ping_folder, monkeypatch):

    monkeypatch.delenv(KEY_ENV, raising=False)
    rows = stay("PC 1", at(0), every("2025-10-06T10:00:00Z", "2025-10-06T10:05:00Z"))
    rows += [
        {"officer_id": "PC 1", "timestamp": "2025-10-06T10:06:00Z", "longitude": "", "latitude": ""}
    ]
    import_files(ping_folder, "pings", [write_pings(tmp_path / "in" / "p.csv", rows)])
    summary = data_quality(load_dataset(ping_folder)).summary().set_index("check")
    assert summary.loc["GPS ping files", "count"] == 1
    assert summary.loc["GPS pings without a position (no fix), skipped", "count"] == 1


def test_the_quality_report_lists_patrol_log_problems(tmp_path):
    from geo.app.load import load_dataset
    from tests.pings_helpers import ping_dataset

    folder = ping_dataset(tmp_path / "data")
    (folder / "patrols.csv").write_text(
        "hotspot_id,start,end,officers,arrests,engagements,officer_id\n"
        "A,2025-10-06T18:00,2025-10-06T19:00,1,0,2,PC1\n"
        "A,2025-10-06T18:00,2025-10-06T19:00,1,0,2,PC1\n"
        "B,2025-10-06T18:30,2025-10-06T18:45,1,0,0,PC1\n"
        "B,2025-10-26T01:30,2025-10-26T01:50,1,0,0,PC2\n"
    )
    summary = data_quality(load_dataset(folder)).summary().set_index("check")
    twice = summary.loc["Patrol log visits entered twice (both count until one is removed)"]
    assert twice["count"] == 1 and "rows 2, 3" in twice["detail"]
    assert summary.loc["One officer's patrol visits overlapping in time", "count"] == 1
    assert summary.loc["Patrol times in the hour repeated when the clocks go back", "count"] == 1


@pytest.mark.postgres
def test_a_database_is_checked_from_its_counts_all_but_the_far_rows(capsys, own_data, pg_url):
    from geo.analysis.quality import FAR_NOT_COUNTED
    from tests.postgres_support import cli

    cli(capsys, "db", "copy", "--from", str(own_data), "--to", pg_url)
    folder = data_quality(load_dataset(own_data)).summary().set_index("check")
    database = data_quality(load_dataset(pg_url)).summary().set_index("check")
    far = next(check for check in folder.index if check.startswith("Crime rows more than"))
    assert pd.isna(database.loc[far, "count"]) and database.loc[far, "detail"] == FAR_NOT_COUNTED
    assert folder.loc[far, "count"] > 0
    pd.testing.assert_frame_equal(folder.drop(index=far), database.drop(index=far))


@pytest.mark.postgres
def test_a_database_reports_the_patrol_logs_problems_without_the_app_reading_the_log(
    capsys, own_data, pg_url, tmp_path
):
    import shutil

    import psycopg

    from geo.store.postgres.connection import APP_TABLES
    from tests.postgres_support import cli, reading_role

    folder = tmp_path / "own"
    shutil.copytree(own_data, folder, ignore=shutil.ignore_patterns(".cache"))
    log = pd.read_csv(folder / "patrols.csv", dtype=str, keep_default_na=False)
    log["officer_id"] = ""
    log.loc[0, "officer_id"] = "PC1"
    later = {
        c: (pd.Timestamp(log.loc[0, c]) + pd.Timedelta("10min")).isoformat()
        for c in ("start", "end")
    }
    overlapping = log.iloc[[0]].assign(**later)  # the same officer, ten minutes later
    log = pd.concat([log.iloc[[0]], log, overlapping], ignore_index=True)  # twice, and at once
    log.to_csv(folder / "patrols.csv", index=False)
    status, _, err = cli(capsys, "db", "copy", "--from", str(folder), "--to", pg_url)
    assert status == 0, err
    checks = [
        "Patrol log visits entered twice (both count until one is removed)",
        "One officer's patrol visits overlapping in time",
    ]
    expected = data_quality(load_dataset(folder)).summary().set_index("check").loc[checks]
    assert (expected["count"] >= 1).all() and "rows 2, 3 " in expected["detail"].iloc[0] + " "
    with reading_role(pg_url, "hotspot_app_quality_test", only=APP_TABLES) as reader:
        with psycopg.connect(reader) as connection, pytest.raises(psycopg.Error):
            connection.execute("SELECT data FROM patrol_file")  # notes and officer ids
        found = data_quality(load_dataset(reader)).summary().set_index("check").loc[checks]
    pd.testing.assert_frame_equal(expected, found)
