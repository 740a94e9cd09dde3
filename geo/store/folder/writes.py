"""Changing the dataset folder safely: one import at a time, all of it or none of it.

An import's changes are written to a hidden staging folder inside the dataset folder (so on the
same file system even when the dataset folder is itself a mount point, such as a network share),
with a journal of the renames to make; the renames follow, and a failure part-way puts every old
file back. A process killed half-way leaves its journal: loading the dataset or the next import
rolls it back first, and says so. A hidden lock file inside the folder keeps a second import
waiting, on this host and on any other host that has the share mounted (the lock is taken with
flock, which Linux passes to NFS servers as a POSIX lock); imports from threads of one process
also wait for each other.

Hidden names (starting with '.') are never dataset files: the dataset's readers skip them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from geo.errors import HotspotDataError
from geo.words import count_text

LOCK_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Action:
    """One change to the dataset folder: write `data` to `path`, or remove `path` (data None);
    a `private` file is made readable by its owner only (personal data, keys)."""

    path: str
    data: bytes | None
    what: str
    private: bool = False


LOCK_FILE = ".import.lock"
STAGING_PREFIX = ".import-"
RECOVERY_NOTE = ".import.recovered"
"""Says that an interrupted import was undone, until the next import completes."""
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def lock_path(folder: Path) -> Path:
    """The lock file: hidden inside the dataset folder, so every host sharing it sees the lock."""
    return folder / LOCK_FILE


@contextmanager
def lock(folder: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the dataset's import lock; wait up to `timeout` seconds for another import. A folder
    that does not exist yet is created for the lock, and removed again if nothing was imported."""
    created = not folder.exists()
    try:
        folder.mkdir(exist_ok=True)
        handle = lock_path(folder).open("a")
    except OSError as exc:
        raise HotspotDataError(
            f"cannot create the import lock in the dataset folder ({exc})", path=folder
        ) from exc
    deadline = time.monotonic() + timeout
    with _THREAD_LOCKS_GUARD:
        in_process = _THREAD_LOCKS.setdefault(str(folder.resolve()), threading.Lock())
    try:
        if not in_process.acquire(timeout=max(timeout, 0)):
            _busy(folder, timeout)
        try:
            _flock(handle, folder, deadline, timeout)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            in_process.release()
    finally:
        handle.close()
        if created and [p.name for p in folder.iterdir()] == [LOCK_FILE]:
            lock_path(folder).unlink()
            folder.rmdir()


def _flock(handle, folder: Path, deadline: float, timeout: float) -> None:
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                _busy(folder, timeout)
            time.sleep(0.1)


def _busy(folder: Path, timeout: float) -> None:
    raise HotspotDataError(
        f"another import into this dataset is running (waited {timeout:.0f} s); "
        "try again when it has finished",
        path=folder,
    )


def _staging_dirs(folder: Path) -> list[Path]:
    """Staging folders inside the dataset folder, and beside it (where older versions put them)."""
    inside = folder.glob(f"{STAGING_PREFIX}*") if folder.is_dir() else []
    return sorted([*inside, *folder.parent.glob(f".{folder.name}.import-*")])


def interrupted(folder: Path) -> bool:
    """Whether an import was stopped half-way: a journal without its 'done' mark."""
    return any(_unfinished(staging) for staging in _staging_dirs(folder))


def _unfinished(staging: Path) -> bool:
    return (staging / "journal.json").is_file() and not (staging / "done").exists()


def recover(folder: Path) -> list[str]:
    """Undo imports that were interrupted (call holding the lock); one line for each undone,
    also kept in the folder (hidden) until the next import completes."""
    undone = []
    for staging in _staging_dirs(folder):
        if _unfinished(staging):
            count = _roll_back(staging, folder)
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime())
            undone.append(
                f"an import was interrupted; it was undone at {when} "
                f"({count_text(count, 'file')} put back), "
                "so the last complete data is shown"
            )
        shutil.rmtree(staging, ignore_errors=True)
    if undone:
        with (folder / RECOVERY_NOTE).open("a") as note:
            note.write("".join(line + "\n" for line in undone))
    return undone


