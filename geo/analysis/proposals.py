"""Choosing the hotspots: small places where incidents concentrate and keep concentrating.

A programme starts by choosing where to patrol. Proposals are built from police.uk's snap points
(geo.analysis.proposal_places): a method ranks the points, the best ones that lie within
LINK_M of each other become one place, and each place is drawn as the points' discs of
BUFFER_M joined along the street (a morphological closing), so it follows the points rather
than a grid. A place larger than the largest area allowed keeps its best points, grown outward
from its best one. Places never overlap each other or the dataset's hotspots, and are ranked by
what they hold: the period's incidents inside them.

Methods (docs/proposals.md has their measured comparison on held-out months):

- `stable`: the snap points with incidents in at least half of the period's months, busiest
  first (the default: it held the most of the next period's incidents over equal areas);
- `count`: as many snap points, by their count alone;
- `gistar`: as many snap points, by the Getis–Ord Gi* z of their 25 m cell;
- `kde`: as many snap points, by a Gaussian kernel density (25 m bandwidth) at their cell.

Every method picks the same number of points and draws them the same way, so they differ only
in which points they pick.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from geo.analysis.anomalies import Exclusions
from geo.analysis.proposal_data import ProposalSource
from geo.analysis.proposal_grid import gi_star, grid_of, kernel_density
from geo.analysis.proposal_places import SnapPoints, names_places, snap_points
from geo.crs import BRITISH_NATIONAL_GRID
from geo.errors import HotspotDataError
from geo.period import parse_months
from geo.schema import ASB, MAX_HOTSPOTS, MAX_TEXT_CHARS

BUFFER_M = 25.0
"""Radius of the disc drawn round each snap point: the street and its frontages."""
LINK_M = 100.0
"""Snap points this close (about a street block) join one place."""
CLOSE_M = LINK_M / 2
"""The closing that joins linked discs along the street between them."""
GAP_M = 1.0
"""The least distance kept between a proposal and another proposal or an existing hotspot, so
that none overlaps another once written in longitude/latitude and read back."""
GRID_M = 50.0
"""The grid proposals are measured on: the Gi* z each one carries is the highest of its snap
points' cells, and no proposal may be allowed less area than one cell."""
GI_RADIUS_CELLS = 1
"""Gi* neighbours: the 3 × 3 cells round a cell (itself included)."""
GISTAR_CELL_M = 25.0
"""The `gistar` method's cells: the finest of 25, 50 and 100 m (with 3 × 3 or 5 × 5 neighbours)
held the most of the next months' incidents over equal areas, proposed from 2023's first half
and judged on its second."""
KDE_CELL_M = 25.0
KDE_BANDWIDTH_M = 25.0
"""The `kde` method's bandwidth (the Gaussian's standard deviation): the best of 25, 50, 100 and
200 m, tuned as GISTAR_CELL_M was."""
STABLE_SHARE = 0.5
"""A snap point is stable when it has incidents in at least this share of the period's months."""
DEFAULT_PLACES = 20
DEFAULT_MAX_AREA_KM2 = 0.5
DEFAULT_MONTHS = 12
"""Without --period, the latest this many months of the data."""


def _stable(points: SnapPoints) -> np.ndarray:
    """Months with incidents: the stable points first."""
    return points.months_hot.astype(float)


def _count(points: SnapPoints) -> np.ndarray:
    """Incidents in the period."""
    return points.count.astype(float)


def _gistar(points: SnapPoints) -> np.ndarray:
    """The Gi* z of the point's GISTAR_CELL_M cell."""
    return snap_gi_z(points, GISTAR_CELL_M)


def _kde(points: SnapPoints) -> np.ndarray:
    """The kernel density at the point's KDE_CELL_M cell."""
    grid = grid_of(points.x, points.y, points.count.astype(float), KDE_CELL_M)
    return kernel_density(grid, KDE_BANDWIDTH_M)[grid.cell_of_point]


METHODS: dict[str, Callable[[SnapPoints], np.ndarray]] = {
    "stable": _stable,
    "count": _count,
    "gistar": _gistar,
    "kde": _kde,
}
"""Each method's score of the snap points (higher first; ties go to the busier point)."""
DEFAULT_METHOD = "stable"


