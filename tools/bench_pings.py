"""The GPS dosage rows of `python -m geo bench`: `geo dosage` on generated pings beside a pyarrow
parse of the same files.

Officers (a few hundred, each in one town) work 8-hour shifts pinging every 15 seconds; a shift
is a run of stops, some inside a hotspot (GPS scatter of a few metres), the rest elsewhere in the
town. The pings are written one file per month with UTC times (`…Z`), as a force's export would
be. The parse floor reads every column of every file with pyarrow's defaults, in one process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely
from pyproj import Transformer

from geo.crs import BRITISH_NATIONAL_GRID, WGS84

PING_SECONDS = 15
SHIFT_PINGS = 8 * 3600 // PING_SECONDS
STOP_PINGS = 40
"""Mean length of a stop, in pings (10 minutes)."""
HOTSPOT_SHARE = 0.3
"""Share of stops made inside a hotspot."""
TOWN_RADIUS_M = 2_000.0
FIRST_MONTH = pd.Period("2025-01", freq="M")
DOSAGE_RATIO = 3.0
"""Goal: `geo dosage` within this many times the pyarrow parse of the same files."""
DOSAGE_MEMORY = 2 * 10**9
"""Goal: `geo dosage` peak memory below this (bytes)."""

FLOOR_SCRIPT = '''"""The ping parse floor: pyarrow reads every column of every ping file."""
import glob
import sys

import pyarrow.csv as pacsv

files = sorted(glob.glob(f"{sys.argv[1]}/**/*.csv", recursive=True))
print(sum(pacsv.read_csv(f).num_rows for f in files))
'''


@dataclass(frozen=True)
class PingSize:
    """A generated ping set: rows, months (one file each), officers."""

    rows: int
    months: int
    officers: int

    @property
    def period(self) -> str:
        return f"{FIRST_MONTH}:{FIRST_MONTH + self.months - 1}"

    def label(self, hotspots: int) -> str:
        return f"{self.rows:,} pings × {hotspots:,} hotspots"


FULL_PINGS = PingSize(10_000_000, 6, 500)


def write_pings(
    folder: Path, size: PingSize, hotspots_bng: list, towns: np.ndarray, seed: int
) -> Path:
    """Write a seeded ping set for hotspots (grid-metre shapes) in towns; return its folder."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    per_officer = size.rows // size.officers
    shifts = -(-per_officer // SHIFT_PINGS)
    officer = np.repeat(np.arange(size.officers), per_officer)
    position = np.tile(np.arange(per_officer), size.officers)
    shift = position // SHIFT_PINGS
    span = size.months * 28 * 86400 - 9 * 3600
    shift_starts = np.sort(rng.integers(0, span, (size.officers, shifts)), axis=1)
    start = int(FIRST_MONTH.start_time.tz_localize("UTC").timestamp())
    seconds = (
        start + shift_starts[officer, shift] + (position % SHIFT_PINGS) * PING_SECONDS
    ).astype(np.int64)
    x, y = _positions(rng, officer, position, hotspots_bng, towns, size.officers)
    lon, lat = Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True).transform(x, y)
    month = pd.to_datetime(seconds, unit="s").to_period("M").asi8
    roles = np.array(["police", "PCSO", "police", "plain clothes"])
    role = roles[rng.integers(0, len(roles), size.officers)][officer]
    for m in np.unique(month):
        rows = np.flatnonzero(month == m)
        name = str(pd.Period(ordinal=int(m), freq="M"))
        table = pa.table(
            {
                "officer_id": pa.array(np.char.add("PC ", officer[rows].astype(str))),
                "timestamp": pc.strftime(
                    pa.array(seconds[rows], pa.timestamp("s", tz="UTC")),
                    format="%Y-%m-%dT%H:%M:%SZ",
                ),
                "longitude": pc.round(pa.array(lon[rows]), 6),
                "latitude": pc.round(pa.array(lat[rows]), 6),
                "accuracy_m": pc.round(pa.array(rng.gamma(2.0, 4.0, len(rows))), 1),
                "role": pa.array(role[rows]),
            }
        )
        pacsv.write_csv(
            table,
            folder / f"pings-{name}.csv",
            pacsv.WriteOptions(quoting_style="none"),
        )
    return folder


def _positions(
    rng: np.random.Generator,
    officer: np.ndarray,
    position: np.ndarray,
    hotspots_bng: list,
    towns: np.ndarray,
    officers: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Grid positions: stops in hotspots or elsewhere in each officer's town, with GPS scatter."""
    n = len(officer)
    town_of_officer = rng.integers(0, len(towns), officers)
    anchors = shapely.get_coordinates(shapely.point_on_surface(np.asarray(hotspots_bng)))
    centres = np.asarray(towns, dtype=float)
    nearest = np.linalg.norm(anchors[:, None, :] - centres[None, :, :], axis=2).argmin(axis=1)
    by_town = [np.flatnonzero(nearest == t) for t in range(len(centres))]
    new_stop = np.zeros(n, dtype=bool)
    new_stop[0] = True
    new_stop[1:] = (officer[1:] != officer[:-1]) | (rng.random(n - 1) < 1 / STOP_PINGS)
    new_stop |= position % SHIFT_PINGS == 0
    stop = np.cumsum(new_stop) - 1
    stops = int(stop[-1]) + 1
    stop_officer = officer[new_stop]
    stop_town = town_of_officer[stop_officer]
    in_hotspot = rng.random(stops) < HOTSPOT_SHARE
    where = np.empty((stops, 2))
    for t, members in enumerate(by_town):
        mine = np.flatnonzero(stop_town == t)
        chosen = mine[in_hotspot[mine]] if len(members) else mine[:0]
        if len(chosen):
            where[chosen] = anchors[members[rng.integers(0, len(members), len(chosen))]]
        elsewhere = np.setdiff1d(mine, chosen)
        angle = rng.uniform(0, 2 * np.pi, len(elsewhere))
        radius = TOWN_RADIUS_M * np.sqrt(rng.random(len(elsewhere)))
        where[elsewhere] = centres[t] + np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    scatter = rng.normal(0.0, 6.0, (n, 2))
    return where[stop, 0] + scatter[:, 0], where[stop, 1] + scatter[:, 1]
