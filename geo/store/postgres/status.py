"""`python -m geo db status`: what a PostgreSQL store holds, for the person running imports."""

from __future__ import annotations

import pandas as pd

from geo.store.imports.changes import SHOWN_CHANGES
from geo.store.postgres.connection import check_schema, connect, schema_version
from geo.words import count_text, span


def status_lines(url: str) -> list[str]:
    """Schema and store version, hotspots, months held per force, GPS pings, the last imports."""
    with connect(url) as connection:
        check_schema(connection, url)
        version, ring_m = connection.execute("SELECT version, ring_m FROM store_state").fetchone()
        hotspots = connection.execute("SELECT count(*) FROM hotspots").fetchone()[0]
        lines = [
            f"schema version {schema_version(connection)}, store version {version}, "
            f"rings up to {ring_m} m, {count_text(hotspots, 'hotspot')}"
        ]
        for force, first, last, months, rows in connection.execute(
            "SELECT reported_by, to_char(min(month), 'YYYY-MM'), to_char(max(month), 'YYYY-MM'),"
            " count(*), sum(rows) FROM crime_files GROUP BY reported_by ORDER BY reported_by"
        ):
            lines.append(
                f"{force}: {count_text(months, 'month')} {span(first, last)}, "
                f"{count_text(rows, 'row')}"
            )
        files, pings, first, last = connection.execute(
            "SELECT files, rows - no_fix, to_char(first_month, 'YYYY-MM'),"
            " to_char(last_month, 'YYYY-MM') FROM ping_totals"
        ).fetchone() or (0, 0, None, None)
        if files:
            lines.append(
                f"GPS pings: {count_text(files, 'file')} {span(first, last)}, "
                f"{count_text(pings, 'ping')}"
            )
        for import_id, kind, who, client, started, rows in connection.execute(
            "SELECT import_id, kind, imported_by, client, started_at, rows FROM import_log"
            " ORDER BY import_id DESC LIMIT 5"
        ):
            lines.append(
                f"import {import_id}: {kind}, {count_text(rows, 'row')}, by {who} ({client}) at "
                f"{started:%c}"
            )
    return lines


def import_log_table(url: str, limit: int = SHOWN_CHANGES) -> pd.DataFrame:
    """The store's imports, newest first: when, kind, who (role and client), rows, months."""
    with connect(url) as connection:
        check_schema(connection, url)
        rows = connection.execute(
            "SELECT to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'), kind, imported_by, client,"
            " rows, array_to_string(array(SELECT to_char(m, 'YYYY-MM') FROM unnest(months) m),"
            " ', ') FROM import_log ORDER BY import_id DESC LIMIT %s",
            (limit,),
        ).fetchall()
    columns = ["when", "what", "database role", "by", "rows", "months"]
    return pd.DataFrame(rows, columns=columns)
