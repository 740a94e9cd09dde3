"""A dataset kept as files in a folder (geo.store.layout), as a Store (geo.store.interface)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.access import Actor
from geo.counting.incidents import IncidentRows
from geo.counting.visits import VisitResult, VisitRules
from geo.errors import HotspotDataError
from geo.io.hotspots import read_hotspots
from geo.io.patrols import empty_patrols, log_problems, read_patrols
from geo.store.copy import CopyTarget, database_to_folder
from geo.store.folder import tokens
from geo.store.folder.audit import audit_table, read_entries
from geo.store.folder.commit import check_target, commit_folder, patrol_findings
from geo.store.folder.crime_files import duplicate_crime_months
from geo.store.folder.load import (
    folder_crime_rows,
    folder_incidents,
    folder_version,
    folder_visits,
    load_folder,
)
from geo.store.folder.pings import pseudonym_key
from geo.store.folder.plan import folder_plan
from geo.store.folder.status import folder_status
from geo.store.folder.writes import LOCK_TIMEOUT_S
from geo.store.imports.changes import ChangeLog, CommitResult, ImportPlan
from geo.store.imports.staged import Finding, Staged, StagedHotspots
from geo.store.layout import PATROL_FILE, find_hotspot_file
from geo.store.loaded import StoredDataset
from geo.store.location_text import shown_location
from geo.store.screen_tokens import ScreenToken

NOT_A_DATABASE = "is a dataset folder, not a database; give a postgresql:// URL"


@dataclass(frozen=True)
class FolderStore:
    """A dataset folder; imports into it wait up to `lock_timeout` seconds for another."""

    folder: Path
    lock_timeout: float = LOCK_TIMEOUT_S

    @property
    def shown(self) -> str:
        return shown_location(self.folder)

    @property
    def name(self) -> str:
        return shown_location(self.folder.resolve().name)

    @property
    def key(self) -> str:
        return str(self.folder.resolve())

    @property
    def where(self) -> str:
        return str(self.folder)

    @property
    def changes_kept(self) -> str:
        return (
            "Every commit, newest first: who, when, which files (with their SHA-256 checksums), "
            "how many rows, and the result. Kept in the dataset folder's audit log, only ever "
            "added to."
        )

    def version(self) -> str:
        return folder_version(self.folder)

    def load(self, ring_m: int, rules: VisitRules) -> StoredDataset:
        return load_folder(self.folder, ring_m, rules)

    def visits(self, rules: VisitRules) -> VisitResult | None:
        return folder_visits(self.folder, rules)

    def incidents(self) -> IncidentRows:
        return folder_incidents(self.folder)

    def crime_rows(self) -> pd.DataFrame | None:
        return folder_crime_rows(self.folder)

    def duplicate_months(self) -> pd.DataFrame:
        return duplicate_crime_months(self.folder)

    def patrol_problems(self) -> pd.DataFrame:
        path = self.folder / PATROL_FILE
        return log_problems(read_patrols(path) if path.is_file() else empty_patrols())

    def check_writable(self) -> None:
        check_target(self.folder)

    def hotspot_ids(self) -> list[str] | None:
        return list(read_hotspots(find_hotspot_file(self.folder))["hotspot_id"])

    def patrol_findings(self, hotspots: StagedHotspots) -> list[Finding]:
        return patrol_findings(self.folder, hotspots)

    def ping_key(self) -> tuple[bytes, bool]:
        return pseudonym_key(self.folder)

    def plan(self, staged: Staged) -> ImportPlan:
        return folder_plan(staged, self.folder)

    def commit(
        self, staged: Staged, rules: VisitRules, who: Actor | None = None, how: str = "python"
    ) -> CommitResult:
        return commit_folder(staged, self.folder, who, how, self.lock_timeout)

    def change_log(self, limit: int) -> ChangeLog:
        entries, unreadable = read_entries(self.folder, limit)
        return ChangeLog(audit_table(entries), unreadable)

    def status_lines(self) -> list[str]:
        return folder_status(self.folder)

    def list_tokens(self) -> list[ScreenToken]:
        return tokens.list_tokens(self.folder)

    def create_token(self, name: str) -> str:
        return tokens.create_token(self.folder, name)

    def revoke_token(self, name: str) -> int:
        return tokens.revoke_token(self.folder, name)

    def token_valid(self, token: object) -> bool:
        return tokens.token_valid(self.folder, token)

    def upgrade(self, rules: VisitRules, ring_m: int | None = None) -> list[str]:
        raise HotspotDataError(NOT_A_DATABASE, path=self.folder)

    def copy_to(self, target: CopyTarget, rules: VisitRules) -> list[str]:
        return target.copy_from_folder(self.folder, rules)

    def copy_from_folder(self, folder: Path, rules: VisitRules) -> list[str]:
        raise HotspotDataError("copy from a folder to a postgresql:// URL, or back")

    def copy_from_database(self, url: str) -> list[str]:
        return database_to_folder(url, self.folder)
