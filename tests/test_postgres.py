"""geo.store.postgres.connection and .upgrade: database URLs, connecting, the schema's versions
and `db upgrade`."""

from __future__ import annotations

import re

import psycopg
import pytest

from geo.app.load import load_dataset
from geo.errors import HotspotDataError
from geo.store.postgres.connection import APP_TABLES
from tests.postgres_support import (
    PERIOD,
    ROOT,
    assert_same_figures,
    cli,
    load_placed,
    reading_role,
)

pytestmark = pytest.mark.postgres


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


def test_wider_rings_than_the_database_counts_are_refused_until_recounted(
    capsys, sample_dir, pg_url, monkeypatch
):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    monkeypatch.setenv("HOTSPOT_RING_M", "400")
    with pytest.raises(HotspotDataError, match="--ring-m 400"):
        load_dataset(pg_url)
    status, _, err = cli(capsys, "db", "upgrade", "--data", pg_url, "--ring-m", "400")
    assert status == 0, err
    assert_same_figures(load_dataset(sample_dir), load_placed(pg_url))


def test_readmes_app_role_is_granted_the_app_tables_by_name_not_all_but_some(
    capsys, sample_dir, pg_url
):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    granted = re.search(r"GRANT SELECT ON ([a-z_,\s]+?) TO hotspot_app", readme).group(1)
    assert {name.strip() for name in granted.split(",")} == set(APP_TABLES)
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    partition = "crimes_2025_01"
    all_but = reading_role(pg_url, "hotspot_all_but_test", without=("crimes",))
    with all_but as reader, psycopg.connect(reader) as connection:  # why README names them:
        assert connection.execute(f"SELECT count(*) FROM {partition}").fetchone()[0] > 0
    named = reading_role(pg_url, "hotspot_named_test", only=APP_TABLES)
    with named as reader, psycopg.connect(reader) as connection, pytest.raises(psycopg.Error):
        connection.execute(f"SELECT count(*) FROM {partition}")
