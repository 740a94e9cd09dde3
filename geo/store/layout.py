"""The layout of a dataset folder: which file holds what. The folder store reads and writes it,
`db copy` writes it from a database, and an import stages its files under these names."""

from __future__ import annotations

from pathlib import Path

from geo.errors import HotspotDataError

HOTSPOT_FILES = ("hotspots.geojson", "hotspots.gpkg", "hotspots.zip", "hotspots.kml")
"""The hotspot file, in any of the formats accepted; exactly one is read."""
HOTSPOT_FILE = "hotspots.geojson"
"""What an import writes the hotspots as (WGS84; hotspot_id, name, town, started)."""
PATROL_FILE = "patrols.csv"
CONTROL_FILE = "control.geojson"
"""Optional control polygons (hotspot_id, name, polygon) for the displacement test."""
SAMPLE_MARKER = "SAMPLE.md"
"""Marks the generated sample dataset, which imports do not change."""
CRIME_FOLDER = "crimes"
"""police.uk street files, one per month and force: crimes/YYYY-MM/YYYY-MM-<force>-street.csv."""
PING_FOLDER = "pings"
"""GPS ping files, officer ids pseudonymised: pings/YYYY-MM/<name>.csv."""
KEY_FILE = ".pseudonym-key"
"""The key for officer pseudonyms when HOTSPOT_PSEUDONYM_KEY is not set (owner only)."""


def find_hotspot_file(folder: Path) -> Path:
    """The folder's hotspot file, whichever of the accepted formats it is in."""
    for name in HOTSPOT_FILES:
        if (folder / name).is_file():
            return folder / name
    raise HotspotDataError(
        f"no hotspot file; expected one of {', '.join(HOTSPOT_FILES)}", path=folder
    )
