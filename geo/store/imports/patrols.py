"""Checking a patrol log for import: read with the app's reader against the hotspot ids it may
name; a log of only a header is refused."""

from __future__ import annotations

from collections.abc import Iterable

from geo.errors import HotspotDataError
from geo.io.patrols import read_patrols
from geo.store.imports.files import MAX_UPLOAD_BYTES, check_size, relabelled
from geo.store.imports.staged import InputFile, StagedPatrols


def check_patrols(
    file: InputFile, hotspot_ids: Iterable[str] | None, max_bytes: int = MAX_UPLOAD_BYTES
) -> StagedPatrols:
    """Read and validate a patrol log against the hotspot ids it may name."""
    check_size(file, max_bytes)
    with relabelled(file):
        frame = read_patrols(file.path, list(hotspot_ids) if hotspot_ids is not None else None)
    if frame.empty:
        raise HotspotDataError("holds no visits, only a header", path=file.name)
    return StagedPatrols(frame, file.path.read_bytes(), file.name)
