"""One interface to a dataset store, whatever keeps it: a folder or a PostgreSQL database.

`open_store(location)` is where the two kinds are told apart; callers then use the store's
methods and never ask which kind it is. Its screen tokens (the wall's read-only links) work the
same on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from geo.store.pg_tokens import create_token_pg, list_tokens_pg, revoke_token_pg, token_valid_pg
from geo.store.postgres import is_database_url, redacted
from geo.store.screen_tokens import (
    ScreenToken,
    create_token,
    list_tokens,
    revoke_token,
    token_valid,
)


class Store(Protocol):
    """What every dataset store does."""

    @property
    def shown(self) -> str:
        """The store's location for messages (never a password)."""

    def list_tokens(self) -> list[ScreenToken]:
        """Every wall-screen token made for it, revoked ones included."""

    def create_token(self, name: str) -> str:
        """Make a token named `name`; the token is returned once and kept only as a hash."""

    def revoke_token(self, name: str) -> int:
        """Revoke the active token named `name`; how many were revoked."""

    def token_valid(self, token: object) -> bool:
        """Whether `token` (from a link: untrusted) opens the wall now."""


@dataclass(frozen=True)
class FolderStore:
    """A dataset folder."""

    folder: Path

    @property
    def shown(self) -> str:
        return str(self.folder)

    def list_tokens(self) -> list[ScreenToken]:
        return list_tokens(self.folder)

    def create_token(self, name: str) -> str:
        return create_token(self.folder, name)

    def revoke_token(self, name: str) -> int:
        return revoke_token(self.folder, name)

    def token_valid(self, token: object) -> bool:
        return token_valid(self.folder, token)


@dataclass(frozen=True)
class PostgresStore:
    """A PostgreSQL (PostGIS) database."""

    url: str

    @property
    def shown(self) -> str:
        return redacted(self.url)

    def list_tokens(self) -> list[ScreenToken]:
        return list_tokens_pg(self.url)

    def create_token(self, name: str) -> str:
        return create_token_pg(self.url, name)

    def revoke_token(self, name: str) -> int:
        return revoke_token_pg(self.url, name)

    def token_valid(self, token: object) -> bool:
        return token_valid_pg(self.url, token)


def open_store(location: Path | str) -> Store:
    """The store at `location`: a `postgresql://` URL or a dataset folder."""
    if is_database_url(location):
        return PostgresStore(str(location))
    return FolderStore(Path(location))
