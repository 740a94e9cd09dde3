"""Hotspot outlines for the browser: as few bytes as keep every original vertex within 1 m.

Geometry is most of what the map sends, so outlines are simplified in metres
(British National Grid, EPSG:27700): as a coverage when hotspots do not overlap (shapely
`coverage_simplify`), so neighbours keep their shared edges; one by one otherwise (Douglas-Peucker,
whose tolerance bounds the shift). They are then taken back to WGS84 and rounded. The budget of
`MAX_SHIFT_M` is shared between simplifying and rounding, and every candidate is measured
(discrete Hausdorff distance in metres) before it is used, so the bound holds by check, not by
hope. Of the candidates that hold, the one with the fewest GeoJSON bytes wins.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import BRITISH_NATIONAL_GRID, WGS84

MAX_SHIFT_M = 1.0
"""No original vertex moves further than this from the outline drawn (nor the reverse)."""

DECIMALS = (5, 6)
"""Decimal places tried for degrees: 5 is about 1.1 m of latitude, 6 about 0.11 m."""

METRES_PER_DEGREE = 111_320.0
MARGIN_M = 0.02
"""Kept back from the budget for reprojection and snapping."""

_SEARCH_STEPS = 5
_CACHE_SIZE = 8
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_lock = threading.Lock()


def map_geometries(geometries: gpd.GeoSeries, max_shift_m: float = MAX_SHIFT_M) -> np.ndarray:
    """Outlines of `geometries` (any CRS) in WGS84, simplified and rounded within `max_shift_m`.

    Computed once per set of outlines (kept for the last few sets), since the map is rebuilt on
    every rerun of the page while the outlines only change with the dataset.
    """
    original = geometries.to_crs(WGS84) if geometries.crs is not None else geometries
    values = np.asarray(original.values, dtype=object)
    if len(values) == 0:
        return values
    key = _key(values, max_shift_m)
    with _lock:  # sessions of the app render in threads of one process
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    outlines = _lightest(values, max_shift_m)
    with _lock:
        _cache[key] = outlines
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return outlines


def _key(values: np.ndarray, max_shift_m: float) -> str:
    """A digest of the outlines' exact coordinates and the bound."""
    digest = hashlib.sha256(f"{max_shift_m}".encode())
    for wkb in shapely.to_wkb(values):
        digest.update(wkb)
    return digest.hexdigest()


def _lightest(values: np.ndarray, max_shift_m: float) -> np.ndarray:
    """The smallest candidate (by GeoJSON bytes) that keeps within `max_shift_m`."""
    metres = _to_metres(values)
    best, best_size = None, None
    for decimals in DECIMALS:
        budget = max_shift_m - rounding_shift_m(values, decimals) - MARGIN_M
        if budget < 0:
            continue
        outline = _round(_to_degrees(simplify_within(metres, budget)), decimals)
        if max_shift(metres, _to_metres(outline)) > max_shift_m:
            continue
        size = geojson_bytes(outline)
        if best_size is None or size < best_size:
            best, best_size = outline, size
    return best if best is not None else _round(values, 7)


def simplify_within(metres: np.ndarray, budget_m: float) -> np.ndarray:
    """Simplify outlines (in metres) so that none moves more than `budget_m`.

    A valid coverage (no overlaps) is simplified as one, keeping shared edges shared; its
    tolerance is an area, so the largest one that holds the budget is searched for. Overlapping
    hotspots are simplified one by one.
    """
    if budget_m <= 0:
        return metres
    if not _is_coverage(metres):
        return shapely.simplify(metres, budget_m, preserve_topology=True)
    best = metres
    low, high = 0.0, budget_m * 8
    for _ in range(_SEARCH_STEPS):
        tolerance = (low + high) / 2
        candidate = shapely.coverage_simplify(metres, tolerance, simplify_boundary=True)
        if max_shift(metres, candidate) <= budget_m:
            best, low = candidate, tolerance
        else:
            high = tolerance
    return best


def _is_coverage(metres: np.ndarray) -> bool:
    """Polygons that do not overlap (edges may be shared): what coverage simplification needs."""
    try:
        return len(metres) > 0 and bool(shapely.coverage_is_valid(metres))
    except shapely.errors.GEOSException:
        return False


def max_shift(before: np.ndarray, after: np.ndarray) -> float:
    """The largest distance in metres from a vertex of one outline to the other outline, either
    way (discrete Hausdorff): every original vertex is measured against the new outline."""
    if len(before) == 0:
        return 0.0
    distances = shapely.hausdorff_distance(shapely.boundary(before), shapely.boundary(after))
    return float(np.nanmax(distances))


def rounding_shift_m(values: np.ndarray, decimals: int) -> float:
    """How far rounding lon/lat to `decimals` places can move a point, at the data's latitudes."""
    half_step = 0.5 * 10.0**-decimals * METRES_PER_DEGREE
    bounds = shapely.total_bounds(values)
    widest = np.cos(np.radians(min(abs(bounds[1]), abs(bounds[3]))))
    if bounds[1] <= 0 <= bounds[3]:
        widest = 1.0
    return float(np.hypot(half_step, half_step * widest))


def geojson_bytes(values: np.ndarray) -> int:
    """Bytes of the outlines as GeoJSON geometries."""
    return sum(len(text) for text in shapely.to_geojson(values))


def _to_metres(values: np.ndarray) -> np.ndarray:
    return gpd.GeoSeries(values, crs=WGS84).to_crs(BRITISH_NATIONAL_GRID).values.to_numpy()


def _to_degrees(values: np.ndarray) -> np.ndarray:
    return gpd.GeoSeries(values, crs=BRITISH_NATIONAL_GRID).to_crs(WGS84).values.to_numpy()


def _round(values: np.ndarray, decimals: int) -> np.ndarray:
    """Coordinates rounded to `decimals` places (the same vertex always lands on the same point,
    so shared edges stay shared), repeats dropped; an outline that would collapse keeps 7."""
    rounded = shapely.remove_repeated_points(
        shapely.transform(values, lambda xy: np.round(xy, decimals))
    )
    collapsed = (shapely.area(rounded) == 0) & (shapely.area(values) > 0)
    if collapsed.any():
        rounded[collapsed] = _round(values[collapsed], 7) if decimals < 7 else values[collapsed]
    return rounded