def snap_gi_z(points: SnapPoints, cell_m: float = GRID_M) -> np.ndarray:
    """Each snap point's Gi* z: that of its cell, neighbours GI_RADIUS_CELLS round it."""
    grid = grid_of(points.x, points.y, points.count.astype(float), cell_m)
    return gi_star(grid, GI_RADIUS_CELLS).of_occupied[grid.cell_of_point]


def stable_count(points: SnapPoints, usable: np.ndarray | None = None) -> int:
    """How many snap points (of those `usable`) are stable: incidents in at least STABLE_SHARE
    of the months."""
    needed = max(math.ceil(STABLE_SHARE * len(points.months) - 1e-9), 1)
    stable = points.months_hot >= needed
    return int((stable if usable is None else stable & usable).sum())


@dataclass(frozen=True)
class ProposalRules:
    """How many places to propose, how large each may be, and the method that ranks points."""

    places: int = DEFAULT_PLACES
    max_area_km2: float = DEFAULT_MAX_AREA_KM2
    method: str = DEFAULT_METHOD

    def check(self) -> None:
        """Refuse rules no proposal can follow, saying what to give instead."""
        if self.places < 1:
            raise HotspotDataError(f"--max is {self.places}; ask for at least 1 proposal")
        if self.places > MAX_HOTSPOTS:
            raise HotspotDataError(
                f"--max is {self.places:,}; a hotspot file holds at most {MAX_HOTSPOTS:,}"
            )
        smallest = GRID_M**2 / 1e6
        if not math.isfinite(self.max_area_km2) or self.max_area_km2 < smallest:
            raise HotspotDataError(
                f"--max-area-km2 is {self.max_area_km2:g}, smaller than one {GRID_M:.0f} m "
                f"square of the grid proposals are measured on ({smallest:g} km²); give at "
                f"least {smallest:g}"
            )
        if self.method not in METHODS:
            raise HotspotDataError(
                f"'{self.method}' is not a method; choose one of {', '.join(METHODS)}"
            )


# --- choosing the places ---------------------------------------------------------------------


def candidates(
    points: SnapPoints, method: str, usable: np.ndarray | None = None, limit: int | None = None
) -> np.ndarray:
    """The snap points a method proposes from, best first: as many as are stable (or `limit`),
    taken in the method's order; `usable` leaves some out (those inside existing hotspots)."""
    score = METHODS[method](points)
    order = np.lexsort((np.arange(len(points)), -points.count, -score))
    if usable is not None:
        order = order[usable[order]]
    return order[: stable_count(points, usable) if limit is None else limit]


def outline(xy: np.ndarray) -> shapely.Geometry:
    """The place drawn round snap points (metres): their BUFFER_M discs, joined along the
    street where they lie within LINK_M of each other."""
    discs = shapely.buffer(shapely.points(xy), BUFFER_M + CLOSE_M, quad_segs=8)
    return shapely.buffer(shapely.union_all(discs), -CLOSE_M, quad_segs=8)


def group_places(xy: np.ndarray, max_area_m2: float) -> list[np.ndarray]:
    """Candidate points (best first) as places: points linked within LINK_M form one place; a
    place larger than `max_area_m2` keeps the points reached best-first from its best point
    while it fits, and the rest form places of their own."""
    n = len(xy)
    if n == 0:
        return []
    pairs = cKDTree(xy).query_pairs(LINK_M, output_type="ndarray")
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n)
    ).tocsr()
    graph = (graph + graph.T).tocsr()
    queue = _components(graph, np.arange(n))
    places = []
    while queue:
        members = queue.pop()
        if len(members) == 1 or outline(xy[members]).area <= max_area_m2:
            places.append(members)
            continue
        grown = _best_first(graph, members)
        fits = _longest_fit(xy, grown, max_area_m2)
        places.append(np.sort(grown[:fits]))
        queue.extend(_components(graph, grown[fits:]))
    return places


def _components(graph: csr_matrix, members: np.ndarray) -> list[np.ndarray]:
    """The linked groups among `members` (indices into the graph, sorted)."""
    members = np.sort(members)
    _, label = connected_components(graph[members][:, members], directed=False)
    order = np.argsort(label, kind="stable")
    return np.split(members[order], np.flatnonzero(np.diff(label[order])) + 1)


