"""Which sessions of the app may upload files, and how much they may hold.

Streamlit's upload route takes files for any live session, signed in or not, and keeps them in
the server's memory while the session lives. The pages say which sessions belong to an importer;
the server refuses uploads from any other, and caps what one session and all of them hold.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

SESSION_UPLOAD_BYTES = 2 * 1024**3
"""Most one session may hold in uploaded files (ten of the largest files the import takes)."""
SERVER_UPLOAD_BYTES = 4 * 1024**3
"""Most all sessions together may hold in uploaded files."""


@dataclass
class UploadAllowance:
    """The sessions that may upload and the bytes each holds, shared by the pages and the server
    (one process, many threads)."""

    session_bytes: int = SESSION_UPLOAD_BYTES
    server_bytes: int = SERVER_UPLOAD_BYTES
    _allowed: set[str] = field(default_factory=set)
    _held: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, session: str) -> None:
        """Let `session` upload (its visitor may change the data)."""
        with self._lock:
            self._allowed.add(session)

    def forbid(self, session: str) -> None:
        """Stop `session` uploading and forget what it held."""
        with self._lock:
            self._allowed.discard(session)
            for key in [key for key in self._held if key[0] == session]:
                del self._held[key]

    def admit(self, session: str, file_id: str, size: int | None) -> str | None:
        """Take a file of `size` bytes for `session`; why it is refused, or None."""
        with self._lock:
            if session not in self._allowed:
                return "uploads need the importer role"
            if size is None or size < 0:
                return "an upload must say its length"
            others = {k: v for k, v in self._held.items() if k != (session, file_id)}
            mine = sum(v for (s, _), v in others.items() if s == session)
            if mine + size > self.session_bytes:
                return "this browser tab already holds as many uploaded files as it may"
            if sum(others.values()) + size > self.server_bytes:
                return "the server already holds as many uploaded files as it may"
            self._held[(session, file_id)] = size
            return None

    def release(self, session: str, file_id: str) -> None:
        """Forget a file the session removed."""
        with self._lock:
            self._held.pop((session, file_id), None)


UPLOADS = UploadAllowance()
"""The server's one allowance, which the pages fill and the server consults."""
