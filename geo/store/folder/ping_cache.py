"""Each stored ping file's counting pings kept as Parquet, so the app reads pings once per change.

Turning a month of pings into visits is mostly reading them and testing each against the
hotspots; only the pings that count for a hotspot matter after that. They are kept per ping file
in `DATASET/.cache/pings/<its path>.parquet` (hotspot, officer pseudonym, role, UTC seconds, and
the file's counts in the metadata), valid while the file's size and modification time, the
hotspot outlines and the rules that choose pings (tolerance, accuracy) are unchanged. Visits are
joined up afresh on every load, so a visit running from one file into the next stays one visit.
Written to a temporary name and renamed; a folder that cannot be written is read without it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from geo.counting.ping_files import FileCounting
from geo.counting.visits import CountingPings, VisitRules
from geo.io.parquet_files import write_atomically
from geo.io.pings import PingStats

CACHE_DIR = ".cache"
FORMAT = b"1"
"""Bumped when the cached columns change, so older cache files are rebuilt."""
_KEY = b"geo.ping_cache_key"
_STATS = ("rows", "no_fix", "ambiguous")


class PingCache:
    """The counting-ping cache of one dataset folder, for given hotspots and rules."""

    def __init__(self, folder: Path, hotspots: gpd.GeoDataFrame, rules: VisitRules) -> None:
        digest = hashlib.sha256(FORMAT)
        digest.update(f"{rules.tolerance_m!r}|{rules.max_accuracy_m!r}".encode())
        for hotspot_id in hotspots["hotspot_id"]:
            digest.update(str(hotspot_id).encode() + b"\0")
        for wkb in shapely.to_wkb(hotspots.to_crs(4326).geometry.values):
            digest.update(wkb)
        self.folder = folder
        self.context = digest.hexdigest().encode()

    def _target(self, path: Path) -> Path | None:
        for candidate, root in ((path, self.folder), (path.resolve(), self.folder.resolve())):
            if candidate.is_relative_to(root):
                return self.folder / CACHE_DIR / f"{candidate.relative_to(root)}.parquet"
        return None

    def _key(self, path: Path) -> bytes:
        info = path.stat()
        return self.context + f"|{info.st_size}|{info.st_mtime_ns}".encode()

    def get(self, path: Path) -> FileCounting | None:
        """The file's counting pings when cached for this version of it, else None."""
        target = self._target(path)
        if target is None:
            return None
        try:
            table = pq.read_table(target)
        except (OSError, pa.ArrowException):
            return None
        metadata = table.schema.metadata or {}
        if metadata.get(_KEY) != self._key(path):
            return None
        officer = table.column("officer").combine_chunks()
        if not isinstance(officer, pa.DictionaryArray):
            return None
        stats = PingStats(files=1, **{k: int(metadata[k.encode()]) for k in _STATS})
        part = CountingPings(
            hotspot=table.column("hotspot").to_numpy(),
            officer=officer.indices.to_numpy(zero_copy_only=False),
            role=table.column("role").to_numpy(),
            seconds=table.column("seconds").to_numpy(),
        )
        return part, officer, stats

    def put(self, path: Path, found: FileCounting) -> None:
        """Keep the file's counting pings (atomically; silently not when it cannot write)."""
        target = self._target(path)
        if target is None:
            return
        part, officer, stats = found
        table = pa.table(
            {
                "hotspot": pa.array(part.hotspot, pa.int32()),
                "officer": officer,
                "role": pa.array(part.role, pa.int8()),
                "seconds": pa.array(part.seconds, pa.int64()),
            }
        )
        metadata = {
            _KEY: self._key(path),
            **{k.encode(): str(getattr(stats, k)).encode() for k in _STATS},
        }
        write_atomically(target, table.replace_schema_metadata(metadata))
