"""Checking uploads (the data page's): each written to a private temporary folder under its own
name, checked as a file given on the command line would be, and the copies removed."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from geo.store.imports.check import check
from geo.store.imports.files import MAX_UPLOAD_BYTES
from geo.store.imports.staged import FileRecord, Finding, InputFile, Progress, Staged, given_kinds
from geo.store.interface import Store

Upload = tuple[str, bytes]
"""An uploaded file: the name it had on the user's computer, and its bytes."""


def check_uploads(
    store: Store | Path | str,
    hotspots: Upload | None = None,
    crimes: Sequence[Upload] = (),
    patrols: Upload | None = None,
    progress: Progress | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    pings: Sequence[Upload] = (),
) -> Staged:
    """`check` for uploads: each is written to a private temporary folder under its own name
    (messages use the name the user knows), checked, and the temporary copies removed."""
    staged = Staged()
    with tempfile.TemporaryDirectory(prefix="hotspot-upload-") as tmp:
        saved: dict[str, InputFile | list[InputFile] | None] = {}
        kinds = (("hotspots", [hotspots]), ("crimes", crimes), ("patrols", [patrols]),
                 ("pings", pings))  # fmt: skip
        for key, uploads in kinds:
            files = []
            for index, upload in enumerate(u for u in uploads if u is not None):
                name, data = upload
                if len(data) > max_bytes:
                    digest = hashlib.sha256(data).hexdigest()
                    staged.inputs.append(FileRecord(name, digest, len(data)))
                    staged.findings.append(
                        Finding(
                            "error",
                            name,
                            f"is {len(data) / 1024**2:.0f} MB; uploads over "
                            f"{max_bytes / 1024**2:.0f} MB are refused (split it into months)",
                        )
                    )
                    continue
                place = Path(tmp) / key / str(index)
                place.mkdir(parents=True)
                path = place / _safe_name(name)
                path.write_bytes(data)
                files.append(InputFile(path, name))
            saved[key] = files if key in ("crimes", "pings") else (files[0] if files else None)
        checked = check(
            store,
            hotspots=saved["hotspots"],
            crimes=saved["crimes"],
            patrols=saved["patrols"],
            progress=progress,
            max_bytes=max_bytes,
            pings=saved["pings"],
        )
    checked.findings[:0] = staged.findings
    checked.inputs[:0] = staged.inputs
    checked.kinds = given_kinds(hotspots=[hotspots], crimes=crimes, patrols=[patrols], pings=pings)
    if staged.findings:  # a refused upload is a problem even if the rest is fine
        checked.findings = [
            f for f in checked.findings if f.message != "no files were given to import"
        ]
    return checked


def _safe_name(name: str) -> str:
    """A file name for a temporary copy: no folders, no control characters, suffix kept."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .") or "upload"
    return base[-120:]
