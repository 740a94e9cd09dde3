"""How well chosen places predict: the share of the NEXT period's incidents they hold, for their
area, as the hotspot literature compares methods.

- hit rate: the share of the later period's located incidents inside the places;
- PAI (Chainey's prediction accuracy index): hit rate ÷ the share of the study area the places
  cover, so a method that covers more ground must hold more to score as well;
- at equal area: each method's places taken in rank order until they cover a given area (the
  last one counted for the part of its area that fits), beside the naive baseline, the 250 m
  British National Grid squares with most incidents in the first period covering the same area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geo.analysis.anomalies import Exclusions
from geo.analysis.proposal_data import ProposalSource
from geo.analysis.proposal_grid import fdr_critical_z, gi_star, grid_of
from geo.analysis.proposal_places import SnapPoints, snap_points
from geo.analysis.proposals import (
    DEFAULT_MAX_AREA_KM2,
    DEFAULT_METHOD,
    DEFAULT_PLACES,
    GI_RADIUS_CELLS,
    GISTAR_CELL_M,
    Places,
    choose_places,
    counted_months,
    held,
    resolve_crime_type,
    resolve_period,
)

SQUARE_M = 250.0
"""The naive baseline's squares: 250 m cells of the British National Grid."""
ALL_PLACES = 100_000
"""Ask a method for this many places to draw its whole ranked list (for equal-area figures)."""
AREA_STEPS_KM2 = tuple(round(0.025 * step, 3) for step in range(1, 21))
"""The equal areas a method's mean hit rate is taken over (0.025 to 0.5 km²): the figure the
default method was chosen by, as no single area is the right one for every programme."""


@dataclass(frozen=True)
class Ranked:
    """Places (or squares) in rank order: each one's area (m²) and its later-period incidents."""

    area_m2: np.ndarray
    hits: np.ndarray

    def hits_within(self, area_m2: float) -> float:
        """Incidents held by the first places covering `area_m2`, the last one pro rata; NaN
        when all of them together cover less."""
        covered = np.cumsum(self.area_m2)
        last = int(np.searchsorted(covered, area_m2 - 1e-6))
        if last >= len(covered):
            return float("nan")
        before = covered[last - 1] if last else 0.0
        whole = float(self.hits[:last].sum())
        return whole + float(self.hits[last]) * (area_m2 - before) / float(self.area_m2[last])


def ranked_places(places: Places, later: SnapPoints) -> Ranked:
    """Chosen places with the later period's incidents inside each."""
    hits = held(places.shapes, later.x, later.y, later.count.astype(float))
    return Ranked(shapely.area(places.shapes), hits)


def naive_squares(earlier: SnapPoints, later: SnapPoints, square_m: float = SQUARE_M) -> Ranked:
    """The grid squares with most incidents in the earlier period, busiest first (ties in grid
    order), with the later period's incidents in each."""

    def cells(points: SnapPoints) -> np.ndarray:
        col = np.floor(points.x / square_m).astype(np.int64)
        row = np.floor(points.y / square_m).astype(np.int64)
        return col * 10_000_000 + row

    keys, first = np.unique(cells(earlier), return_inverse=True)
    counts = np.bincount(first.ravel(), weights=earlier.count, minlength=len(keys))
    order = np.lexsort((keys, -counts))
    later_keys = cells(later)
    where = np.searchsorted(keys, later_keys)
    found = (where < len(keys)) & (keys[np.minimum(where, len(keys) - 1)] == later_keys)
    hits = np.bincount(where[found], weights=later.count[found], minlength=len(keys))
    return Ranked(np.full(len(keys), square_m**2), hits[order])


@dataclass(frozen=True)
class Split:
    """Incidents of the period proposals are made from and of the period they are judged on."""

    earlier: SnapPoints
    later: SnapPoints
    crime_type: str
    earlier_label: str
    later_label: str
    left_out: list[str]


def split(source: ProposalSource, earlier: str, later: str, crime_type: str | None = None) -> Split:
    """The two periods' snap points of one crime type, flagged months left out of each."""
    kind = resolve_crime_type(source, crime_type)
    incidents = source.incidents_of(kind)
    parts, left_out = [], []
    for text in (earlier, later):
        start, end = resolve_period(text, source.months)
        months, skipped = counted_months(start, end, kind, Exclusions(tuple(source.anomalies)))
        parts.append(snap_points(incidents, months))
        left_out += skipped
    return Split(parts[0], parts[1], kind, earlier, later, left_out)


VARIANTS = (
    ("stable", "stable", False),
    ("count", "count", False),
    ("gistar", "gistar", False),
    ("gistar, FDR hot cells", "gistar", True),
    ("kde", "kde", False),
)
"""The compared methods: label, method, and whether Gi*'s false-discovery-rate test (as ArcGIS's
Optimized Hot Spot Analysis applies it) sets how many snap points are picked."""
SQUARES = "naive 250 m squares"


def fdr_hot_points(points: SnapPoints) -> int:
    """How many snap points lie in cells Gi* calls hot at a 5% false discovery rate."""
    grid = grid_of(points.x, points.y, points.count.astype(float), GISTAR_CELL_M)
    gi = gi_star(grid, GI_RADIUS_CELLS)
    return int((gi.of_occupied[grid.cell_of_point] >= fdr_critical_z(gi.z, gi.cells)).sum())


def compare_methods(
    data: Split,
    study_area_km2: float,
    places: int = DEFAULT_PLACES,
    max_area_km2: float = DEFAULT_MAX_AREA_KM2,
    equal_areas_km2: tuple[float, ...] = (),
) -> pd.DataFrame:
    """One row per method (VARIANTS), and the naive squares: the hit rate and PAI of `places`
    proposals made from the earlier period and judged on the later; the mean hit rate over
    AREA_STEPS_KM2; then hit rate and PAI at equal area, first at the area of the default
    method's proposals, then at each of `equal_areas_km2`."""
    later_total = float(data.later.count.sum())
    rows, ranked = [], {}
    for label, method, fdr in VARIANTS:
        limit = fdr_hot_points(data.earlier) if fdr else None
        everything = choose_places(
            data.earlier, method, ALL_PLACES, max_area_km2 * 1e6, limit=limit
        )
        ranked[label] = ranked_places(everything, data.later)
        area = float(ranked[label].area_m2[:places].sum()) / 1e6
        hit_rate = float(ranked[label].hits[:places].sum()) / later_total
        rows.append(
            {
                "method": label,
                "places": int(min(places, len(ranked[label].area_m2))),
                "area_km2": area,
                "hit_rate": hit_rate,
                "pai": hit_rate / (area / study_area_km2) if area else np.nan,
            }
        )
    ranked[SQUARES] = naive_squares(data.earlier, data.later)
    rows.append({"method": SQUARES})
    for row in rows:
        steps = [ranked[row["method"]].hits_within(a * 1e6) for a in AREA_STEPS_KM2]
        row["mean hit_rate 0.025-0.5 km²"] = float(np.mean(steps)) / later_total
    default_area = next(r["area_km2"] for r in rows if r["method"] == DEFAULT_METHOD)
    for row in rows:
        for area in (default_area, *equal_areas_km2):
            hits = ranked[row["method"]].hits_within(area * 1e6) / later_total
            key = "default area" if area == default_area else f"{area:g} km²"
            row[f"hit_rate at {key}"] = hits
            row[f"pai at {key}"] = hits / (area / study_area_km2)
    return pd.DataFrame(rows)