def _best_first(graph: csr_matrix, members: np.ndarray) -> np.ndarray:
    """`members` in the order a walk from the best one reaches them, always stepping to the
    best point linked to those already reached (a lower index is a better point)."""
    inside = np.zeros(graph.shape[0], dtype=bool)
    inside[members] = True
    seen = {int(members.min())}
    frontier = [int(members.min())]
    order = []
    while frontier:
        point = heapq.heappop(frontier)
        order.append(point)
        for other in graph.indices[graph.indptr[point] : graph.indptr[point + 1]]:
            if inside[other] and int(other) not in seen:
                seen.add(int(other))
                heapq.heappush(frontier, int(other))
    return np.array(order, dtype=np.int64)


def _longest_fit(xy: np.ndarray, ordered: np.ndarray, max_area_m2: float) -> int:
    """How many of `ordered` points, from the first, fit in one place of `max_area_m2` (at
    least one: a single disc is smaller than a grid square, the least area allowed)."""
    low, high = 1, len(ordered)
    while low < high:
        middle = (low + high + 1) // 2
        if outline(xy[ordered[:middle]]).area <= max_area_m2:
            low = middle
        else:
            high = middle - 1
    return low


def inside_pairs(shapes: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(shape, point) index pairs of points inside or on the edge of shapes (metres)."""
    if not len(shapes) or not len(x):
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    point, shape = shapely.STRtree(shapes).query(shapely.points(x, y), predicate="intersects")
    return shape, point


def held(shapes: np.ndarray, x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per shape, the summed weight of the points inside it (its edge included)."""
    shape, point = inside_pairs(shapes, x, y)
    return np.bincount(shape, weights=weight[point], minlength=len(shapes))


@dataclass(frozen=True)
class Places:
    """Places ranked by the period's incidents inside them, none overlapping another or the
    areas kept out: their outlines (metres) and those incidents."""

    shapes: np.ndarray
    incidents: np.ndarray


def choose_places(
    points: SnapPoints,
    method: str,
    places: int,
    max_area_m2: float,
    keep_out: shapely.Geometry | None = None,
    limit: int | None = None,
) -> Places:
    """Up to `places` places chosen by `method`, each at most `max_area_m2`, none overlapping
    another or `keep_out` (existing hotspots, metres), ranked by what they hold; `limit` sets
    how many snap points the method picks (by default as many as are stable)."""
    usable = None
    if keep_out is not None:
        shapely.prepare(keep_out)
        usable = ~shapely.intersects_xy(keep_out, points.x, points.y)
    chosen = candidates(points, method, usable, limit)
    groups = group_places(points.xy[chosen], max_area_m2)
    shapes = np.array([outline(points.xy[chosen[g]]) for g in groups], dtype=object)
    holding = held(shapes, points.x, points.y, points.count.astype(float))
    order = np.argsort(-holding, kind="stable")
    shapes, holding = _apart(shapes[order], holding[order], points, places, keep_out)
    order = np.argsort(-holding, kind="stable")
    return Places(shapes[order], holding[order].astype(np.int64))


def _apart(
    shapes: np.ndarray,
    holding: np.ndarray,
    points: SnapPoints,
    places: int,
    keep_out: shapely.Geometry | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The first `places` shapes, in order, each cut GAP_M clear of those kept before it and of
    `keep_out`; a shape left holding no snap point is dropped."""
    if not len(shapes):
        return shapes, holding
    grown = shapely.buffer(shapes, GAP_M, quad_segs=4)
    near_pairs = shapely.STRtree(grown).query(shapes, predicate="intersects")
    near: dict[int, list[int]] = {}
    for a, b in zip(*near_pairs):
        if a != b:
            near.setdefault(int(a), []).append(int(b))
    blocked = shapely.buffer(keep_out, GAP_M, quad_segs=4) if keep_out is not None else None
    kept: set[int] = set()
    weights = points.count.astype(float)
    out_shapes, out_holding = [], []
    for index in range(len(shapes)):
        if len(kept) >= places:
            break
        shape = shapes[index]
        cut = [grown[j] for j in near.get(index, []) if j in kept]
        if blocked is not None and shape.intersects(blocked):
            cut.append(blocked)
        if cut:
            shape = _with_points(shapely.difference(shape, shapely.union_all(cut)), points)
            if shape is None:
                continue
            grown[index] = shapely.buffer(shape, GAP_M, quad_segs=4)
        kept.add(index)
        out_shapes.append(shape)
        out_holding.append(
            held(np.array([shape]), points.x, points.y, weights)[0] if cut else holding[index]
        )
    return np.array(out_shapes, dtype=object), np.array(out_holding)


def _with_points(shape: shapely.Geometry, points: SnapPoints) -> shapely.Geometry | None:
    """The polygon parts of a cut shape that still hold a snap point; None when none does."""
    parts = [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return None
    array = np.array(parts, dtype=object)
    holding = held(array, points.x, points.y, np.ones(len(points)))
    kept = array[holding > 0]
    return shapely.union_all(kept) if len(kept) else None


# --- the period, and the proposals as a layer ---------------------------------------------------


@dataclass(frozen=True)
class Proposals:
    """The proposed places (EPSG:27700, ranked, with their figures) and what they came from."""

    frame: gpd.GeoDataFrame
    crime_type: str
    period: str
    months: list[str]
    left_out: list[str]
    incidents: int
    method: str

    def line(self) -> str:
        """One sentence on what the proposals hold, for the terminal."""
        inside = int(self.frame["incidents"].sum())
        area = float(self.frame["area_km2"].sum())
        share = inside / self.incidents if self.incidents else 0.0
        return (
            f"{len(self.frame)} proposed places hold {inside:,} of the {self.incidents:,} located "
            f"{self.crime_type} incidents of {self.period} ({share:.1%}) in {area:.3f} km²"
        )


def resolve_crime_type(source: ProposalSource, asked: str | None) -> str:
    """The data's spelling of the crime type asked for (ASB by default); refused when the data
    hold none of it."""
    wanted = (asked or ASB).strip()
    types = source.crime_types
    found = next((t for t in types if t.casefold() == wanted.casefold()), None)
    if found is None:
        held_types = ", ".join(types) if types else "none"
        raise HotspotDataError(
            f"the data hold no '{wanted}' rows; crime types in the data: {held_types}"
        )
    return found


def resolve_period(text: str | None, data_months: list[pd.Period]) -> tuple[pd.Period, pd.Period]:
    """The period asked for (START:END), or the latest DEFAULT_MONTHS months of the data;
    refused when it reaches outside the months the data cover."""
    if not data_months:
        raise HotspotDataError("the data hold no crime rows")
    first, last = data_months[0], data_months[-1]
    if text is None:
        return max(first, last - (DEFAULT_MONTHS - 1)), last
    start, end = parse_months(text)
    if start < first or end > last:
        raise HotspotDataError(
            f"period {start}:{end} has months without data: the data cover {first} to {last}; "
            "choose months inside them"
        )
    return start, end


def counted_months(
    start: pd.Period, end: pd.Period, crime_type: str, exclusions: Exclusions
) -> tuple[np.ndarray, list[str]]:
    """The period's month ordinals that count, and the months left out (see
    Exclusions.months_of_type)."""
    flagged = exclusions.months_of_type(crime_type)
    months = np.arange(start.ordinal, end.ordinal + 1)
    left_out = [str(pd.Period(ordinal=int(m), freq="M")) for m in months if m in flagged]
    return months[~np.isin(months, list(flagged))].astype(np.int32), left_out


def propose(
    source: ProposalSource,
    crime_type: str | None = None,
    period: str | None = None,
    rules: ProposalRules | None = None,
    keep_flagged: bool = False,
) -> Proposals:
    """Proposed hotspots for a period's incidents of one crime type (see the module); the
    dataset's hotspots, when the source has them, are kept out and name each proposal's town.
    Months flagged as anomalous for the type are left out unless `keep_flagged`."""
    rules = rules or ProposalRules()
    rules.check()
    kind = resolve_crime_type(source, crime_type)
    start, end = resolve_period(period, source.months)
    label = f"{start}:{end}"
    exclusions = Exclusions(tuple(source.anomalies), keep_flagged)
    months, left_out = counted_months(start, end, kind, exclusions)
    if not len(months):
        raise HotspotDataError(
            f"every month of {label} is flagged as anomalous for {kind} "
            f"({', '.join(left_out)}); choose other months"
        )
    points = snap_points(source.incidents_of(kind), months)
    if not len(points):
        raise HotspotDataError(
            f"the data hold no located {kind} rows in {label}; choose other months"
        )
    existing = _existing(source.hotspots)
    keep_out = shapely.union_all(existing.geometry.values) if existing is not None else None
    chosen = choose_places(points, rules.method, rules.places, rules.max_area_km2 * 1e6, keep_out)
    if not len(chosen.shapes):
        raise HotspotDataError(
            f"no place had {kind} in at least half the months of {label} outside the existing "
            "hotspots; choose a longer period or another crime type"
        )
    frame = _frame(chosen, points, existing, rules.method, label, kind)
    return Proposals(
        frame, kind, label, [str(pd.Period(ordinal=int(m), freq="M")) for m in months],
        left_out, int(points.count.sum()), rules.method,
    )  # fmt: skip


def _existing(hotspots: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The dataset's hotspots in metres (None when there are none)."""
    if hotspots is None or not len(hotspots):
        return None
    return hotspots.to_crs(BRITISH_NATIONAL_GRID)


def _frame(
    chosen: Places,
    points: SnapPoints,
    existing: gpd.GeoDataFrame | None,
    method: str,
    period: str,
    crime_type: str,
) -> gpd.GeoDataFrame:
    """The proposals as a hotspot layer: hotspot_id, name, town and their figures."""
    shapes = chosen.shapes
    n = len(shapes)
    shape, point = inside_pairs(shapes, points.x, points.y)
    monthly = (
        csr_matrix((np.ones(len(shape)), (shape, point)), shape=(n, len(points))) @ points.monthly
    )
    z = snap_gi_z(points)
    gi = np.full(n, -np.inf)
    np.maximum.at(gi, shape, z[point])
    width = max(2, len(str(n)))
    ids = [f"P{i + 1:0{width}d}" for i in range(n)]
    area = shapely.area(shapes) / 1e6
    total = points.count.sum()
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ids,
            "name": _names(ids, shape, point, points),
            "town": _towns(shapes, existing),
            "incidents": chosen.incidents,
            "share_pct": np.round(100 * chosen.incidents / total, 2),
            "months_hot": (np.asarray(monthly) > 0).sum(axis=1),
            "months": len(points.months),
            "gi_z": np.round(gi, 2),
            "density_km2": np.round(chosen.incidents / area, 1),
            "area_km2": np.round(area, 4),
            "crime_type": crime_type,
            "period": period,
            "method": method,
        },
        geometry=list(shapes),
        crs=BRITISH_NATIONAL_GRID,
    )


