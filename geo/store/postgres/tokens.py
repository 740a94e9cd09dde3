"""Wall-screen tokens kept in a PostgreSQL store's `screen_tokens` table (the same rules as a
folder's, geo.store.screen_tokens: a hash kept, the token shown once, revoked by name)."""

from __future__ import annotations

from geo.errors import HotspotDataError
from geo.store.postgres.connection import check_schema, connect
from geo.store.screen_tokens import (
    ScreenToken,
    checked_name,
    matches,
    new_token,
    no_such_token,
    token_hash,
    well_formed,
)

STAMP = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
"""The times as the folder store writes them (UTC)."""


def list_tokens_pg(url: str) -> list[ScreenToken]:
    """Every token made for this store, revoked ones included, oldest first."""
    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        rows = connection.execute(
            f"SELECT name, sha256, to_char(created AT TIME ZONE 'UTC', '{STAMP}'), "
            f"to_char(revoked AT TIME ZONE 'UTC', '{STAMP}') FROM screen_tokens ORDER BY id"
        ).fetchall()
    return [ScreenToken(*row) for row in rows]


def create_token_pg(url: str, name: str) -> str:
    """Make a token named `name`; returns it (shown once). One active token per name."""
    import psycopg  # loaded already by connect

    checked_name(name)
    token = new_token()
    with connect(url) as connection:
        check_schema(connection, url)
        try:
            connection.execute(
                "INSERT INTO screen_tokens (name, sha256) VALUES (%s, %s)",
                (name, token_hash(token)),
            )
        except psycopg.errors.UniqueViolation:
            raise HotspotDataError(
                f"a screen token named '{name}' exists already; revoke it first or pick a new name"
            ) from None
    return token


def revoke_token_pg(url: str, name: str) -> int:
    """Revoke the active token named `name`; returns how many (refuses an unknown name)."""
    with connect(url) as connection:
        check_schema(connection, url)
        revoked = connection.execute(
            "UPDATE screen_tokens SET revoked = now() WHERE name = %s AND revoked IS NULL",
            (name,),
        ).rowcount
        if not revoked:
            active = connection.execute(
                "SELECT name FROM screen_tokens WHERE revoked IS NULL"
            ).fetchall()
            raise no_such_token(name, [row[0] for row in active])
    return revoked


def token_valid_pg(url: str, token: object) -> bool:
    """Whether `token` (untrusted) is an active token of this store; any problem means no."""
    import psycopg  # loaded only when a database is asked

    if not well_formed(token):
        return False
    try:
        tokens = list_tokens_pg(url)
    except (HotspotDataError, psycopg.Error):
        return False
    return matches([(t.sha256, t.revoked is None) for t in tokens], str(token))
