"""GPS pings to visits: which pings count for which hotspot, and how they join into visits.

The rules (`VisitRules`, defaults below, each configurable):
- a ping counts for a hotspot when it is inside the polygon or within `tolerance_m` of its edge
  (GPS error), measured in British National Grid metres; a ping in two overlapping hotspots
  counts for both;
- a ping whose `accuracy_m` is over `max_accuracy_m` is ignored (no accuracy given: kept);
- one officer's consecutive counting pings at one hotspot at most `max_gap_min` apart form one
  visit, which lasts from its first to its last counting ping (real elapsed time: UTC);
- a visit shorter than `min_visit_min` is a pass-through: counted apart, not dosage.

Pings are tested file by file (and block by block), keeping only the counting ones, so memory
follows the pings near hotspots, not all pings. A coarse grid in degrees drops pings far from
every hotspot before any is projected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.errors import HotspotDataError
from geo.io.pings import Officers, PingBlock, PingStats, ping_files_in, read_pings

TOLERANCE_M = 20.0
"""A ping within this distance of a hotspot's edge counts for it (GPS error)."""
MAX_ACCURACY_M = 50.0
"""Pings whose stated accuracy is worse than this are ignored."""
MAX_GAP_MIN = 5.0
"""One officer's counting pings at most this far apart join into one visit."""
MIN_VISIT_MIN = 2.0
"""A visit shorter than this is a pass-through (driving or walking through), not dosage."""

_GRID_MAX_CELLS = 50_000_000
"""Upper bound on the prefilter grid (a byte each)."""
_GRID_CELL_DEG = 0.002
"""Prefilter grid cell: about 140 m east-west and 220 m north-south in Britain."""


@dataclass(frozen=True)
class VisitRules:
    """The rules turning pings into visits (module constants are the defaults)."""

    tolerance_m: float = TOLERANCE_M
    max_accuracy_m: float = MAX_ACCURACY_M
    max_gap_min: float = MAX_GAP_MIN
    min_visit_min: float = MIN_VISIT_MIN

    def __post_init__(self) -> None:
        limits = {
            "tolerance_m": (0.0, 500.0),
            "max_accuracy_m": (0.0, 10_000.0),
            "max_gap_min": (0.0, 24 * 60.0),
            "min_visit_min": (0.0, 24 * 60.0),
        }
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            if not (isinstance(value, int | float) and low <= value <= high):
                raise HotspotDataError(f"{name} is {value}; give a number from {low:g} to {high:g}")

    def describe(self) -> list[str]:
        """The rules in plain English, from the values in use."""
        return [
            f"A GPS ping counts for a hotspot when it is inside it or within "
            f"{self.tolerance_m:g} m of its edge.",
            f"Pings with a stated accuracy worse than {self.max_accuracy_m:g} m are ignored.",
            f"One officer's pings at a hotspot at most {self.max_gap_min:g} minutes apart form one "
            "visit, from the first ping to the last.",
            f"Visits under {self.min_visit_min:g} minutes are pass-throughs, counted apart and "
            "not in patrol time.",
            "Officer-minutes add up every officer's visits; presence-minutes count the time "
            "with at least one officer there.",
            "A visit belongs to the month (and day) it starts in, UK time.",
        ]


VISIT_COLUMNS = ["hotspot", "officer", "role", "start", "end", "pings"]