def recovery_notes(folder: Path) -> list[str]:
    """What `recover` undid since the last completed import (empty when nothing was)."""
    try:
        return (folder / RECOVERY_NOTE).read_text().splitlines()
    except OSError:
        return []


def recover_before_reading(folder: Path, timeout: float = LOCK_TIMEOUT_S) -> None:
    """Undo an interrupted import before the folder is read (it would mix old and new files);
    wait for an import that is still running. Refuse to read when it cannot be undone."""
    if not interrupted(folder):
        return
    try:
        with lock(folder.resolve(), timeout):
            recover(folder.resolve())
    except (HotspotDataError, OSError) as exc:
        raise HotspotDataError(
            "an import into this folder was interrupted and cannot be undone here "
            f"({exc}); the next import (python -m geo import, or the data page) undoes it",
            path=folder,
        ) from exc


def apply_actions(actions: list[Action], folder: Path) -> None:
    """Write everything aside, journal it, then rename into place; undo on any failure."""
    staging = folder / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        (staging / "new").mkdir(parents=True)
        (staging / "old").mkdir()
        entries = []
        for index, action in enumerate(actions):
            if action.data is not None:
                _write_synced(staging / "new" / str(index), action.data, action.private)
            entries.append({"path": action.path, "write": action.data is not None})
        dirs = sorted(
            {
                p.as_posix()
                for a in actions
                for p in Path(a.path).parents
                if p != Path(".") and not (folder / p).exists()
            },
            key=len,
        )
        journal = {"folder": str(folder), "dirs": dirs, "actions": entries}
        _write_synced(staging / "journal.json", json.dumps(journal).encode())
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise HotspotDataError(
            f"could not write the import aside ({exc}); nothing was changed", path=folder
        ) from exc
    try:
        folder.mkdir(exist_ok=True)
        for d in dirs:
            (folder / d).mkdir(exist_ok=True)
        for index, entry in enumerate(entries):
            target = folder / entry["path"]
            if target.exists():
                os.rename(target, staging / "old" / str(index))
            if entry["write"]:
                os.rename(staging / "new" / str(index), target)
        _fsync_dir(folder)
        (staging / "done").touch()
        (folder / RECOVERY_NOTE).unlink(missing_ok=True)
    except OSError as exc:
        _roll_back(staging, folder)
        shutil.rmtree(staging, ignore_errors=True)
        raise HotspotDataError(f"the import failed and was undone ({exc})", path=folder) from exc
    for emptied in sorted({(folder / e["path"]).parent for e in entries}, reverse=True):
        if emptied != folder and emptied.is_dir() and not any(emptied.iterdir()):
            emptied.rmdir()
    shutil.rmtree(staging, ignore_errors=True)


def _roll_back(staging: Path, folder: Path) -> int:
    """Put back what an interrupted import had moved, in reverse order; how many files changed."""
    journal = json.loads((staging / "journal.json").read_text())
    changed = 0
    for index in reversed(range(len(journal["actions"]))):
        entry = journal["actions"][index]
        target = folder / entry["path"]
        old, new = staging / "old" / str(index), staging / "new" / str(index)
        if entry["write"] and not new.exists() and target.exists():
            target.unlink()
            changed += 1
        if old.exists():
            os.rename(old, target)
            changed += 1
    for d in reversed(journal["dirs"]):
        path = folder / d
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


def _write_synced(path: Path, data: bytes, private: bool = False) -> None:
    """Write a new file and flush it to disk; a `private` one is made owner-only as it is
    created, so it is never readable by others, not even for a moment."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    with os.fdopen(os.open(path, flags, 0o600 if private else 0o666), "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
