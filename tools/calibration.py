"""Calibration of the evaluation on real areas where no programme ran (dev tooling).

Every 2011 LSOA of a force, and random sets of them, are evaluated as if they were patrol
hotspots: the control-adjusted test should call about 5% of them beyond chance (ALPHA), and the
programme's control-adjusted interval should hold "no change" (a ratio of 1) for about 95% of
random sets. The areas' own counts, the comparison squares (less those touching the areas and
their rings) and the dispersion are worked out as the app does; the control is the rest of the
force less the areas (their rings' few reports are left in it, a small simplification).

    python -m tools.calibration CRIMES_FOLDER LSOA_GEOJSON START:END
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis.aggregate import count_crimes
from geo.analysis.areas import RING_M, located_by_month
from geo.analysis.comparison import (
    chance_spread,
    comparison_squares,
    square_boxes,
    square_pairs,
)
from geo.analysis.evaluation import adjusted_table
from geo.analysis.figures import sum_in_period
from geo.analysis.stats import ALPHA, exact_ps, placebo_ratio
from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.io.crimes import read_crimes
from geo.period import Period


@dataclass(frozen=True)
class Calibration:
    """What the tests did on untreated areas: shares flagged, intervals holding no change."""

    areas: int
    area_flagged: float
    raw_flagged: float
    median_dispersion: float
    sets: int
    set_size: int
    set_flagged: float
    sets_without_interval: int
    programme_holds: float


def calibrate(
    crimes_folder: Path,
    lsoa_file: Path,
    period: Period,
    sets: int = 200,
    set_size: int = 20,
    seed: int = 0,
) -> Calibration:
    """Evaluate every LSOA, and `sets` random sets of `set_size`, as untreated 'hotspots'."""
    crimes = read_crimes([crimes_folder])
    areas = gpd.read_file(lsoa_file).to_crs(WGS84)
    areas = areas.rename(columns={areas.columns[0]: "hotspot_id"})
    counts = count_crimes(crimes, areas)
    ids = areas["hotspot_id"]
    before = _per_area(counts.hotspot, period.before, ids)
    after = _per_area(counts.hotspot, period, ids)
    force = located_by_month(crimes).reset_index()
    force_before = int(sum_in_period(force, period.before)["asb"])
    force_after = int(sum_in_period(force, period)["asb"])
    pairs = square_pairs(comparison_squares(crimes, gpd.GeoSeries([], crs=WGS84)), period)
    touching = _touching(pairs.index.to_numpy(), areas)

    single = [
        adjusted_table(
            before[[i]], after[[i]], [(force_before - before[i], force_after - after[i])],
            pairs[~touching[:, i]],
        ).iloc[0]
        for i in range(len(areas))
    ]  # fmt: skip

    single_p = np.array([row["adjusted_p"] for row in single], dtype=float)
    rng = np.random.default_rng(seed)
    holds, flagged = [], []
    for _ in range(sets):
        chosen = rng.choice(len(areas), set_size, replace=False)
        b, a = before[chosen], after[chosen]
        control = (force_before - int(b.sum()), force_after - int(a.sum()))
        untreated = pairs[~touching[:, chosen].any(axis=1)]
        table = adjusted_table(b, a, [control] * len(b), untreated)
        flagged.append((table["adjusted_p"] < ALPHA).mean())
        spread = chance_spread(untreated, b.tolist())
        result = placebo_ratio(int(b.sum()), int(a.sum()), control, spread)
        if result.ratio == result.ratio:  # else too few comparison squares: counted apart
            holds.append(result.low <= 1.0 <= result.high)
    return Calibration(
        areas=len(areas),
        area_flagged=float((single_p < ALPHA).mean()),
        raw_flagged=float((exact_ps(before, after) < ALPHA).mean()),
        median_dispersion=float(np.median([row["dispersion"] for row in single])),
        sets=sets,
        set_size=set_size,
        set_flagged=float(np.mean(flagged)),
        sets_without_interval=sets - len(holds),
        programme_holds=float(np.mean(holds)),
    )


def _per_area(hotspot: pd.DataFrame, period: Period, ids: pd.Series) -> np.ndarray:
    """ASB per area over `period`, in `ids` order (0 where none)."""
    summed = sum_in_period(hotspot, period, by="hotspot_id")["asb"]
    return summed.reindex(ids).fillna(0).astype(np.int64).to_numpy()


def _touching(squares: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Boolean matrix: comparison square (row) touches the area or its ring (column)."""
    rings = shapely.buffer(areas.to_crs(BRITISH_NATIONAL_GRID).geometry.to_numpy(), RING_M)
    square_idx, area_idx = shapely.STRtree(rings).query(
        square_boxes(squares), predicate="intersects"
    )
    touching = np.zeros((len(squares), len(areas)), dtype=bool)
    touching[square_idx, area_idx] = True
    return touching


def main(argv: list[str]) -> int:
    """Print the calibration of a force's LSOAs for a period."""
    crimes_folder, lsoa_file, period = argv
    result = calibrate(Path(crimes_folder), Path(lsoa_file), Period.parse(period))
    for key, value in vars(result).items():
        print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
