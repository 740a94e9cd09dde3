"""Imports as the app makes them: a checked import committed to a store, or files of one kind
checked and committed (the command line's `geo import`), a database building its GPS visits
under this app's visit rules; and a hotspot file added to the current hotspots."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from geo.access import Actor
from geo.app.configured import visit_rules
from geo.app.load import load_dataset
from geo.io.hotspot_layers import appended, layer_geojson
from geo.store.imports import check
from geo.store.imports.changes import CommitResult
from geo.store.imports.hotspots import check_hotspots
from geo.store.imports.staged import Finding, InputFile, Progress, Staged
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


def append_hotspots(
    given: Store | Path | str,
    path: str | Path,
    progress: Progress | None = None,
    who: Actor | None = None,
) -> tuple[Staged, CommitResult]:
    """Add the hotspots of the file at `path` after the store's current ones, which stay as they
    are (an id already taken gets the first free suffix): the file is checked alone first, so a
    problem names its own rows, then the whole layer is imported as any hotspot file is."""
    store = as_store(given)
    file = InputFile.of(Path(path))
    added, findings = check_hotspots(file)
    current = load_dataset(store).hotspots
    layer = appended(current, added.frame)
    with tempfile.TemporaryDirectory(prefix="hotspot-append-") as tmp:
        combined = Path(tmp) / f"{Path(path).stem}-appended.geojson"
        combined.write_bytes(layer_geojson(layer))
        staged, result = import_files(store, "hotspots", [combined], progress, who)
    given_ids = [str(i) for i in added.frame["hotspot_id"]]
    for before, after in zip(given_ids, layer["hotspot_id"][len(current) :], strict=True):
        if before != after:
            findings.append(
                Finding("warning", file.name, f"hotspot_id {before} is taken; added as {after}")
            )
    staged.findings[:0] = findings
    return staged, result
