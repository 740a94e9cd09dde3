"""Imports as the app makes them: a checked import committed to a store, or files of one kind
checked and committed (the command line's `geo import`), a database building its GPS visits
under this app's visit rules."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from geo.access import Actor
from geo.app.configured import visit_rules
from geo.store.imports import check
from geo.store.imports.changes import CommitResult
from geo.store.imports.staged import Progress, Staged
from geo.store.interface import Store, as_store


def commit(
    staged: Staged, given: Store | Path | str, who: Actor | None = None, how: str = "python"
) -> CommitResult:
    """Commit a checked import to a store (or the store at a location), all or nothing, as made
    by `who` (None: this process's account, known `how`)."""
    return as_store(given).commit(staged, visit_rules(), who, how)


def import_files(
    given: Store | Path | str,
    kind: str,
    paths: Sequence[str | Path],
    progress: Progress | None = None,
    who: Actor | None = None,
) -> tuple[Staged, CommitResult]:
    """Check files of one kind and commit them (geo.store.imports.check.import_files)."""
    return check.import_files(given, kind, paths, visit_rules(), progress, who)
