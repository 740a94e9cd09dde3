"""Changing the dataset folder safely: one import at a time, all of it or none of it.

An import's changes are written to a staging folder beside the dataset (same filesystem), with a
journal of the renames to make; the renames follow, and a failure part-way puts every old file
back. A process killed half-way leaves its journal, and the next import rolls it back first. A
lock file next to the folder (never inside it) keeps a second import waiting.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from geo.errors import HotspotDataError

LOCK_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Action:
    """One change to the dataset folder: write `data` to `path`, or remove `path` (data None)."""

    path: str
    data: bytes | None
    what: str


def lock_path(folder: Path) -> Path:
    """The lock file: next to the dataset folder, so the folder itself is never touched by it."""
    return folder.parent / f".{folder.name}.import.lock"


@contextmanager
def lock(folder: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the dataset's import lock; wait up to `timeout` seconds for another import."""
    path = lock_path(folder)
    try:
        handle = path.open("a")
    except OSError as exc:
        raise HotspotDataError(
            f"cannot create the import lock {path} ({exc})", path=folder
        ) from exc
    with handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise HotspotDataError(
                        f"another import into this dataset is running (waited {timeout:.0f} s); "
                        "try again when it has finished",
                        path=folder,
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _staging_dirs(folder: Path) -> list[Path]:
    return sorted(folder.parent.glob(f".{folder.name}.import-*"))


def recover(folder: Path) -> list[Path]:
    """Finish or undo imports that were interrupted (call holding the lock); returns their dirs."""
    found = _staging_dirs(folder)
    for staging in found:
        if (staging / "journal.json").is_file() and not (staging / "done").exists():
            _roll_back(staging, folder)
        shutil.rmtree(staging, ignore_errors=True)
    return found


def apply_actions(actions: list[Action], folder: Path) -> None:
    """Write everything aside, journal it, then rename into place; undo on any failure."""
    staging = folder.parent / f".{folder.name}.import-{uuid.uuid4().hex[:12]}"
    try:
        (staging / "new").mkdir(parents=True)
        (staging / "old").mkdir()
        entries = []
        for index, action in enumerate(actions):
            if action.data is not None:
                _write_synced(staging / "new" / str(index), action.data)
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
        journal = {"folder": str(folder), "create": folder.exists() is False, "dirs": dirs}
        journal["actions"] = entries
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
    except OSError as exc:
        _roll_back(staging, folder)
        shutil.rmtree(staging, ignore_errors=True)
        raise HotspotDataError(f"the import failed and was undone ({exc})", path=folder) from exc
    for emptied in sorted({(folder / e["path"]).parent for e in entries}, reverse=True):
        if emptied != folder and emptied.is_dir() and not any(emptied.iterdir()):
            emptied.rmdir()
    shutil.rmtree(staging, ignore_errors=True)


def _roll_back(staging: Path, folder: Path) -> None:
    """Put back what an interrupted import had moved, in reverse order."""
    journal = json.loads((staging / "journal.json").read_text())
    for index in reversed(range(len(journal["actions"]))):
        entry = journal["actions"][index]
        target = folder / entry["path"]
        old, new = staging / "old" / str(index), staging / "new" / str(index)
        if entry["write"] and not new.exists() and target.exists():
            target.unlink()
        if old.exists():
            os.rename(old, target)
    for d in reversed(journal["dirs"]):
        path = folder / d
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if journal.get("create") and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
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
