"""GPS visits from ping files: each file read (in a thread of its own, while the hotspots'
index is built) and tested block by block, keeping only the pings that count, then every file's
counting pings joined into visits (geo.counting.visits).

Only the counting pings of a file are kept, so memory follows the pings that count, not all
pings; a cache (a folder's geo.store.folder.ping_cache) may keep them between loads.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import pyarrow as pa

from geo.counting.visits import (
    CountingPings,
    HotspotIndex,
    VisitResult,
    VisitRules,
    build_visits,
    counting_pings,
)
from geo.io.pings import Officers, PingBlock, PingFilesReader, PingStats, ping_files_in, read_pings


def visits_from_files(
    paths: Iterable[str | Path],
    hotspots: gpd.GeoDataFrame,
    rules: VisitRules | None = None,
    labels: dict[Path, str] | None = None,
    cache: FileCache | None = None,
    reader: PingFilesReader | None = None,
) -> VisitResult:
    """Read every ping file (one at a time) and build the visits to each hotspot.

    `cache`, when given, keeps each file's counting pings (see geo.store.folder.ping_cache), so
    a file is read again only when it, the hotspots or the rules change. `reader`, when given,
    is the reading of the files not in the cache, already begun (the command line starts it
    before its heavier imports); it is closed here.
    """
    rules = rules or VisitRules()
    files = ping_files_in(paths)
    found = [cache.get(path) if cache is not None else None for path in files]
    unread = [path for path, kept in zip(files, found, strict=True) if kept is None]
    officers = Officers()
    stats = PingStats()
    parts: list[CountingPings] = []
    with (
        reader or PingFilesReader(unread, labels) as reading,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        if reading.paths != unread:
            raise ValueError("the reader was begun on other files than those to read")
        index: Future[HotspotIndex] | None = None  # built while the first blocks are read
        if unread:
            index = pool.submit(HotspotIndex.build, hotspots, rules.tolerance_m)
        taken = 0
        for path, kept in zip(files, found, strict=True):
            if kept is None:
                kept = _counting(reading.blocks(taken), reading.officers[taken], index, rules)
                taken += 1
                if cache is not None:
                    cache.put(path, kept)
            part, names, file_stats = kept
            # each file in order now, while the next is read: the sort of all is then a merge
            parts.append(part.recoded(officers.encode(names)).in_visit_order())
            stats.merge(file_stats)
    visits = build_visits(CountingPings.join(parts), rules)
    return VisitResult(visits, stats, rules, hotspots["hotspot_id"].to_numpy(dtype=object))


FileCounting = tuple["CountingPings", pa.DictionaryArray, PingStats]
"""One file's counting pings (officer as codes into the names), the officer names, its stats."""


class FileCache(Protocol):
    """Somewhere to keep each file's counting pings between loads."""

    def get(self, path: Path) -> FileCounting | None: ...

    def put(self, path: Path, found: FileCounting) -> None: ...


def file_counting_pings(
    path: Path,
    index: HotspotIndex | Future[HotspotIndex],
    rules: VisitRules,
    label: str | None = None,
) -> FileCounting:
    """The counting pings of one file, with its officers' ids and what reading found (`index`
    may still be being built: it is waited for once the first block is read)."""
    officers = Officers()
    return _counting(read_pings(path, officers, label=label), officers, index, rules)


def _counting(
    blocks: Iterable[PingBlock],
    officers: Officers,
    index: HotspotIndex | Future[HotspotIndex] | None,
    rules: VisitRules,
) -> FileCounting:
    """The counting pings of one file's blocks (officer codes from `officers`, filled as the
    blocks are read), its officers' ids and what reading found."""
    stats = PingStats(files=1)
    parts = []
    for block in blocks:
        stats.add(block)
        if isinstance(index, Future):
            index = index.result()
        assert index is not None  # a file is read only with the index being built
        parts.append(counting_pings(block, index, rules))
    joined = CountingPings.join(parts)
    names = pa.array(list(officers.codes), pa.string())
    return (
        joined,
        pa.DictionaryArray.from_arrays(pa.array(joined.officer, pa.int32()), names),
        stats,
    )
