"""What an import changes: the plan a store makes of a staged import against what it holds now
(one change a row: add, replace or remove, and what), what its commit says it did, and the log of
the changes a store keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

PLAN_COLUMNS = ["action", "file", "what"]
SHOWN_CHANGES = 200
"""How many of the latest changes the data page lists."""


@dataclass(frozen=True)
class Change:
    """One change an import makes: `action` (add, replace or remove) to `target` (a file of a
    folder, a part of a database), and what it is."""

    action: str
    target: str
    what: str


@dataclass(frozen=True)
class ImportPlan:
    """Every change committing a staged import would make, and the police.uk rows it writes and
    replaces (for the months that will be flagged once it is committed)."""

    changes: tuple[Change, ...]
    crimes_written: tuple[tuple[str, bytes], ...] = ()
    """The street files the commit writes: (name, content)."""
    files_replaced: tuple[Path, ...] = ()
    """The street files of a folder that the commit rewrites or removes."""
    months_replaced: tuple[int, ...] = ()
    """Months (ordinals) of a database whose rows the commit replaces."""

    def table(self) -> pd.DataFrame:
        """One row per change: action, file, what."""
        rows = [(c.action, c.target, c.what) for c in self.changes]
        return pd.DataFrame(rows, columns=PLAN_COLUMNS)


@dataclass(frozen=True)
class CommitResult:
    """What a commit changed, one line each."""

    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChangeLog:
    """The latest changes a store records, newest first, and how many records could not be read."""

    table: pd.DataFrame
    unreadable: int = 0
