"""The dataset's crime files kept as Parquet beside them, so each file is parsed once per change.

After a street file under `DATASET/crimes/` is read and checked, the columns the figures need
(month ordinal, lon, lat, crime type, duplicate flag) are written to
`DATASET/.cache/crimes/<its path>.parquet`, with the file's size and modification time (ns) in
the Parquet metadata. Next time, a cache file is used only when both still match; a changed, new
or unreadable one means the CSV is read again and its cache file rewritten, so adding a month
parses that month only. Cache files are written to a temporary name and renamed into place, so a
reader never sees half a file. A folder that cannot be written is read without a cache; cache
files whose CSV has gone are removed.
`dataset_version` ignores hidden folders, so writing the cache does not change the version.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from geo.io.crimes import (
    CrimeSource,
    ReadBuffer,
    crimes_frame,
    find_crime_files,
    read_crime_file,
    read_files,
)
from geo.io.parquet_files import write_atomically

CACHE_DIR = ".cache"
FORMAT = "2"
"""Bumped when the cached columns change, so older cache files are rebuilt."""

_SIZE, _MTIME, _FORMAT = b"geo.source_size", b"geo.source_mtime_ns", b"geo.cache_format"


def read_crimes_cached(folder: Path, paths: Iterable[str | Path]) -> pd.DataFrame:
    """Like geo.io.crimes.read_crimes, through the Parquet cache of dataset `folder`."""
    sources = find_crime_files(paths)
    tables, problem = read_files(
        sources, lambda source, buffer, use_threads: _table(folder, source, buffer, use_threads)
    )
    if problem is not None:
        raise problem
    _remove_orphans(folder, sources)
    return crimes_frame(tables)


def cache_path(folder: Path, source: CrimeSource) -> Path | None:
    """Where the cache of `source` lives; None for files outside the folder or inside a zip."""
    if source.member is not None:
        return None
    for path, root in ((source.path, folder), (source.path.resolve(), folder.resolve())):
        if path.is_relative_to(root):  # as found (linked folders too), else as resolved
            return folder / CACHE_DIR / f"{path.relative_to(root)}.parquet"
    return None


def _table(
    folder: Path, source: CrimeSource, buffer: ReadBuffer | None, use_threads: bool
) -> pa.Table:
    """The cached table when it is current, else the file read afresh into `buffer` (and cached);
    see geo.io.crimes.FileReader."""
    target = cache_path(folder, source)
    if target is None:
        return read_crime_file(source, buffer, use_threads)
    stamp = _stamp(source.path)
    cached = _read_current(target, stamp, use_threads)
    if cached is not None:
        return cached
    table = read_crime_file(source, buffer, use_threads)
    _write(target, table, stamp)
    return table


def _stamp(path: Path) -> dict[bytes, bytes]:
    """What identifies a version of a source file: its size and modification time (ns)."""
    info = path.stat()
    return {_SIZE: str(info.st_size).encode(), _MTIME: str(info.st_mtime_ns).encode()}


def _read_current(
    target: Path, stamp: dict[bytes, bytes], use_threads: bool = True
) -> pa.Table | None:
    """The cache file's table when it was made from this version of the source, else None."""
    try:
        table = pq.read_table(target, use_threads=use_threads)
    except (OSError, pa.ArrowException):
        return None  # absent, unreadable or corrupt: rebuilt from the CSV
    metadata = table.schema.metadata or {}
    if metadata.get(_FORMAT) != FORMAT.encode():
        return None
    if any(metadata.get(key) != value for key, value in stamp.items()):
        return None
    return table.replace_schema_metadata(None)


def _write(target: Path, table: pa.Table, stamp: dict[bytes, bytes]) -> None:
    """Write atomically; a folder we cannot write is left alone (the cache is only a cache)."""
    write_atomically(target, table.replace_schema_metadata({**stamp, _FORMAT: FORMAT.encode()}))


def _remove_orphans(folder: Path, sources: list[CrimeSource]) -> None:
    """Delete cache files whose source file is no longer read (deleted or moved)."""
    root = folder / CACHE_DIR / "crimes"
    if not root.is_dir():
        return
    wanted = {cache_path(folder, source) for source in sources}
    for path in root.rglob("*.parquet"):
        if path not in wanted:
            path.unlink(missing_ok=True)
