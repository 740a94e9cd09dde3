"""A throw-away PostgreSQL + PostGIS cluster for the tests marked `postgres`.

`HOTSPOT_TEST_PG_URL` names a server to use instead (its role must be able to create databases).
Otherwise initdb makes a cluster in a temporary folder, started on a free port with its socket
there too, and stopped at the end of the session. As root, the server runs as `postgres` (initdb
refuses root). Without PostgreSQL's binaries or PostGIS the tests are skipped, naming what to
install (`make test` installs both).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("HOTSPOT_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """The command run as `postgres` when we are root (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A URL (without database name) of a server the tests may create databases on."""
    given = os.environ.get("HOTSPOT_TEST_PG_URL")
    if given:
        yield given.rstrip("/")
        return
    if not (PG_BIN / "initdb").is_file() or not POSTGIS_CONTROL.is_file():
        pytest.skip(
            f"PostgreSQL 15 with PostGIS is not installed ({PG_BIN}/initdb, {POSTGIS_CONTROL}); "
            "`make test` installs postgresql and postgresql-15-postgis-3"
        )
    work = Path(tempfile.mkdtemp(prefix="hotspot-pg-"))
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
    data, port = work / "data", _free_port()
    subprocess.run(
        _as_server_user(
            [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-N"]
        ),
        check=True,
        capture_output=True,
        cwd=work,
    )
    options = f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(work / "log"), "-w"]
    subprocess.run(
        _as_server_user([*pg_ctl, "-o", options, "start"]),
        check=True,
        capture_output=True,
        cwd=work,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_server_user([*pg_ctl, "-m", "fast", "stop"]), cwd=work, check=False)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, upgraded, empty database for one test, dropped afterwards."""
    import psycopg

    from geo.store.postgres import upgrade

    name = f"hotspot_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{pg_server}/{name}"
    upgrade(url)
    try:
        yield url
    finally:
        with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
