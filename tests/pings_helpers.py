"""Synthetic GPS traces for tests: hotspots and pings laid out in grid metres, written as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import Transformer
from shapely.geometry import box

from geo.crs import BRITISH_NATIONAL_GRID, WGS84

ORIGIN = (430_000.0, 360_000.0)
"""South-west corner of the first test hotspot (British National Grid, near Chesterfield)."""
SIDE = 100.0
SPACING = 1_000.0
_TO_DEGREES = Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True)


def square(index: int) -> tuple[float, float, float, float]:
    """The grid box of test hotspot `index`: 100 m squares 1 km apart."""
    x0 = ORIGIN[0] + index * SPACING
    return (x0, ORIGIN[1], x0 + SIDE, ORIGIN[1] + SIDE)


def hotspots(ids: Iterable[str]) -> gpd.GeoDataFrame:
    """Square hotspots (grid metres) with the given ids, in order."""
    ids = list(ids)
    return gpd.GeoDataFrame(
        {"hotspot_id": ids, "name": [f"Hotspot {i}" for i in ids], "town": "Testtown"},
        geometry=[box(*square(i)) for i in range(len(ids))],
        crs=BRITISH_NATIONAL_GRID,
    )


def at(index: int, dx: float = SIDE / 2, dy: float = SIDE / 2) -> tuple[float, float]:
    """Longitude, latitude of a point `dx`, `dy` metres from hotspot `index`'s south-west corner."""
    x0, y0, _, _ = square(index)
    lon, lat = _TO_DEGREES.transform(x0 + dx, y0 + dy)
    return round(lon, 7), round(lat, 7)


def every(start: str, end: str, seconds: int = 60) -> list[str]:
    """ISO times from `start` to `end` inclusive, `seconds` apart (offsets kept as given)."""
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    times = pd.date_range(first, last, freq=f"{seconds}s")
    return [_iso(t, start) for t in times]


def _iso(time: pd.Timestamp, like: str) -> str:
    if time.tzinfo is None:
        return time.strftime("%Y-%m-%dT%H:%M:%S")
    text = time.isoformat()
    return text.replace("+00:00", "Z") if like.endswith("Z") else text


def stay(officer: str, place: tuple[float, float], times: list[str], **extra) -> list[dict]:
    """Ping rows of one officer standing at `place` at each time."""
    return [
        {
            "officer_id": officer,
            "timestamp": t,
            "longitude": place[0],
            "latitude": place[1],
            **extra,
        }
        for t in times
    ]


def write_pings(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    """A ping CSV of the rows (columns: the four needed, plus any the rows carry)."""
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


PING_MONTH = "2025-10:2025-10"
"""The month of `ping_dataset`'s crimes and patrols (its baseline, October 2024, has crimes)."""


def ping_dataset(folder: Path) -> Path:
    """Hotspots A and B, one ASB report in October 2025 and in October 2024, and a patrol log of
    two visits (A: 2 officers for an hour, 3 arrests, 11 spoken to; B: half an hour, 1, 4)."""
    from tests.helpers import write_patrols, write_street_csv

    folder.mkdir()
    hotspots(["A", "B"]).to_crs("EPSG:4326").to_file(folder / "hotspots.geojson", driver="GeoJSON")
    for month in ("2024-10", "2025-10"):  # October and its baseline a year earlier
        write_street_csv(
            folder / "crimes" / month / f"{month}-test-street.csv",
            [(month, *at(0), "Anti-social behaviour")],
        )
    write_patrols(
        folder / "patrols.csv",
        [
            ("A", "2025-10-06T18:00", "2025-10-06T19:00", 2, 3, 11),
            ("B", "2025-10-07T18:00", "2025-10-07T18:30", 1, 1, 4),
        ],
    )
    return folder


def ping_file(path: Path) -> Path:
    """Pings of 6 October 2025: PC 123 in A 10:00-10:30, PC 456 in A 10:20-10:40 and 1 minute
    in B at 12:00 (a pass-through)."""
    rows = stay("PC 123", at(0), every("2025-10-06T10:00:00+01:00", "2025-10-06T10:30:00+01:00"))
    rows += stay("PC 456", at(0), every("2025-10-06T10:20:00+01:00", "2025-10-06T10:40:00+01:00"))
    rows += stay("PC 456", at(1), every("2025-10-06T12:00:00+01:00", "2025-10-06T12:01:00+01:00"))
    return write_pings(path, rows)
