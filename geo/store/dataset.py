"""The dataset folder (`HOTSPOT_DATA`): hotspots, an optional patrol log and police.uk crime files.

Loading reads and validates everything once and aggregates crimes per hotspot × month; the pages
then compute any period's figures from those counts. `dataset_version` changes whenever a file is
added, removed or modified, so callers can key caches on it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.analysis.aggregate import CrimeCounts, count_crimes
from geo.analysis.areas import RING_M, AreaCounts, area_counts
from geo.errors import HotspotDataError
from geo.io.crime_cache import read_crimes_cached
from geo.io.crimes import files_below, street_files_in
from geo.io.hotspots import read_hotspots
from geo.io.patrols import empty_patrols, read_patrols
from geo.period import Period
from geo.store.folder_writes import recover_before_reading, recovery_notes

DEFAULT_FOLDER = Path("data/sample")
HOTSPOT_FILES = ("hotspots.geojson", "hotspots.gpkg", "hotspots.zip", "hotspots.kml")
SAMPLE_MARKER = "SAMPLE.md"
CONTROL_FILE = "control.geojson"
"""Optional control polygons (hotspot_id, name, polygon) for the displacement test."""


def data_folder() -> Path:
    """The dataset folder: `HOTSPOT_DATA`, or the generated sample."""
    return Path(os.environ.get("HOTSPOT_DATA") or DEFAULT_FOLDER)


def find_hotspot_file(folder: Path) -> Path:
    """The folder's hotspot file, whichever of the accepted formats it is in."""
    for name in HOTSPOT_FILES:
        if (folder / name).is_file():
            return folder / name
    raise HotspotDataError(
        f"no hotspot file; expected one of {', '.join(HOTSPOT_FILES)}", path=folder
    )


def dataset_version(folder: Path) -> str:
    """A key that changes whenever any file of the dataset changes (path, size, mtime)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(_files_below(folder)):
            if not path.name.startswith("."):
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
                )
    return digest.hexdigest()[:16]


def _files_below(folder: Path) -> list[Path]:
    """Every file below `folder`, following linked folders once each, outside hidden ones."""
    return files_below(folder, skip_hidden=True)


@dataclass(frozen=True)
class Dataset:
    """Everything the app shows, read and aggregated once."""

    folder: Path
    hotspots: gpd.GeoDataFrame
    patrols: pd.DataFrame
    counts: CrimeCounts
    areas: AreaCounts
    is_sample: bool
    version: str
    notes: tuple[str, ...] = ()
    """Things a reader should know about how the data came to be (an undone import)."""

    @property
    def last_month(self) -> pd.Period:
        """The latest month with crime data."""
        months = self.counts.months
        if not months:
            raise HotspotDataError("holds no crime rows under crimes/", path=self.folder)
        return months[-1]

    @property
    def default_period(self) -> Period:
        """The latest twelve months of data: compared with the twelve before them."""
        return Period.latest_year(self.last_month)

    def checked_period(self, period: Period) -> Period:
        """`period` when it holds at least one month of crime data; a period wholly outside the
        data is refused (its figures would all be missing, never zeros)."""
        return period.covered_by(self.counts.months, self.folder)

    @property
    def towns(self) -> list[str]:
        """The towns named by hotspots, sorted."""
        return sorted(t for t in self.hotspots["town"].unique() if t)


def load_dataset(folder: Path) -> Dataset:
    """Read, validate and aggregate a dataset folder; raise HotspotDataError on bad input."""
    if not folder.is_dir():
        raise HotspotDataError(
            "dataset folder not found (set HOTSPOT_DATA, or run `python -m geo sample`)",
            path=folder,
        )
    recover_before_reading(folder)
    version = dataset_version(folder)
    hotspots = read_hotspots(find_hotspot_file(folder))
    patrol_file = folder / "patrols.csv"
    patrols = (
        read_patrols(patrol_file, hotspots["hotspot_id"])
        if patrol_file.is_file()
        else empty_patrols()
    )
    crimes = read_crimes_cached(folder, _crime_paths(folder))
    control_file = folder / CONTROL_FILE
    control = read_hotspots(control_file) if control_file.is_file() else None
    return Dataset(
        folder=folder,
        hotspots=hotspots,
        patrols=patrols,
        counts=count_crimes(crimes, hotspots),
        areas=area_counts(crimes, hotspots, ring_width(), control),
        is_sample=(folder / SAMPLE_MARKER).is_file(),
        version=version,
        notes=tuple(recovery_notes(folder)),
    )


def ring_width() -> int:
    """Width of the displacement rings: `HOTSPOT_RING_M` metres, 200 by default."""
    text = os.environ.get("HOTSPOT_RING_M") or str(RING_M)
    if not text.isdigit() or not 10 <= int(text) <= 5000:
        raise HotspotDataError(f"HOTSPOT_RING_M is '{text}'; give a width in metres, 10 to 5000")
    return int(text)


def _crime_paths(folder: Path) -> list[Path]:
    crimes = folder / "crimes"
    if not crimes.is_dir() or not street_files_in(crimes):
        raise HotspotDataError("holds no police.uk *-street.csv files", path=crimes)
    return [crimes]
