"""One interface to a dataset store, whatever keeps it: a folder (geo.store.folder) or a
PostgreSQL database (geo.store.postgres).

`open_store(location)` is the one place where the two kinds are told apart; callers then use the
store's methods and never ask which kind it is. Every capability works on both: loading the
dataset, planning and committing an import, GPS visits, the log of changes, wall-screen tokens,
status, upgrade and copy (between a folder and a database, either way).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Protocol

import pandas as pd

from geo.access import Actor
from geo.counting.incidents import IncidentRows
from geo.counting.visits import VisitResult, VisitRules
from geo.source import Source
from geo.store.copy import CopyTarget
from geo.store.folder.store import FolderStore
from geo.store.imports.changes import ChangeLog, CommitResult, ImportPlan
from geo.store.imports.staged import Finding, Staged, StagedHotspots
from geo.store.loaded import StoredDataset
from geo.store.postgres.connection import is_database_url
from geo.store.postgres.store import PostgresStore
from geo.store.screen_tokens import ScreenToken


class Store(Source, Protocol):
    """What every dataset store does: beside naming itself (geo.source.Source), the rest."""

    @property
    def where(self) -> str:
        """How a finding about the store itself names it (a folder's path, 'the database')."""

    @property
    def changes_kept(self) -> str:
        """What its log of changes records, in a sentence for the data page."""

    def version(self) -> str:
        """A key that changes whenever the data changes (caches are keyed on it)."""

    def load(self, ring_m: int, rules: VisitRules) -> StoredDataset:
        """The dataset counted, rings `ring_m` wide, GPS visits under `rules`; HotspotDataError
        when it cannot be read."""

    def visits(self, rules: VisitRules) -> VisitResult | None:
        """The visits of its GPS pings under `rules`; None when it holds no pings."""

    def incidents(self) -> IncidentRows:
        """Its crime rows with their Location text, and its hotspots, to propose hotspots from."""

    def crime_rows(self) -> pd.DataFrame | None:
        """Every crime row (geo.io.crimes rows); None when the store keeps counts only."""

    def duplicate_months(self) -> pd.DataFrame:
        """Months of a force held in more than one file (month, force, files)."""

    def patrol_problems(self) -> pd.DataFrame:
        """What its patrol log holds that should be looked at (problem, rows, detail)."""

    def check_writable(self) -> None:
        """Refuse (HotspotDataError) a store an import may not change."""

    def hotspot_ids(self) -> list[str] | None:
        """The ids a patrol log may name; None when the store checks them when committing."""

    def patrol_findings(self, hotspots: StagedHotspots) -> list[Finding]:
        """What replacing the hotspots would do to the patrol log it holds."""

    def ping_key(self) -> tuple[bytes, bool]:
        """The key for officer pseudonyms, and whether it is new (kept by the commit)."""

    def plan(self, staged: Staged) -> ImportPlan:
        """What committing `staged` would change, against the store as it is now."""

    def commit(
        self, staged: Staged, rules: VisitRules, who: Actor | None = None, how: str = "python"
    ) -> CommitResult:
        """Commit `staged` all or nothing, as made by `who` (None: this process's account, known
        `how`), what depends on it refreshed (GPS visits under `rules`); HotspotDataError, with
        the store unchanged, when anything is wrong."""

    def change_log(self, limit: int) -> ChangeLog:
        """The latest `limit` changes, newest first; HotspotDataError when unreadable."""

    def status_lines(self) -> list[str]:
        """What the store holds and its latest imports, a line each."""

    def list_tokens(self) -> list[ScreenToken]:
        """Every wall-screen token made for it, revoked ones included."""

    def create_token(self, name: str) -> str:
        """Make a token named `name`; the token is returned once and kept only as a hash."""

    def revoke_token(self, name: str) -> int:
        """Revoke the active token named `name`; how many were revoked."""

    def token_valid(self, token: object) -> bool:
        """Whether `token` (from a link: untrusted) opens the wall now."""

    def upgrade(self, rules: VisitRules, ring_m: int | None = None) -> list[str]:
        """Bring the store's schema up to date (and recount for rings `ring_m` wide)."""

    def copy_to(self, target: CopyTarget, rules: VisitRules) -> list[str]:
        """Copy the whole dataset into `target`, an empty store of the other kind."""

    def copy_from_folder(self, folder: Path, rules: VisitRules) -> list[str]:
        """Take in the whole dataset of `folder` (`copy_to`'s other half)."""

    def copy_from_database(self, url: str) -> list[str]:
        """Take in the whole dataset of the database at `url` (`copy_to`'s other half)."""


def open_store(location: Path | str) -> Store:
    """The store at `location`: a `postgresql://` URL or a dataset folder."""
    if is_database_url(location):
        return PostgresStore(str(location))
    return FolderStore(Path(location))


def as_store(given: Store | Path | str) -> Store:
    """A store given as itself or by its location."""
    if isinstance(given, str | PathLike):
        return open_store(given)
    return given
