"""Parquet files the app keeps for itself (caches): written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_atomically(target: Path, table: pa.Table) -> bool:
    """Write `table` to `target` through a temporary file and a rename, so a reader never sees
    half a file; False (and nothing left behind) when the folder cannot be written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    except OSError:
        return False
    os.close(handle)
    try:
        pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, target)
    except (OSError, pa.ArrowException):
        Path(temporary).unlink(missing_ok=True)
        return False
    return True
