"""Checking files for import into a store, every problem a finding (nothing is raised), and the
command line's import of files of one kind: check, then commit all or nothing.

The checks by kind of file are geo.store.imports.hotspots, .crimes, .patrols and .pings; what
they are checked against in the store (may it change, the hotspot ids its patrol log names, the
pseudonym key) comes from the store itself (geo.store.interface.Store); a database checks the
rest when committing, under its lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from geo.access import Actor
from geo.counting.visits import VisitRules
from geo.errors import HotspotDataError
from geo.io.patrols import log_problems
from geo.store.imports.changes import CommitResult
from geo.store.imports.crimes import check_crimes
from geo.store.imports.files import MAX_UPLOAD_BYTES, collected
from geo.store.imports.hotspots import check_hotspots
from geo.store.imports.patrols import check_patrols
from geo.store.imports.pings import check_pings
from geo.store.imports.staged import (
    Finding,
    InputFile,
    Progress,
    Staged,
    file_record,
    given_kinds,
)
from geo.store.interface import Store, as_store


def check(
    given: Store | Path | str,
    hotspots: InputFile | None = None,
    crimes: Sequence[InputFile] = (),
    patrols: InputFile | None = None,
    progress: Progress | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    pings: Sequence[InputFile] = (),
) -> Staged:
    """Check files for import into a store (or the store at a location); every problem becomes
    a finding, nothing is raised."""
    store = as_store(given)
    staged = Staged()
    given = [f for f in (hotspots, *crimes, patrols, *pings) if f is not None]
    staged.inputs = [file_record(f.name, f.path) for f in given]
    staged.kinds = given_kinds(hotspots=[hotspots], crimes=crimes, patrols=[patrols], pings=pings)
    say = progress or (lambda _fraction, _text: None)
    collected(staged, store.check_writable, store.where)
    if hotspots is not None:
        say(0.0, f"Reading {hotspots.name}")
        result = collected(staged, lambda: check_hotspots(hotspots, max_bytes), hotspots.name)
        if result is not None:
            staged.hotspots, found = result
            staged.findings.extend(found)
            if patrols is None:
                staged.findings.extend(store.patrol_findings(staged.hotspots))
    if crimes:
        parts, found = check_crimes(crimes, progress=say, max_bytes=max_bytes)
        staged.crimes = parts
        staged.findings.extend(found)
    if patrols is not None:
        say(1.0, f"Reading {patrols.name}")
        ids = _hotspot_ids_for_patrols(store, hotspots, staged, patrols)
        result = collected(staged, lambda: check_patrols(patrols, ids, max_bytes), patrols.name)
        if result is not None:
            staged.patrols = result
            staged.findings.extend(
                Finding("warning", patrols.name, detail, row=rows[0])
                for detail, rows in log_problems(result.frame)[["detail", "rows"]].values
            )
    if pings:
        key = collected(staged, store.ping_key, store.where)
        if key is not None:
            check_pings(staged, pings, say, max_bytes, key)
    if staged.empty and not staged.errors:
        staged.findings.append(Finding("error", store.where, "no files were given to import"))
    return staged


def _hotspot_ids_for_patrols(
    store: Store, hotspots: InputFile | None, staged: Staged, patrols: InputFile
) -> list[str] | None:
    """The ids a patrol log may name: the hotspots imported with it, else the store's (None: the
    store checks them when committing)."""
    if hotspots is not None:
        return list(staged.hotspots.frame["hotspot_id"]) if staged.hotspots else None
    try:
        return store.hotspot_ids()
    except HotspotDataError as exc:
        staged.findings.append(
            Finding(
                "error",
                patrols.name,
                f"cannot be checked against the dataset's hotspots ({exc}); import hotspots "
                "together with the patrol log",
            )
        )
        return None


def import_files(
    given: Store | Path | str,
    kind: str,
    paths: Sequence[str | Path],
    rules: VisitRules,
    progress: Progress | None = None,
    who: Actor | None = None,
) -> tuple[Staged, CommitResult]:
    """Check and commit files of one kind (`hotspots`, `crimes`, `patrols` or `pings`), logged
    as made by `who` (default: this process's account, from the command line); raise
    HotspotDataError, with the store unchanged, when anything is wrong. A database builds the
    GPS visits of pings or hotspots under `rules`."""
    store = as_store(given)
    files = [InputFile.of(p) for p in paths]
    if kind in ("hotspots", "patrols") and len(files) != 1:
        raise HotspotDataError(f"give exactly one {kind} file (got {len(files)})")
    if kind == "hotspots":
        staged = check(store, hotspots=files[0], progress=progress)
    elif kind == "patrols":
        staged = check(store, patrols=files[0], progress=progress)
    elif kind == "crimes":
        staged = check(store, crimes=files, progress=progress)
    elif kind == "pings":
        staged = check(store, pings=files, progress=progress)
    else:
        raise HotspotDataError(
            f"'{kind}' is not something to import: hotspots, crimes, patrols or pings"
        )
    return staged, store.commit(staged, rules, who=who, how="command line")
