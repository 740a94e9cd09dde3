"""The PostgreSQL + PostGIS store: connecting, the schema's versions, and the store's version.

A dataset can live in a database instead of a folder: `HOTSPOT_DATA` (or `--data`) is then a
`postgresql://` URL. Migrations (`geo/store/postgres/migrations/NNNN_name.sql`) are applied in
order by `python -m geo db upgrade` (geo.store.postgres.upgrade), each in its own transaction, and
recorded in `schema_migrations`.
Every import bumps `store_state.version`, which app instances use as their cache key, so an import
made through one instance is seen by the others at their next refresh.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np

from geo.errors import HotspotDataError
from geo.store.location_text import shown_location, without_passwords

if TYPE_CHECKING:
    import psycopg

URL_SCHEMES = ("postgresql://", "postgres://")
IMPORT_LOCK = 0x486F7473706F74
"""The advisory lock key every import takes first: imports into one database run one at a time."""
APP_TABLES = (
    "schema_migrations", "store_state", "import_log", "hotspots", "control_areas", "patrols",
    "patrol_problems", "crime_files", "month_counts", "near_point_counts", "type_month_counts",
    "asb_point_counts", "placed_points", "point_places", "comparison_counts", "ping_rules",
    "ping_totals", "ping_visits", "screen_tokens",
)  # fmt: skip
"""The tables an app instance (and `db status`) reads: no crime row, ping, pseudonym, key, nor
the patrol log as imported (its notes and officer ids)."""
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def database_name(url: str) -> str:
    """The database's name, as a folder's name is shown (the host's without one)."""
    parts = urlsplit(url)
    return parts.path.strip("/") or parts.hostname or "database"


def is_database_url(location: object) -> bool:
    """Whether a dataset location names a PostgreSQL database rather than a folder."""
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def redacted(url: str) -> str:
    """The URL with every password replaced by `***` (passwords belong in ~/.pgpass)."""
    return shown_location(url)


@contextmanager
def connect(
    url: str, autocommit: bool = False, snapshot: bool = False
) -> Iterator[psycopg.Connection]:
    """A connection to the store; an unreachable server is a plain HotspotDataError. With
    `snapshot`, its transaction is read-only and sees one consistent state throughout."""
    import psycopg

    try:
        connection = psycopg.connect(url, autocommit=autocommit, connect_timeout=10)
    except psycopg.Error as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise HotspotDataError(
            f"cannot connect to the database ({without_passwords(detail, url)})",
            path=redacted(url),
        ) from None  # psycopg's own text, which may quote the location, goes no further
    if snapshot:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
    with connection:
        try:
            yield connection
        except psycopg.Error as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise HotspotDataError(
                f"the database refused the request ({without_passwords(detail, url)})",
                path=redacted(url),
            ) from exc


def copy_rows(cursor, table: str, columns: dict) -> None:
    """Rows into a table with one COPY of CSV written by pyarrow (millions of rows at national
    size, no Python work per row): column name → array (NaN-free; pass masked arrays for NULL).
    Floats are written in their shortest exact form, so they read back bit for bit."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    frame = pa.table(
        {
            name: values if isinstance(values, pa.Array) else pa.array(np.asarray(values))
            for name, values in columns.items()
        }
    )
    if not frame.num_rows:
        return
    sink = io.BytesIO()
    pacsv.write_csv(frame, sink, pacsv.WriteOptions(include_header=False))
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(sink.getvalue())


def migrations() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every migration shipped with the library, in order."""
    folder = resources.files("geo.store.postgres") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def schema_version(connection: psycopg.Connection) -> int:
    """The newest migration applied, or 0 for a database never upgraded."""
    exists = connection.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]
    if exists is None:
        return 0
    row = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def check_schema(connection: psycopg.Connection, url: str) -> None:
    """Refuse a database whose schema is older or newer than this library's."""
    have, want = schema_version(connection), migrations()[-1][0]
    if have < want:
        raise HotspotDataError(
            f"the database's schema is at version {have}, this program needs {want}; "
            f"run `python -m geo db upgrade --data URL`",
            path=redacted(url),
        )
    if have > want:
        raise HotspotDataError(
            f"the database's schema (version {have}) is newer than this program's ({want}); "
            "update the program",
            path=redacted(url),
        )


def store_version(url: str) -> str:
    """The cache key of a database store: its import counter and ring width, read in one query."""
    with connect(url) as connection:
        check_schema(connection, url)
        version, ring_m = connection.execute("SELECT version, ring_m FROM store_state").fetchone()
    return f"pg-{version}-{ring_m}"
