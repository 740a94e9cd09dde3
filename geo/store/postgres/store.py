"""A dataset kept in a PostgreSQL (PostGIS) database, as a Store (geo.store.interface)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.access import Actor
from geo.counting.incidents import IncidentRows
from geo.counting.visits import VisitResult, VisitRules
from geo.errors import HotspotDataError
from geo.store.copy import CopyTarget, folder_to_database
from geo.store.imports.changes import ChangeLog, CommitResult, ImportPlan
from geo.store.imports.staged import Finding, Staged, StagedHotspots
from geo.store.loaded import StoredDataset
from geo.store.postgres import tokens
from geo.store.postgres.commit import commit_pg, pg_plan
from geo.store.postgres.connection import database_name, redacted, store_version
from geo.store.postgres.load import database_incidents, load_database, stored_patrol_problems
from geo.store.postgres.pings import pg_ping_key, visits_pg
from geo.store.postgres.status import import_log_table, status_lines
from geo.store.postgres.upgrade import upgrade
from geo.store.screen_tokens import ScreenToken

DUPLICATE_COLUMNS = ["month", "force", "files"]


@dataclass(frozen=True)
class PostgresStore:
    """A PostgreSQL (PostGIS) database, upgraded by `geo db upgrade`."""

    url: str

    @property
    def shown(self) -> str:
        return redacted(self.url)

    @property
    def name(self) -> str:
        return database_name(self.url)

    @property
    def key(self) -> str:
        return self.url

    @property
    def where(self) -> str:
        return "the database"

    @property
    def changes_kept(self) -> str:
        return (
            "Every import, newest first: who (the database role, and the app's user), when, what."
        )

    def version(self) -> str:
        return store_version(self.url)

    def load(self, ring_m: int, rules: VisitRules) -> StoredDataset:
        return load_database(self.url, ring_m, rules)

    def visits(self, rules: VisitRules) -> VisitResult | None:
        return visits_pg(self.url, rules)

    def incidents(self) -> IncidentRows:
        return database_incidents(self.url)

    def crime_rows(self) -> pd.DataFrame | None:
        return None  # app instances read no crime rows: the store keeps counts

    def duplicate_months(self) -> pd.DataFrame:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)  # each month and force is held once

    def patrol_problems(self) -> pd.DataFrame:
        return stored_patrol_problems(self.url)

    def check_writable(self) -> None:
        return None  # checked when committing, under the import lock

    def hotspot_ids(self) -> list[str] | None:
        return None  # checked when committing, under the import lock

    def patrol_findings(self, hotspots: StagedHotspots) -> list[Finding]:
        return []  # checked when committing, under the import lock

    def ping_key(self) -> tuple[bytes, bool]:
        return pg_ping_key(self.url)

    def plan(self, staged: Staged) -> ImportPlan:
        return pg_plan(staged, self.url)

    def commit(
        self, staged: Staged, rules: VisitRules, who: Actor | None = None, how: str = "python"
    ) -> CommitResult:
        if staged.errors or staged.empty:  # nothing is logged: a refused import writes nothing
            raise staged.refusal() or HotspotDataError("nothing to import")
        return CommitResult(commit_pg(staged, self.url, rules, who=who))

    def change_log(self, limit: int) -> ChangeLog:
        return ChangeLog(import_log_table(self.url, limit))

    def status_lines(self) -> list[str]:
        return status_lines(self.url)

    def list_tokens(self) -> list[ScreenToken]:
        return tokens.list_tokens_pg(self.url)

    def create_token(self, name: str) -> str:
        return tokens.create_token_pg(self.url, name)

    def revoke_token(self, name: str) -> int:
        return tokens.revoke_token_pg(self.url, name)

    def token_valid(self, token: object) -> bool:
        return tokens.token_valid_pg(self.url, token)

    def upgrade(self, rules: VisitRules, ring_m: int | None = None) -> list[str]:
        return upgrade(self.url, rules, ring_m)

    def copy_to(self, target: CopyTarget, rules: VisitRules) -> list[str]:
        return target.copy_from_database(self.url)

    def copy_from_folder(self, folder: Path, rules: VisitRules) -> list[str]:
        return folder_to_database(folder, self.url, rules)

    def copy_from_database(self, url: str) -> list[str]:
        raise HotspotDataError("copy from a folder to a postgresql:// URL, or back")