@dataclass
class HotspotIndex:
    """Hotspot polygons ready for testing pings: grown by the tolerance, in grid metres."""

    ids: np.ndarray
    shapes: np.ndarray
    tree: shapely.STRtree
    tolerance_m: float
    grid: np.ndarray
    origin: tuple[float, float]
    cell: float
    to_grid: Transformer

    @classmethod
    def build(cls, hotspots: gpd.GeoDataFrame, tolerance_m: float) -> HotspotIndex:
        """Index the hotspots (any CRS; hotspot_id column) for tolerance `tolerance_m`."""
        metres = hotspots.to_crs(BRITISH_NATIONAL_GRID)
        shapes = np.asarray(metres.geometry.values, dtype=object)
        grown = shapely.buffer(shapes, tolerance_m + 5.0)
        boxes = gpd.GeoSeries(grown, crs=BRITISH_NATIONAL_GRID).to_crs(WGS84).bounds.to_numpy()
        boxes = boxes + np.array([-1e-4, -1e-4, 1e-4, 1e-4])
        grid, origin, cell = _grid(boxes)
        return cls(
            ids=hotspots["hotspot_id"].to_numpy(dtype=object),
            shapes=shapes,
            tree=shapely.STRtree(shapes),
            tolerance_m=tolerance_m,
            grid=grid,
            origin=origin,
            cell=cell,
            to_grid=Transformer.from_crs(WGS84, BRITISH_NATIONAL_GRID, always_xy=True),
        )

    def near(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Positions of the points in a grid cell that a hotspot (grown) touches."""
        if not len(self.grid):
            return np.zeros(0, dtype=np.int64)
        ix = np.floor((lon - self.origin[0]) / self.cell)
        iy = np.floor((lat - self.origin[1]) / self.cell)
        rows, cols = self.grid.shape
        inside = (ix >= 0) & (ix < rows) & (iy >= 0) & (iy < cols)
        candidates = np.flatnonzero(inside)
        hit = self.grid[ix[candidates].astype(np.int64), iy[candidates].astype(np.int64)]
        return candidates[hit]

    def match(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (point position, hotspot position) of points within the tolerance of a hotspot."""
        near = self.near(lon, lat)
        if not len(near):
            return near, near
        x, y = self.to_grid.transform(lon[near], lat[near])
        points = shapely.points(x, y)
        if self.tolerance_m > 0:
            point, hotspot = self.tree.query(points, predicate="dwithin", distance=self.tolerance_m)
        else:
            point, hotspot = self.tree.query(points, predicate="intersects")
        return near[point], hotspot


def _grid(boxes: np.ndarray) -> tuple[np.ndarray, tuple[float, float], float]:
    """A boolean grid in degrees marking the cells any box touches."""
    if not len(boxes):
        return np.zeros((0, 0), dtype=bool), (0.0, 0.0), 1.0
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
    cell = _GRID_CELL_DEG
    while ((x1 - x0) / cell + 1) * ((y1 - y0) / cell + 1) > _GRID_MAX_CELLS:
        cell *= 2
    shape = (int((x1 - x0) / cell) + 1, int((y1 - y0) / cell) + 1)
    grid = np.zeros(shape, dtype=bool)
    low = np.floor((boxes[:, :2] - (x0, y0)) / cell).astype(np.int64)
    high = np.floor((boxes[:, 2:] - (x0, y0)) / cell).astype(np.int64)
    for (a, b), (c, d) in zip(low, high, strict=True):
        grid[a : c + 1, b : d + 1] = True
    return grid, (float(x0), float(y0)), cell


@dataclass(frozen=True)
class CountingPings:
    """The pings that count for a hotspot: one row per (ping, hotspot) pair."""

    hotspot: np.ndarray
    officer: np.ndarray
    role: np.ndarray
    seconds: np.ndarray

    @classmethod
    def join(cls, parts: list[CountingPings]) -> CountingPings:
        if not parts:
            empty = np.zeros(0, dtype=np.int32)
            return cls(empty, empty, np.zeros(0, np.int8), np.zeros(0, np.int64))
        return cls(
            *(np.concatenate([getattr(p, name) for p in parts]) for name in cls.__annotations__)
        )


def counting_pings(block: PingBlock, index: HotspotIndex, rules: VisitRules) -> CountingPings:
    """The (ping, hotspot) pairs of one block that count under the rules."""
    usable = np.flatnonzero(~(block.accuracy > rules.max_accuracy_m))
    point, hotspot = index.match(block.lon[usable], block.lat[usable])
    rows = usable[point]
    return CountingPings(
        hotspot=hotspot.astype(np.int32),
        officer=block.officer[rows],
        role=block.role[rows],
        seconds=block.seconds[rows],
    )


@dataclass(frozen=True)
class VisitResult:
    """Visits (one row per visit, see `build_visits`) and what reading the pings found."""

    visits: pd.DataFrame
    stats: PingStats
    rules: VisitRules
    hotspot_ids: np.ndarray


def visits_from_files(
    paths: Iterable[str | Path],
    hotspots: gpd.GeoDataFrame,
    rules: VisitRules | None = None,
    labels: dict[Path, str] | None = None,
) -> VisitResult:
    """Read every ping file (one at a time) and build the visits to each hotspot."""
    rules = rules or VisitRules()
    index = HotspotIndex.build(hotspots, rules.tolerance_m)
    officers = Officers()
    stats = PingStats()
    parts: list[CountingPings] = []
    for path in ping_files_in(paths):
        stats.files += 1
        label = (labels or {}).get(path)
        for block in read_pings(path, officers, label=label):
            stats.add(block)
            parts.append(counting_pings(block, index, rules))
    visits = build_visits(CountingPings.join(parts), rules)
    return VisitResult(visits, stats, rules, index.ids)


def build_visits(pings: CountingPings, rules: VisitRules) -> pd.DataFrame:
    """Visits from counting pings: hotspot (position), officer (code), role (of the first ping),
    start and end (UTC seconds) and the number of pings, in hotspot, officer, start order."""
    order = np.lexsort((pings.seconds, pings.officer, pings.hotspot))
    hotspot = pings.hotspot[order]
    officer = pings.officer[order]
    seconds = pings.seconds[order]
    role = pings.role[order]
    if not len(seconds):
        return pd.DataFrame(
            {c: np.zeros(0, dtype=np.int64) for c in VISIT_COLUMNS}, columns=VISIT_COLUMNS
        )
    first = np.ones(len(seconds), dtype=bool)
    first[1:] = (
        (hotspot[1:] != hotspot[:-1])
        | (officer[1:] != officer[:-1])
        | (seconds[1:] - seconds[:-1] > rules.max_gap_min * 60)
    )
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(seconds)) - 1
    return pd.DataFrame(
        {
            "hotspot": hotspot[starts],
            "officer": officer[starts],
            "role": role[starts],
            "start": seconds[starts],
            "end": seconds[ends],
            "pings": ends - starts + 1,
        }
    )
