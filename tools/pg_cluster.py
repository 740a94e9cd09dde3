"""A throw-away PostgreSQL + PostGIS cluster: made by initdb in a temporary folder, started on a
free local port with its socket there too, stopped and removed afterwards. For the PostgreSQL
tests and the bench; as root, the server runs as `postgres` (initdb refuses root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path(os.environ.get("HOTSPOT_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")


def missing() -> str | None:
    """What is not installed for a throw-away cluster, or None when it can be made."""
    if not (PG_BIN / "initdb").is_file() or not POSTGIS_CONTROL.is_file():
        return (
            f"PostgreSQL 15 with PostGIS is not installed ({PG_BIN}/initdb, {POSTGIS_CONTROL}); "
            "`make postgres` installs postgresql and postgresql-15-postgis-3"
        )
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """The command run as `postgres` when we are root (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A URL (without database name) of a new cluster the caller may create databases on."""
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
        stop = _as_server_user([*pg_ctl, "-m", "fast", "stop"])
        subprocess.run(stop, cwd=work, check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def new_database(server: str) -> Iterator[str]:
    """A new, upgraded, empty database on `server` (a URL without database name), dropped
    afterwards."""
    import psycopg

    from geo.app.configured import visit_rules
    from geo.store.postgres.upgrade import upgrade

    name = f"hotspot_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{server}/{name}"
    try:
        upgrade(url, visit_rules())
        yield url
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
