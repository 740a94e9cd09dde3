"""Small hand-made inputs for tests: police.uk rows, hotspot layers and patrol logs."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from geo.io.crimes import ASB, POLICE_UK_HEADER

FORCE = "Test Constabulary"


def street_rows(rows: Iterable[tuple[str, float | None, float | None, str]]) -> list[list[str]]:
    """police.uk rows from (month, lon, lat, crime type); None coordinates stay empty."""
    out = []
    for index, (month, lon, lat, kind) in enumerate(rows):
        crime_id = "" if kind == ASB else f"{index:064x}"
        out.append([
            crime_id, month, FORCE, FORCE,
            "" if lon is None else f"{lon:.6f}", "" if lat is None else f"{lat:.6f}",
            "On or near Market Place", "E01000001", "Somewhere 001A", kind,
            "" if kind == ASB else "Under investigation", "",
        ])  # fmt: skip
    return out


def write_street_csv(path: Path, rows: Iterable[tuple], header: list[str] | None = None) -> Path:
    """Write a police.uk street CSV (header exactly as police.uk publishes it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header or POLICE_UK_HEADER)
        writer.writerows(street_rows(rows))
    return path


def square_hotspots(
    path: Path, squares: dict[str, tuple[float, float, float, float]], **extra
) -> Path:
    """A GeoJSON of axis-aligned squares {hotspot_id: (minx, miny, maxx, maxy)} in lon/lat."""
    frame = gpd.GeoDataFrame(
        {
            "hotspot_id": list(squares),
            "name": [f"Hotspot {key}" for key in squares],
            "town": extra.get("towns", ["Testtown"] * len(squares)),
        },
        geometry=[box(*b) for b in squares.values()],
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GeoJSON")
    return path


def write_patrols(path: Path, rows: Iterable[tuple]) -> Path:
    """A patrol log from (hotspot_id, start, end, officers, arrests, engagements) tuples."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["hotspot_id", "start", "end", "officers", "arrests", "engagements"])
        writer.writerows(rows)
    return path


def shown(markdown: str) -> str:
    """Markdown source as a person reads it: backslash escapes of punctuation removed."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>|~$:=^&])", r"\1", markdown)
