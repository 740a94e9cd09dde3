"""The dataset's audit log: every commit, who made it, when, what kind of import, which files
(names and SHA-256), how many rows, and what came of it.

One JSON object per line in the dataset folder's `.audit.jsonl`, only ever appended to. The log
is opened before a commit changes anything, so a dataset whose log cannot be written is not
changed; an import refused, by its checks or part-way, is logged with its reason. The log must
be a regular file: a link, a named pipe or a device in its place is refused at once (a pipe
would make every import wait for a reader).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from geo.access import Actor
from geo.errors import HotspotDataError
from geo.store.imports.changes import SHOWN_CHANGES
from geo.store.imports.staged import FileRecord

AUDIT_FILE = ".audit.jsonl"
TAIL_BYTES = 4 * 1024**2
"""How much of the end of the log the page reads: thousands of entries, never the whole file."""
IMPORTED = "imported"
REFUSED = "refused"
AUDIT_COLUMNS = ["time", "who", "how", "result", "kind", "files", "sha256", "rows", "detail"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Entry:
    """One line of the log."""

    time: str
    who: str
    how: str
    result: str
    files: list[FileRecord] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    detail: list[str] = field(default_factory=list)
    kind: str = ""
    """What was imported: 'crimes', 'pings', 'hotspots, patrols', …"""


def entry(
    actor: Actor,
    result: str,
    files: Iterable[FileRecord],
    rows: Mapping[str, int],
    detail: Iterable[str],
    kind: str = "",
) -> Entry:
    """An entry stamped with the current time (UTC)."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Entry(now, actor.name, actor.how, result, list(files), dict(rows), list(detail), kind)


class AuditLog:
    """The folder's log, held open for appending across one commit."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.handle: int | None = self._open() if self.folder.is_dir() else None

    def _open(self) -> int:
        """The log, opened to append; never waits (O_NONBLOCK: a pipe with no reader fails at
        once) and never follows a link, and anything but a regular file is refused."""
        path = self.folder / AUDIT_FILE
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            handle = os.open(path, flags | os.O_NONBLOCK, 0o640)
        except OSError as exc:
            raise self._unwritable(_why(exc)) from exc
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                raise self._unwritable(_NOT_A_FILE)
            os.set_blocking(handle, True)
        except BaseException:
            os.close(handle)
            raise
        return handle

    def _unwritable(self, reason: str) -> HotspotDataError:
        return HotspotDataError(
            f"cannot write the audit log {AUDIT_FILE} ({reason}); nothing was imported, as "
            "every change to the data must be logged",
            path=self.folder,
        )

    def write(self, record: Entry) -> None:
        """Append one entry as one line (locked, flushed to disk)."""
        if self.handle is None:
            if not self.folder.is_dir():
                return  # refused before the folder existed: no dataset to log in
            self.handle = self._open()
        line = json.dumps(asdict(record), ensure_ascii=True) + "\n"
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        try:
            os.write(self.handle, line.encode("ascii"))
            os.fsync(self.handle)
        finally:
            fcntl.flock(self.handle, fcntl.LOCK_UN)

    def close(self) -> None:
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_NOT_A_FILE = "it is not a regular file; remove it, and the next import starts a new log"


def _why(exc: OSError) -> str:
    """Why the log cannot be opened, in words: a link, something that is not a file, or the
    system's reason."""
    if exc.errno == errno.ELOOP:
        return "it is a symbolic link"
    if exc.errno in (errno.ENXIO, errno.EISDIR):  # a pipe no one reads, a socket; a folder
        return _NOT_A_FILE
    return exc.strerror or str(exc)


def read_entries(folder: Path, limit: int = SHOWN_CHANGES) -> tuple[list[dict], int]:
    """The latest `limit` entries, newest first, and how many lines could not be read; raise
    HotspotDataError when the log cannot be opened. A log that is not a regular file (a link, a
    pipe) reads as empty, without waiting on it."""
    path = Path(folder) / AUDIT_FILE
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
            return [], 0
        raise HotspotDataError(
            f"the audit log cannot be read ({exc.strerror or exc})", path=AUDIT_FILE
        ) from exc
    try:
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return [], 0
            os.set_blocking(descriptor, True)
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - TAIL_BYTES))
            data = handle.read()
    except OSError as exc:
        raise HotspotDataError(
            f"the audit log cannot be read ({exc.strerror or exc})", path=AUDIT_FILE
        ) from exc
    lines = data.split(b"\n")
    if size > TAIL_BYTES:
        lines = lines[1:]  # the first line read may be a part of one
    entries, bad = [], 0
    for line in lines:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(value, dict):
            entries.append(value)
        else:
            bad += 1
    return entries[::-1][:limit], bad


def _text(value: object) -> str:
    """A logged value as one line of text, control characters shown as �."""
    return _CONTROL.sub("\ufffd", str(value))


def audit_table(entries: list[dict]) -> pd.DataFrame:
    """The entries as a table for the page: one row each, files and checksums as lists."""
    rows = []
    for item in entries:
        files = [f for f in item.get("files") or [] if isinstance(f, dict)]
        counts = item.get("rows") if isinstance(item.get("rows"), dict) else {}
        detail = item.get("detail") if isinstance(item.get("detail"), list) else []
        rows.append(
            {
                "time": _text(item.get("time", "")),
                "who": _text(item.get("who", "")),
                "how": _text(item.get("how", "")),
                "result": _text(item.get("result", "")),
                "kind": _text(item.get("kind", "")),
                "files": "; ".join(_text(f.get("name", "")) for f in files),
                "sha256": "; ".join(_text(f.get("sha256") or "unreadable") for f in files),
                "rows": "; ".join(f"{_text(k)}: {_text(v)}" for k, v in counts.items()),
                "detail": "; ".join(_text(d) for d in detail),
            }
        )
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)
