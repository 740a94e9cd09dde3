"""`python -m geo db upgrade`: the schema migrations a database lacks, each in one transaction,
and the work a migration needs beyond its SQL (filling what older stores lack from what they
hold)."""

from __future__ import annotations

from geo.counting.visits import VisitRules
from geo.store.postgres.connection import IMPORT_LOCK, connect, migrations
from geo.store.postgres.pings import refresh_counting
from geo.store.postgres.places import refresh_places
from geo.store.postgres.reading import outlines
from geo.store.postgres.refresh import set_ring_width
from geo.store.postgres.writes import keep_patrol_details

_AFTER = {6: keep_patrol_details}
"""Work a migration needs beyond its SQL (filling new columns from what the store holds), run in
the migration's own transaction."""


def upgrade(url: str, rules: VisitRules, ring_m: int | None = None) -> list[str]:
    """Apply the migrations the database lacks (each in one transaction); return their names.
    A store made before visits were built at import has them built under `rules`."""
    applied = []
    with connect(url, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        for number, name, sql in migrations():
            with connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
                done = connection.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = %s", (number,)
                ).fetchone()
                if done:
                    continue
                connection.execute(sql)
                if number in _AFTER:
                    _AFTER[number](connection.cursor())
                connection.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    (number, name),
                )
                applied.append(name)
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
            unplaced = connection.execute(
                "SELECT placed_ring_m IS NULL AND EXISTS (SELECT FROM hotspots) FROM store_state"
            ).fetchone()[0]
            if unplaced and ring_m is None:  # a store made before points were placed at import
                refresh_places(connection.cursor(), None)
            unbuilt = connection.execute(
                "SELECT EXISTS (SELECT FROM ping_rules WHERE max_gap_min IS NULL)"
            ).fetchone()[0]
            if unbuilt:  # a store made before visits were built at import
                cursor = connection.cursor()
                refresh_counting(cursor, outlines(cursor, "hotspots"), rules, [])
                cursor.execute("UPDATE store_state SET version = version + 1")
    if ring_m is not None:
        set_ring_width(url, ring_m)
    return applied
