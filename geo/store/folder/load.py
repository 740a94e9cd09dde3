"""Reading a dataset folder: hotspots, an optional patrol log, police.uk crime files (through their
Parquet cache), optional control areas and GPS pings (through the counting-ping cache), read and
validated once and counted per hotspot × month with geo.counting. `folder_version` changes
whenever a file is added, removed or modified, so callers can key caches on it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pandas as pd

from geo.counting.aggregate import count_crimes
from geo.counting.areas import area_counts
from geo.counting.incidents import IncidentRows, incident_rows
from geo.counting.ping_files import visits_from_files
from geo.counting.type_counts import type_month_counts
from geo.counting.visits import VisitResult, VisitRules, shared_visits
from geo.errors import HotspotDataError
from geo.io.crime_cache import read_crimes_cached
from geo.io.crime_locations import read_with_location
from geo.io.crimes import CrimeSource, files_below, read_crimes, read_files, street_files_in
from geo.io.hotspots import read_hotspots
from geo.io.patrols import read_patrols
from geo.store.folder.ping_cache import PingCache
from geo.store.folder.pings import stored_ping_files
from geo.store.folder.writes import recover_before_reading, recovery_notes
from geo.store.layout import (
    CONTROL_FILE,
    CRIME_FOLDER,
    HOTSPOT_FILES,
    PATROL_FILE,
    SAMPLE_MARKER,
    find_hotspot_file,
)
from geo.store.loaded import StoredDataset


def folder_version(folder: Path) -> str:
    """A key that changes whenever any file of the dataset changes (path, size, mtime)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(files_below(folder, skip_hidden=True)):
            if not path.name.startswith("."):
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
                )
    return digest.hexdigest()[:16]


def load_folder(folder: Path, ring_m: int, rules: VisitRules) -> StoredDataset:
    """Read, validate and count a dataset folder, with displacement rings `ring_m` wide and GPS
    visits under `rules`; HotspotDataError on bad input."""
    if not folder.is_dir():
        raise HotspotDataError(
            "dataset folder not found (set HOTSPOT_DATA, or run `python -m geo sample`)",
            path=folder,
        )
    recover_before_reading(folder)
    version = folder_version(folder)
    hotspots = read_hotspots(find_hotspot_file(folder))
    patrol_file = folder / PATROL_FILE
    log = read_patrols(patrol_file, hotspots["hotspot_id"]) if patrol_file.is_file() else None
    ping_files = stored_ping_files(folder)
    gps = None
    if ping_files:
        cache = PingCache(folder, hotspots, rules)
        gps = _shared(visits_from_files(ping_files, hotspots, rules, cache=cache))
    crimes = read_crimes_cached(folder, _crime_paths(folder))
    control_file = folder / CONTROL_FILE
    control = read_hotspots(control_file) if control_file.is_file() else None
    return StoredDataset(
        hotspots=hotspots,
        counts=count_crimes(crimes, hotspots),
        areas=area_counts(crimes, hotspots, ring_m, control),
        type_counts=type_month_counts(crimes),
        version=version,
        is_sample=(folder / SAMPLE_MARKER).is_file(),
        patrol_log=log,
        gps=gps,
        notes=tuple(recovery_notes(folder)),
    )


def folder_visits(folder: Path, rules: VisitRules) -> VisitResult | None:
    """The visits the folder's GPS pings give under `rules` (None when it holds none)."""
    if not folder.is_dir():
        raise HotspotDataError("dataset folder not found", path=folder)
    recover_before_reading(folder)
    hotspots = read_hotspots(find_hotspot_file(folder))
    files = stored_ping_files(folder)
    cache = PingCache(folder, hotspots, rules)
    return _shared(visits_from_files(files, hotspots, rules, cache=cache)) if files else None


def _shared(result: VisitResult) -> VisitResult:
    """The visits as both stores give them (geo.counting.visits.shared_visits: no officer)."""
    return dataclasses.replace(result, visits=shared_visits(result.visits))


def _crime_paths(folder: Path) -> list[Path]:
    crimes = folder / CRIME_FOLDER
    if not crimes.is_dir() or not street_files_in(crimes):
        raise HotspotDataError("holds no police.uk *-street.csv files", path=crimes)
    return [crimes]


def folder_incidents(folder: Path) -> IncidentRows:
    """The folder's crime rows with their Location text and its hotspots (a dataset that has
    none yet, a programme still choosing them, has nothing to keep out)."""
    if not folder.is_dir():
        raise HotspotDataError("dataset folder not found", path=folder)
    recover_before_reading(folder)
    has_hotspots = any((folder / name).is_file() for name in HOTSPOT_FILES)
    hotspots = read_hotspots(find_hotspot_file(folder)) if has_hotspots else None
    crimes = folder / CRIME_FOLDER
    files = street_files_in(crimes) if crimes.is_dir() else []
    if not files:
        raise HotspotDataError("holds no police.uk *-street.csv files", path=crimes)
    tables, problem = read_files([CrimeSource(p) for p in files], read_with_location)
    if problem is not None:
        raise problem
    rows = incident_rows(tables)
    return IncidentRows(rows.type_counts, rows.incidents_of, hotspots)


def folder_crime_rows(folder: Path) -> pd.DataFrame:
    """Every crime row of the folder (geo.io.crimes rows), for the checks that need them."""
    crime_folder = folder / CRIME_FOLDER
    return read_crimes([crime_folder]) if crime_folder.is_dir() else read_crimes([])
