"""Committing a staged import into a dataset folder: a lock, the checks against the folder as it
is at that moment, every new file written aside (a hidden folder inside the dataset folder, on
the same file system), a journal of what is about to happen, and then renames
(geo.store.folder.writes). If anything fails, or the process dies half-way, the journal puts back
what was there (at once, or at the start of the next import or load). Every commit, and every
refusal (by the checks or at this step), is appended to the folder's audit log
(geo.store.folder.audit) with who made it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

from geo.access import Actor, os_user
from geo.errors import HotspotDataError
from geo.io.hotspots import read_hotspots
from geo.io.patrols import read_patrols
from geo.store.folder.audit import IMPORTED, REFUSED, AuditLog, entry
from geo.store.folder.pings import key_mode, pseudonym_key
from geo.store.folder.plan import folder_actions
from geo.store.folder.writes import LOCK_TIMEOUT_S, apply_actions, lock, recover
from geo.store.imports.changes import CommitResult
from geo.store.imports.staged import Finding, Staged, StagedHotspots, staged_rows
from geo.store.layout import KEY_FILE, PATROL_FILE, SAMPLE_MARKER, find_hotspot_file
from geo.words import count_text


def check_target(folder: Path) -> None:
    """The dataset folder must be a folder (or not exist yet) that an import may change."""
    if folder.exists() and not folder.is_dir():
        raise HotspotDataError("is not a folder; give the dataset folder", path=folder)
    if (folder / SAMPLE_MARKER).is_file():
        raise HotspotDataError(
            f"is the generated sample dataset (it holds {SAMPLE_MARKER}), which imports do not "
            f"change; to use a copy of it as your own, delete {SAMPLE_MARKER} from the copy, or "
            "set HOTSPOT_DATA (or --data) to your own dataset folder",
            path=folder,
        )
    place = folder if folder.exists() else folder.resolve().parent
    if not place.is_dir() or not os.access(place, os.W_OK):
        where = "it" if place == folder else f"its parent folder {place.name}"
        raise HotspotDataError(
            f"cannot be changed: {where} is missing or not writable (an import writes its files "
            "into the dataset folder first, hidden, then moves them into place)",
            path=folder,
        )


def patrol_findings(folder: Path, hotspots: StagedHotspots) -> list[Finding]:
    """New hotspots must still cover every hotspot_id the dataset's patrol log names."""
    path = folder / PATROL_FILE
    if not path.is_file():
        return []
    try:
        existing = read_patrols(path)
    except HotspotDataError as exc:
        return [Finding("warning", str(path), f"the dataset's patrol log cannot be read: {exc}")]
    missing = sorted(set(existing["hotspot_id"]) - set(hotspots.frame["hotspot_id"]))
    if not missing:
        return []
    shown = ", ".join(f"'{m}'" for m in missing[:5]) + (" …" if len(missing) > 5 else "")
    return [
        Finding(
            "error",
            hotspots.source,
            f"lacks {count_text(len(missing), 'hotspot id')} that the dataset's patrol log "
            f"names ({shown}); "
            "import a patrol log that matches, together with these hotspots",
            column="hotspot_id",
        )
    ]


def commit_folder(
    staged: Staged,
    folder: Path,
    who: Actor | None = None,
    how: str = "python",
    lock_timeout: float = LOCK_TIMEOUT_S,
) -> CommitResult:
    """Write `staged` into `folder` atomically, under a lock, and log it in the folder's audit log
    as made by `who` (default: this process's account, known `how`); raise HotspotDataError and
    leave the folder as it was if anything is wrong (a refusal is logged too, one by the checks
    included)."""
    actor = who or Actor(os_user(), how)
    if staged.errors or staged.empty:
        _refuse(staged, folder, actor)
    check_target(folder)
    rows = staged_rows(staged)
    with AuditLog(folder) as log:
        try:
            result = _commit(staged, folder, lock_timeout)
        except HotspotDataError as exc:
            log.write(entry(actor, REFUSED, staged.inputs, rows, [str(exc)], staged.kind))
            raise
        try:
            log.write(entry(actor, IMPORTED, staged.inputs, rows, result.lines, staged.kind))
        except (OSError, HotspotDataError) as exc:
            result.lines.append(f"warning: the audit log could not be written ({exc})")
    return result


def _refuse(staged: Staged, folder: Path, actor: Actor) -> NoReturn:
    """Raise the first problem the checks found, logged first (who, what kind, which files, why)
    when `folder` is a dataset folder an import may change."""
    refusal = staged.refusal() or HotspotDataError("nothing to import")
    if not _may_change(folder):
        raise refusal
    try:
        with AuditLog(folder) as log:
            rows = staged_rows(staged)
            log.write(entry(actor, REFUSED, staged.inputs, rows, [str(refusal)], staged.kind))
    except (OSError, HotspotDataError) as exc:
        raise HotspotDataError(
            f"{refusal.problem} (and the refusal could not be logged: {exc})",
            path=refusal.path,
            row=refusal.row,
            column=refusal.column,
        ) from exc
    raise refusal


def _may_change(folder: Path) -> bool:
    """Whether `folder` is one an import may change (so one to log in): not the sample."""
    try:
        check_target(folder)
    except HotspotDataError:
        return False
    return True


def _commit(staged: Staged, folder: Path, lock_timeout: float) -> CommitResult:
    """The commit itself: checks against the folder as it is now, then the locked writes."""
    check_target(folder)
    real = folder.resolve()
    with lock(real, lock_timeout):
        undone = recover(real)
        if staged.hotspots is not None and staged.patrols is None:
            problems = patrol_findings(real, staged.hotspots)
            if any(p.level == "error" for p in problems):
                Staged(findings=problems).raise_first()
        if staged.patrols is not None and staged.hotspots is None:
            ids = set(read_hotspots(find_hotspot_file(real))["hotspot_id"])
            unknown = sorted(set(staged.patrols.frame["hotspot_id"]) - ids)
            if unknown:
                raise HotspotDataError(
                    f"names hotspot_id '{unknown[0]}', which the dataset's hotspots lack",
                    path=staged.patrols.source,
                    column="hotspot_id",
                )
        if staged.pings and staged.ping_key is not None:
            if pseudonym_key(real)[0] != staged.ping_key[0] and not staged.ping_key[1]:
                raise HotspotDataError(
                    "the pseudonym key changed while the files were checked; import again",
                    path=folder,
                )
            if staged.ping_key[1] and (real / KEY_FILE).exists():
                raise HotspotDataError(
                    "another import made the pseudonym key meanwhile; import again", path=folder
                )
        actions = folder_actions(staged, real)
        apply_actions(actions, real)
        key_mode(real / KEY_FILE)
    return CommitResult(
        undone + [f"{'removed' if a.data is None else 'wrote'} {a.path}: {a.what}" for a in actions]
    )
