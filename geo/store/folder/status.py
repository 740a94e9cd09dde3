"""What a dataset folder holds, for the person running imports (`geo db status --data FOLDER`,
the data page): its version and hotspots, its street files and the months their names give (no
file is read: the data page's quality report counts the months), GPS ping files and the last
imports of its audit log."""

from __future__ import annotations

import re
from pathlib import Path

from geo.errors import HotspotDataError
from geo.io.crimes import street_files_in
from geo.io.hotspots import read_hotspots
from geo.store.folder.audit import read_entries
from geo.store.folder.load import folder_version
from geo.store.folder.pings import stored_ping_files
from geo.store.layout import CRIME_FOLDER, find_hotspot_file
from geo.words import count_text, span

RECENT = 5
"""How many of the latest imports are listed."""
MONTH_NAMED = re.compile(r"^(\d{4}-\d{2})-")
"""The month police.uk's file names start with."""


def folder_status(folder: Path) -> list[str]:
    """Version and hotspots, street files, GPS ping files, the last imports."""
    if not folder.is_dir():
        raise HotspotDataError("dataset folder not found", path=folder)
    try:
        hotspots = count_text(len(read_hotspots(find_hotspot_file(folder))), "hotspot")
    except HotspotDataError as exc:
        hotspots = f"hotspots unreadable ({exc.problem})"
    lines = [f"dataset folder, version {folder_version(folder)}, {hotspots}"]
    crimes = folder / CRIME_FOLDER
    files = street_files_in(crimes) if crimes.is_dir() else []
    named = sorted(m.group(1) for m in map(MONTH_NAMED.match, (f.name for f in files)) if m)
    if files:
        months = f", {span(named[0], named[-1])} by their names" if named else ""
        lines.append(f"police.uk street files: {len(files)}{months}")
    pings = stored_ping_files(folder)
    if pings:
        named = sorted(p.parent.name for p in pings)
        lines.append(f"GPS pings: {count_text(len(pings), 'file')} {span(named[0], named[-1])}")
    entries, _ = read_entries(folder, RECENT)
    for item in entries:
        lines.append(
            f"{item.get('result', '')}: {item.get('kind', '')}, by {item.get('who', '')} "
            f"({item.get('how', '')}) at {item.get('time', '')}"
        )
    return lines