def _names(ids: list[str], shape: np.ndarray, point: np.ndarray, points: SnapPoints) -> list[str]:
    """Each place's name: the Location text of its busiest snap point that names a street."""
    named = names_places(points.location)
    order = np.lexsort((-points.count[point], ~named[point], shape))
    first = order[np.r_[True, shape[order][1:] != shape[order][:-1]]] if len(order) else order
    first = first[named[point[first]]]
    names = np.array([f"Place {i}" for i in ids], dtype=object)
    texts = pd.Series(points.location[point[first]], dtype=object).astype(str).str.strip()
    names[shape[first]] = texts.str.slice(0, MAX_TEXT_CHARS).to_numpy(dtype=object)
    return list(names)


def _towns(shapes: np.ndarray, existing: gpd.GeoDataFrame | None) -> list[str]:
    """Each place's town: that of the nearest existing hotspot naming one ('' without any)."""
    if existing is None:
        return [""] * len(shapes)
    with_town = existing[existing["town"].astype(str).str.strip() != ""]
    if with_town.empty:
        return [""] * len(shapes)
    place, nearest = shapely.STRtree(with_town.geometry.values).query_nearest(
        shapes, all_matches=False
    )
    towns = [""] * len(shapes)
    for at, town in zip(place, with_town["town"].to_numpy()[nearest]):
        towns[int(at)] = str(town)
    return towns
