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
follows the pings that count, not all pings. The test is done in degrees against outlines grown
by the tolerance in grid metres (see `HotspotIndex`): it agrees with the exact grid-metre
distance except within a centimetre of the 20 m line, and needs no projection of each ping.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.counting.visit_rules import MAX_ACCURACY_M, MAX_GAP_MIN, MIN_VISIT_MIN, TOLERANCE_M
from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.errors import HotspotDataError
from geo.io.pings import PingBlock, PingStats

_COARSE_MAX_CELLS = 4_000_000
"""Upper bound on the coarse prefilter grid (an int32 each)."""
_COARSE_CELL_DEG = 0.004
"""Coarse prefilter cell (about 270 m by 440 m in Britain), unless the hotspots span too far."""
_FINE_BITS = 3
_FINE = 1 << _FINE_BITS
"""Each coarse cell touched by a hotspot is cut into 8 × 8 fine cells (about 35 m by 55 m)."""
_SEGMENT_M = 50.0
"""Grown outlines get a vertex at least every this many metres before going to degrees, so their
straight edges in grid metres stay straight in degrees (to far under a millimetre)."""
_QUAD_SEGS = 32
"""Arc segments per quarter circle of the grown outline's round corners (within 6 mm at 20 m)."""


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
    """Hotspot polygons ready for testing pings.

    Each outline is grown by the tolerance in British National Grid metres (so "within 20 m" is
    measured on the ground), given a vertex every couple of metres and expressed in degrees;
    pings are then tested where they are, in longitude and latitude, without projecting each.
    A two-level grid in degrees says, for each fine cell, which hotspots' grown boxes touch it
    and whether the cell lies wholly inside a grown outline (then its pings count for it with no
    test): `coarse` holds a block number (0: no hotspot near), `fine` the cells' codes into
    `combos` (code 0: none; code 1 + 2h + s: hotspot h alone, s = 1 when wholly inside).
    """

    ids: np.ndarray
    grown: np.ndarray
    tolerance_m: float
    coarse: np.ndarray
    fine: np.ndarray
    combos: dict[int, list[tuple[int, bool]]]
    origin: tuple[float, float]
    cell: float

    @classmethod
    def build(cls, hotspots: gpd.GeoDataFrame, tolerance_m: float) -> HotspotIndex:
        """Index the hotspots (any CRS; hotspot_id column) for tolerance `tolerance_m`."""
        metres = np.asarray(hotspots.to_crs(BRITISH_NATIONAL_GRID).geometry.values, dtype=object)
        grown = shapely.buffer(metres, tolerance_m, quad_segs=_QUAD_SEGS) if tolerance_m else metres
        grown = shapely.segmentize(grown, _SEGMENT_M)
        degrees = np.asarray(
            gpd.GeoSeries(grown, crs=BRITISH_NATIONAL_GRID).to_crs(WGS84).values, dtype=object
        )
        shapely.prepare(degrees)
        boxes = shapely.bounds(degrees) + np.array([-1e-6, -1e-6, 1e-6, 1e-6])
        index = cls(
            ids=hotspots["hotspot_id"].to_numpy(dtype=object),
            grown=degrees,
            tolerance_m=tolerance_m,
            coarse=np.zeros((0, 0), dtype=np.int32),
            fine=np.zeros((0, _FINE, _FINE), dtype=np.int32),
            combos={},
            origin=(0.0, 0.0),
            cell=1.0,
        )
        if len(boxes):
            index._grid(boxes)
        return index

    def _grid(self, boxes: np.ndarray) -> None:
        """Fill the two-level grid from the grown outlines' boxes."""
        x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
        x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
        cell = _COARSE_CELL_DEG
        while ((x1 - x0) / cell + 1) * ((y1 - y0) / cell + 1) > _COARSE_MAX_CELLS:
            cell *= 2
        x0, y0 = x0 - cell, y0 - cell  # a border of empty cells, where points off the grid go
        self.origin, self.cell = (float(x0), float(y0)), cell
        step = cell / _FINE
        low = np.floor((boxes[:, :2] - (x0, y0)) / step).astype(np.int64)
        high = np.floor((boxes[:, 2:] - (x0, y0)) / step).astype(np.int64)
        heights = high[:, 1] - low[:, 1] + 1
        counts = (high[:, 0] - low[:, 0] + 1) * heights
        owner = np.repeat(np.arange(len(boxes)), counts)  # each hotspot's cells, x then y
        nth = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
        fx = low[owner, 0] + nth // heights[owner]
        fy = low[owner, 1] + nth % heights[owner]
        inside = np.zeros(len(owner), dtype=bool)
        centre = (x0 + (fx + 0.5) * step, y0 + (fy + 0.5) * step)
        maybe = np.flatnonzero(shapely.intersects_xy(self.grown[owner], *centre))
        cells = shapely.box(  # only cells whose centre is in: no other can be wholly inside
            x0 + fx[maybe] * step,
            y0 + fy[maybe] * step,
            x0 + (fx[maybe] + 1) * step,
            y0 + (fy[maybe] + 1) * step,
        )
        inside[maybe] = shapely.contains(self.grown[owner[maybe]], cells)
        code = 1 + 2 * owner + inside
        self.coarse = np.zeros(
            (int((x1 - x0) / cell) + 2, int((y1 - y0) / cell) + 2), dtype=np.int32
        )
        bx, by = fx // _FINE, fy // _FINE
        blocks = np.unique(bx * self.coarse.shape[1] + by)
        self.coarse.ravel()[blocks] = np.arange(1, len(blocks) + 1)
        self.fine = np.zeros((len(blocks) + 1, _FINE, _FINE), dtype=np.int32)
        where = (self.coarse[bx, by], fx % _FINE, fy % _FINE)
        flat = np.ravel_multi_index(where, self.fine.shape)
        order = np.argsort(flat, kind="stable")
        flat, code, owner, inside = flat[order], code[order], owner[order], inside[order]
        first = np.ones(len(flat), dtype=bool)
        first[1:] = flat[1:] != flat[:-1]
        single = first & np.append(first[1:], True)
        self.fine.ravel()[flat[single]] = code[single]
        shared: dict[tuple[tuple[int, bool], ...], int] = {}
        next_code = 1 + 2 * len(self.grown)
        starts = np.flatnonzero(first & ~single)
        for start in starts:
            end = start + 1
            while end < len(flat) and flat[end] == flat[start]:
                end += 1
            members = tuple(zip(owner[start:end].tolist(), inside[start:end].tolist(), strict=True))
            if members not in shared:
                shared[members] = next_code
                self.combos[next_code] = list(members)
                next_code += 1
            self.fine.ravel()[flat[start]] = shared[members]

    def match(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (point position, hotspot position as int32) of points within the tolerance of a
        hotspot."""
        if not self.coarse.size or not len(lon):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        on, code = self._cell_codes(lon, lat)
        alone = code < 1 + 2 * len(self.grown)
        sure = alone & ((code & 1) == 0)  # code 1 + 2h + 1: wholly inside hotspot h
        points, hotspots = [on[sure]], [(code[sure] >> 1) - 1]
        test = np.flatnonzero(alone & ~sure)
        test_hotspot = code[test] >> 1  # code 1 + 2h: hotspot h, the point to be tested
        shared = np.flatnonzero(~alone)
        if len(shared):
            members, inside, starts, counts = self._combo_table()
            first = starts[code[shared] - 1 - 2 * len(self.grown)]
            count = counts[code[shared] - 1 - 2 * len(self.grown)]
            rows_ = np.repeat(shared, count)
            slot = np.repeat(first - np.cumsum(count) + count, count) + np.arange(count.sum())
            sure_ = inside[slot]
            points.append(on[rows_[sure_]])
            hotspots.append(members[slot[sure_]])
            test = np.concatenate([test, rows_[~sure_]])
            test_hotspot = np.concatenate([test_hotspot, members[slot[~sure_]]])
        order = np.argsort(test_hotspot, kind="stable")  # by hotspot, in point order within
        test, test_hotspot = on[test[order]], test_hotspot[order]
        hit = shapely.intersects_xy(self.grown[test_hotspot], lon[test], lat[test])  # one call
        points.append(test[hit])
        hotspots.append(test_hotspot[hit])
        return np.concatenate(points), np.concatenate(hotspots)

    def _cell_codes(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the points in a fine cell some hotspot touches, and those cells' codes.

        One pass of 32-bit integer arithmetic over all points (|degrees| ≤ 180 keeps every cell
        number far inside 32 bits): points off the grid (or without a number) are first moved
        onto its empty border, then the coarse block of each point is looked up, then the fine
        cell's code.
        """
        scale = _FINE / self.cell
        rows, cols = self.coarse.shape
        gx = lon - self.origin[0]
        gx *= scale
        gy = lat - self.origin[1]
        gy *= scale
        for values, cells in ((gx, rows), (gy, cols)):
            np.fmax(values, 0.0, out=values)  # NaN too goes to 0: the border
            np.fmin(values, cells * _FINE - 1, out=values)
        fx = gx.astype(np.int32)
        fy = gy.astype(np.int32)
        cell = fx >> _FINE_BITS
        cell *= cols
        cell += fy >> _FINE_BITS
        block = self.coarse.ravel()[cell]
        block <<= 2 * _FINE_BITS
        fx &= _FINE - 1
        fx <<= _FINE_BITS
        block += fx
        fy &= _FINE - 1
        block += fy
        code = self.fine.ravel()[block]
        on = np.flatnonzero(code)
        return on, code[on]

    def _combo_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The shared cells' hotspot sets as flat arrays: members, wholly inside, start, count
        (indexed by code − 1 − 2 × hotspots)."""
        lists = [self.combos[code] for code in sorted(self.combos)]
        counts = np.array([len(m) for m in lists], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        members = np.array([h for m in lists for h, _ in m], dtype=np.int32)
        inside = np.array([i for m in lists for _, i in m], dtype=bool)
        return members, inside, starts, counts


@dataclass(frozen=True)
class CountingPings:
    """The pings that count for a hotspot: one row per (ping, hotspot) pair."""

    hotspot: np.ndarray
    officer: np.ndarray
    role: np.ndarray
    seconds: np.ndarray

    def recoded(self, officer: np.ndarray) -> CountingPings:
        """The same pings with officer codes replaced (codes shared across files)."""
        return CountingPings(self.hotspot, officer.astype(np.int32), self.role, self.seconds)

    def in_visit_order(self) -> CountingPings:
        """The same pings by hotspot, officer and time (ties kept in their order)."""
        order = _visit_order(self)
        return CountingPings(*(getattr(self, name)[order] for name in self.__annotations__))

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
    rows, hotspot = index.match(block.lon, block.lat)
    usable = ~(block.accuracy[rows] > rules.max_accuracy_m)  # not given: kept
    if not usable.all():
        rows, hotspot = rows[usable], hotspot[usable]
    return CountingPings(
        hotspot=hotspot.astype(np.int32, copy=False),
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


def build_visits(pings: CountingPings, rules: VisitRules) -> pd.DataFrame:
    """Visits from counting pings: hotspot (position), officer (code), role (of the first ping),
    start and end (UTC seconds) and the number of pings, in hotspot, officer, start order."""
    order = _visit_order(pings)
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


def _visit_order(pings: CountingPings) -> np.ndarray:
    """The order by hotspot, officer and time: one sort of a packed 64-bit key when the values
    fit in it (they do for any real month or year of pings), else a three-key sort."""
    if not len(pings.seconds):
        return np.zeros(0, dtype=np.int64)
    first = int(pings.seconds.min())
    span = int(pings.seconds.max()) - first + 1
    officers = int(pings.officer.max()) + 1
    hotspots = int(pings.hotspot.max()) + 1
    if span.bit_length() + officers.bit_length() + hotspots.bit_length() > 62:
        return np.lexsort((pings.seconds, pings.officer, pings.hotspot))
    key = (pings.hotspot.astype(np.int64) * officers + pings.officer) * span
    key += pings.seconds - first
    return np.argsort(key, kind="stable")


SHARED_VISIT_COLUMNS = {
    "hotspot": np.int32,
    "role": np.int8,
    "start": np.int64,
    "end": np.int64,
    "pings": np.int64,
}
"""What the pages take from each visit (and all a database store keeps): no officer."""


def shared_visits(visits: pd.DataFrame) -> pd.DataFrame:
    """The visits as either store gives them to the pages: without the officer code, ordered by
    hotspot, start, end, role and pings (an order that names no officer), so that every sum the
    pages make adds the same numbers in the same order from a folder and from a database."""
    frame = visits[list(SHARED_VISIT_COLUMNS)].astype(SHARED_VISIT_COLUMNS)
    order = np.lexsort([frame[name].to_numpy() for name in reversed(SHARED_VISIT_COLUMNS)])
    return frame.iloc[order].reset_index(drop=True)
