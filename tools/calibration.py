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

from geo.analysis.chance import chance_spread
from geo.analysis.comparison import square_pairs
from geo.analysis.evaluation import adjusted_table, programme_centre
from geo.analysis.figures import sum_in_period
from geo.analysis.reference import RANK
from geo.analysis.shrinkage import shrunken
from geo.analysis.stats import ALPHA, AdjustedRatio, exact_ps, placebo_ratio
from geo.counting.aggregate import count_crimes
from geo.counting.areas import RING_M, located_by_month
from geo.counting.squares import comparison_squares, square_boxes
from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.io.crimes import read_crimes
from geo.period import Period


@dataclass(frozen=True)
class Calibration:
    """What the tests did on untreated areas: shares flagged, q values, intervals holding no
    change, readings of the busiest areas, and how often a real fall was found."""

    areas: int
    area_flagged: float
    raw_flagged: float
    median_dispersion: float
    model_read: int
    p_below_floor: int
    sets: int
    set_size: int
    set_flagged: float
    sets_with_q: int
    sets_without_interval: int
    programme_holds: float
    busiest_sets_without_interval: int
    busiest_holds: float
    detected: float
    shrunk_covers: float


@dataclass(frozen=True)
class Placebo:
    """A force's LSOAs as untreated 'hotspots' for one period: their ASB before and after, the
    force's, and the comparison squares (with which of them touch each area or its ring)."""

    areas: gpd.GeoDataFrame
    before: np.ndarray
    after: np.ndarray
    force: tuple[int, int]
    pairs: pd.DataFrame
    touching: np.ndarray

    def table(self, chosen: np.ndarray, after: np.ndarray | None = None) -> pd.DataFrame:
        """The per-area readings of the areas `chosen` (their `after` counts, if given)."""
        b = self.before[chosen]
        a = self.after[chosen] if after is None else after
        return adjusted_table(b, a, [self.control(b, a)] * len(b), self.untreated(chosen))

    def control(self, before: np.ndarray, after: np.ndarray) -> tuple[int, int]:
        """The rest of the force, less the areas (their rings' few reports left in it)."""
        return self.force[0] - int(before.sum()), self.force[1] - int(after.sum())

    def untreated(self, chosen: np.ndarray) -> pd.DataFrame:
        return self.pairs[~self.touching[:, chosen].any(axis=1)]

    def programme(self, chosen: np.ndarray, after: np.ndarray | None = None) -> AdjustedRatio:
        """The programme reading of the areas `chosen` taken together."""
        b = self.before[chosen]
        a = self.after[chosen] if after is None else after
        spread = chance_spread(self.untreated(chosen), b.tolist())
        return placebo_ratio(int(b.sum()), int(a.sum()), self.control(b, a), spread)


def placebo(crimes_folder: Path, lsoa_file: Path, period: Period) -> Placebo:
    """The LSOAs of `lsoa_file` as untreated areas over `period` of the crimes in the folder."""
    crimes = read_crimes([crimes_folder])
    areas = gpd.read_file(lsoa_file).to_crs(WGS84)
    areas = areas.rename(columns={areas.columns[0]: "hotspot_id"})
    counts = count_crimes(crimes, areas)
    ids = areas["hotspot_id"]
    force = located_by_month(crimes).reset_index()
    pairs = square_pairs(comparison_squares(crimes, gpd.GeoSeries([], crs=WGS84)), period)
    return Placebo(
        areas=areas,
        before=_per_area(counts.hotspot, period.before, ids),
        after=_per_area(counts.hotspot, period, ids),
        force=(
            int(sum_in_period(force, period.before)["asb"]),
            int(sum_in_period(force, period)["asb"]),
        ),
        pairs=pairs,
        touching=_touching(pairs.index.to_numpy(), areas),
    )


def calibrate(
    crimes_folder: Path,
    lsoa_file: Path,
    period: Period,
    sets: int = 200,
    set_size: int = 20,
    seed: int = 0,
    busiest: int = 50,
    fall: float = 0.3,
) -> Calibration:
    """Evaluate every LSOA, `sets` random sets of `set_size`, and as many drawn from the
    `busiest` LSOAs, as untreated 'hotspots'; and the random sets again with a share `fall` of
    their ASB reports of the after year removed at random (a programme that worked)."""
    data = placebo(crimes_folder, lsoa_file, period)
    single = pd.concat([data.table(np.array([i])) for i in range(len(data.areas))])
    rng = np.random.default_rng(seed)
    top = np.argsort(data.before)[::-1][:busiest]
    flagged, with_q, holds, busy_holds, detected, covered = [], 0, [], [], [], []
    for _ in range(sets):
        chosen = rng.choice(len(data.areas), set_size, replace=False)
        table = data.table(chosen)
        flagged.append((table["adjusted_p"] < ALPHA).mean())
        with_q += bool((table["q"] < ALPHA).any())
        result = data.programme(chosen)
        if result.ratio == result.ratio:
            holds.append(result.low <= 1.0 <= result.high)
        thinned = rng.binomial(data.after[chosen], 1.0 - fall)
        found = data.programme(chosen, thinned)
        detected.append(found.p < ALPHA and found.ratio < 1)
        worked = data.table(chosen, thinned)
        controls = [data.control(data.before[chosen], thinned)] * set_size
        shrunk = shrunken(
            worked["adjusted_ratio"], worked["adjusted_low"], worked["adjusted_high"],
            programme_centre(data.before[chosen], thinned, controls),
        )  # fmt: skip
        known = ~np.isnan(shrunk.low)
        covered.extend((shrunk.low[known] <= 1 - fall) & (1 - fall <= shrunk.high[known]))
        busy = data.programme(rng.choice(top, set_size, replace=False))
        if busy.ratio == busy.ratio:
            busy_holds.append(busy.low <= 1.0 <= busy.high)
    rank = single["reference_method"] == RANK
    floors = 1.0 / (single["reference_n"] + 1)
    return Calibration(
        areas=len(data.areas),
        area_flagged=float((single["adjusted_p"] < ALPHA).mean()),
        raw_flagged=float((exact_ps(data.before, data.after) < ALPHA).mean()),
        median_dispersion=float(single["dispersion"].median()),
        model_read=int((~rank).sum()),
        p_below_floor=int((single["adjusted_p"][rank] < floors[rank]).sum()),
        sets=sets,
        set_size=set_size,
        set_flagged=float(np.mean(flagged)),
        sets_with_q=with_q,
        sets_without_interval=sets - len(holds),
        programme_holds=float(np.mean(holds)),
        busiest_sets_without_interval=sets - len(busy_holds),
        busiest_holds=float(np.mean(busy_holds)),
        detected=float(np.mean(detected)),
        shrunk_covers=float(np.mean(covered)),
    )


def regression_to_the_mean(
    crimes_folder: Path, lsoa_file: Path, period: Period, chosen: int = 20
) -> AdjustedRatio:
    """The programme reading of the `chosen` LSOAs with most ASB in the year before `period`:
    picked for high counts with no programme, they fall anyway; the reading must not call it."""
    data = placebo(crimes_folder, lsoa_file, period)
    return data.programme(np.argsort(data.before)[::-1][:chosen])


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
