"""A throw-away PostgreSQL + PostGIS cluster for the tests marked `postgres`.

`HOTSPOT_TEST_PG_URL` names a server to use instead (its role must be able to create databases).
Otherwise a throw-away cluster (tools.pg_cluster) is started for the session and stopped at its
end. Without PostgreSQL's binaries or PostGIS the tests are skipped, naming what to
install (`make test` installs both). Below the fixtures, the helpers the PostgreSQL tests share:
running commands, comparing a folder's figures with a database's, and what a store holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from geo.cli import main
from tools.pg_cluster import missing, new_database, throwaway_cluster


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A URL (without database name) of a server the tests may create databases on."""
    given = os.environ.get("HOTSPOT_TEST_PG_URL")
    if given:
        yield given.rstrip("/")
        return
    why = missing()
    if why:
        pytest.skip(why)
    with throwaway_cluster() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, upgraded, empty database for one test, dropped afterwards."""
    with new_database(pg_server) as url:
        yield url


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
    assert folder_data.areas.control_source == pg_data.areas.control_source
    pd.testing.assert_frame_equal(folder_data.areas.comparison, pg_data.areas.comparison)
    kept = list(pg_data.patrols.columns)  # the store keeps no notes nor officer ids
    pd.testing.assert_frame_equal(folder_data.patrols[kept], pg_data.patrols)
    assert folder_data.anomalies == pg_data.anomalies
    a, b = (
        d.type_counts.sort_values(["month", "crime_type"], ignore_index=True)
        for d in (folder_data, pg_data)
    )
    pd.testing.assert_frame_equal(a, b)  # rows and duplicates per month and crime type
    assert list(folder_data.hotspots["hotspot_id"]) == list(pg_data.hotspots["hotspot_id"])
    assert folder_data.hotspots.geometry.geom_equals_exact(pg_data.hotspots.geometry, 0).all()


def load_placed(url: str):
    """The database's dataset loaded with every point test of the app made to fail: a load must
    build its counts from the places the imports kept, testing no point against a polygon."""
    from unittest import mock

    from geo.app.load import load_dataset

    def refuse(*_args, **_kwargs):
        raise AssertionError("a load tested points against polygons")

    with (
        mock.patch("geo.counting.aggregate.points_in_polygons", refuse),
        mock.patch("geo.counting.areas.comparison_squares", refuse),
    ):
        return load_dataset(url)


def month_files(sample_dir: Path) -> list[Path]:
    """The dataset folder's police.uk street files, in month order."""
    return sorted((sample_dir / "crimes").rglob("*-street.csv"))


def import_ok(capsys, url: str, kind: str, *files: Path) -> str:
    """`geo import --data URL KIND FILES`, which must succeed; its output."""
    status, out, err = cli(capsys, "import", "--data", url, kind, *map(str, files))
    assert status == 0, err
    return out


ROOT = Path(__file__).resolve().parent.parent


def start_import(url: str, kind: str, files: list[Path]) -> subprocess.Popen:
    """`python -m geo import` in a process of its own (as a second analyst would run it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "geo", "import", "--data", url, kind, *map(str, files)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def held(url: str) -> dict[str, int]:
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


@contextmanager
def reading_role(
    url: str, name: str, without: tuple[str, ...] = (), only: tuple[str, ...] | None = None
) -> Iterator[str]:
    """A login role `name` that may SELECT every table but those `without` (or only the tables
    `only`, as README's app role); yields its URL and drops the role afterwards."""
    from psycopg import sql

    role = sql.Identifier(name)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(role))
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        if only is None:
            grant = sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(role)
        else:
            tables = sql.SQL(", ").join(map(sql.Identifier, only))
            grant = sql.SQL("GRANT SELECT ON {} TO {}").format(tables, role)
        admin.execute(grant)
        for table in without:
            revoke = sql.SQL("REVOKE SELECT ON {} FROM {}")
            admin.execute(revoke.format(sql.Identifier(table), role))
    try:
        yield url.replace("postgres@", f"{name}@")
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(role))
            admin.execute(sql.SQL("DROP ROLE {}").format(role))
