"""Calibration of the evaluation on real areas where no programme ran (dev tooling).

Every 2011 LSOA of a force, and random sets of them, are evaluated as if they were patrol
hotspots: the control-adjusted test should call about 5% of them beyond chance (ALPHA), and the
programme's control-adjusted interval should hold "no change" (a ratio of 1) for about 95% of
random sets. The areas' own counts, the comparison squares (less those touching the areas and
their rings) and the dispersion are worked out as the app does; the control is the rest of the
force less the areas (their rings' few reports are left in it, a small simplification).

The too-few rule (stats.TOO_FEW_RULE) is measured too: the force's dispersion curve and the
threshold it gives (too_few_check), how often the primary reading finds a halving in real areas
on either side of the threshold, and in places simulated with the measured dispersion
(simulated_halving).

    python -m tools.calibration CRIMES_FOLDER LSOA_GEOJSON START:END
    python -m tools.calibration too-few CRIMES_FOLDER START:END AREAS_GEOJSON...
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis.anomalies import Exclusions, find_anomalies
from geo.analysis.chance import chance_spread
from geo.analysis.comparison import square_pairs
from geo.analysis.evaluation import adjusted_table, programme_centre
from geo.analysis.figures import sum_in_period
from geo.analysis.reference import RANK, dispersion_curve
from geo.analysis.shrinkage import shrunken
from geo.analysis.stats import (
    ALPHA,
    DETECTABLE_RATIO,
    MEASURED_DISPERSION,
    TOO_FEW_BEFORE,
    AdjustedRatio,
    DispersionCurve,
    exact_ps,
    placebo_ratio,
    smallest_telling_baseline,
)
from geo.counting.aggregate import count_crimes
from geo.counting.areas import RING_M, located_by_month
from geo.counting.squares import comparison_squares, square_boxes
from geo.counting.type_counts import type_month_counts
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


BANDS = ((0.5, 1.0), (1.0, 2.0), (2.0, 10.0))
"""Baseline bands, as multiples of the too-few threshold, the rule is measured over: just under
it, from it to twice it, and on to ten times it (the range the rule is checked over)."""
HUGE_CONTROL = (10**7, 10**7)
"""A control so large that its own noise is nothing: the reading is of the place alone."""


@dataclass(frozen=True)
class TooFewCheck:
    """The too-few rule on one force: its dispersion curve and the threshold the rule gives from
    it; the share of baselines from the threshold to ten times it at which a halving seen is
    beyond chance by the primary reading; and, per band (BANDS), the places in it and the share
    of trials in which the primary reading found a halving made by deleting half the places'
    reports of the after year."""

    curve: DispersionCurve
    threshold: int
    seen: float
    bands: dict[tuple[float, float], tuple[int, float]]


def counted_period(crimes: pd.DataFrame, period: Period) -> Period:
    """`period` as the app counts ASB in it: the flagged months left out of both years."""
    anomalies = tuple(find_anomalies(type_month_counts(crimes)))
    return Exclusions(anomalies).period(period, "asb")


def force_curve(crimes_folder: Path, period: Period) -> DispersionCurve:
    """The dispersion curve of every comparison square of the force (no hotspots), counted as
    the app counts: how MEASURED_DISPERSION is measured."""
    crimes = read_crimes([crimes_folder])
    squares = comparison_squares(crimes, gpd.GeoSeries([], crs=WGS84))
    return dispersion_curve(square_pairs(squares, counted_period(crimes, period)))


def too_few_check(
    crimes_folder: Path,
    area_files: list[Path],
    period: Period,
    repeats: int = 4,
    seed: int = 0,
    threshold: int = TOO_FEW_BEFORE,
) -> TooFewCheck:
    """Measure the too-few rule on a force: its curve and the threshold the rule gives from it;
    a halving seen at every baseline from `threshold` to ten times it, read against the force's
    untreated squares; and the areas of `area_files` (each alone, as an untreated hotspot) with
    half their after-year ASB reports deleted at random, `repeats` times, by band (BANDS)."""
    crimes = read_crimes([crimes_folder])
    counted = counted_period(crimes, period)
    squares = comparison_squares(crimes, gpd.GeoSeries([], crs=WGS84))
    pairs = square_pairs(squares, counted)
    curve = dispersion_curve(pairs)
    baselines = np.arange(threshold, 10 * threshold + 1)
    halved = np.round(baselines * DETECTABLE_RATIO).astype(np.int64)
    seen = adjusted_table(baselines, halved, [HUGE_CONTROL] * len(baselines), pairs)
    rng = np.random.default_rng(seed)
    trials: list[tuple[int, bool]] = []
    for area_file in area_files:
        data = placebo(crimes_folder, area_file, counted)
        for _ in range(repeats):
            deleted = rng.binomial(data.after, DETECTABLE_RATIO)
            for i in np.flatnonzero(data.before >= BANDS[0][0] * threshold):
                row = data.table(np.array([i]), deleted[i : i + 1]).iloc[0]
                found = row["adjusted_p"] < ALPHA and row["adjusted_ratio"] < 1
                trials.append((int(data.before[i]), bool(found)))
    return TooFewCheck(
        curve=curve,
        threshold=smallest_telling_baseline(DETECTABLE_RATIO, curve),
        seen=float((seen["adjusted_p"] < ALPHA).mean()),
        bands={band: _band_share(trials, band, threshold, repeats) for band in BANDS},
    )


def _band_share(
    trials: list[tuple[int, bool]], band: tuple[float, float], threshold: int, repeats: int
) -> tuple[int, float]:
    """(places, share found) of the trials whose baseline is in `band` × `threshold`."""
    low, high = band[0] * threshold, band[1] * threshold
    inside = [found for before, found in trials if low <= before < high]
    return len(inside) // repeats, float(np.mean(inside)) if inside else float("nan")


def simulated_halving(
    baselines: list[int],
    curve: DispersionCurve = MEASURED_DISPERSION,
    worlds: int = 60,
    hotspots: int = 20,
    seed: int = 0,
) -> dict[int, float]:
    """Per baseline, the share of simulated hotspots whose halving the primary reading finds.

    Each world is a force of untreated places whose counts vary as `curve` says (negative
    binomial: variance φ × mean in both years), their usual ASB spread evenly on a log scale from
    1 to 5,000 (about 50 of like baseline for any hotspot, as on real data). Its hotspots are
    places like them whose usual ASB is the baseline, with half their after-year reports deleted
    at random (as the real check deletes rows), read against the world's places."""
    rng = np.random.default_rng(seed)
    found: dict[int, list[bool]] = {b: [] for b in baselines}
    for _ in range(worlds):
        usual = np.exp(rng.uniform(0.0, np.log(5_000.0), 950))
        pairs = pd.DataFrame(
            {"before": _varied(rng, usual, curve), "after": _varied(rng, usual, curve)},
            index=pd.Index(np.arange(len(usual)), name="square"),
        )
        pairs = pairs[(pairs["before"] + pairs["after"]) > 0]
        for baseline in baselines:
            usual_here = np.full(hotspots, float(baseline))
            before = _varied(rng, usual_here, curve)
            after = rng.binomial(_varied(rng, usual_here, curve), DETECTABLE_RATIO)
            table = adjusted_table(before, after, [HUGE_CONTROL] * hotspots, pairs)
            told = (table["adjusted_p"] < ALPHA) & (table["adjusted_ratio"] < 1)
            found[baseline].extend(told.tolist())
    return {baseline: float(np.mean(told)) for baseline, told in found.items()}


def _varied(rng: np.random.Generator, usual: np.ndarray, curve: DispersionCurve) -> np.ndarray:
    """One year's counts of places with these usual counts: negative binomial, variance φ ×
    mean with φ from `curve` (Poisson where φ is 1)."""
    phi = np.asarray(curve.at(usual), dtype=float)
    shape = usual / np.maximum(phi - 1.0, 1e-12)
    rate = np.where(phi > 1.0, rng.gamma(shape, usual / shape), usual)
    return rng.poisson(rate).astype(np.int64)


def main(argv: list[str]) -> int:
    """Print the calibration of a force's LSOAs for a period, or (too-few) the too-few rule
    measured on a force and on simulated places."""
    if argv[:1] == ["too-few"]:
        return _print_too_few(Path(argv[1]), Period.parse(argv[2]), [Path(a) for a in argv[3:]])
    crimes_folder, lsoa_file, period = argv
    result = calibrate(Path(crimes_folder), Path(lsoa_file), Period.parse(period))
    for key, value in vars(result).items():
        print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


def _print_too_few(crimes_folder: Path, period: Period, area_files: list[Path]) -> int:
    """Print the too-few rule as measured on the force's areas and on simulated places."""
    check = too_few_check(crimes_folder, area_files, period)
    curve = check.curve
    print(f"dispersion curve: log phi = {curve.intercept:.3f} + {curve.slope:.3f} log(b + 1)")
    print(f"threshold from it: {check.threshold} (the app's: {TOO_FEW_BEFORE})")
    print(f"halving seen beyond chance, baselines {TOO_FEW_BEFORE} to 10x: {check.seen:.1%}")
    for (low, high), (places, share) in check.bands.items():
        print(f"halving found, baselines {low:g}x to {high:g}x: {share:.0%} of {places} places")
    multiples = (0.5, 1.0, 2.0, 5.0, 10.0)
    simulated = simulated_halving([round(m * TOO_FEW_BEFORE) for m in multiples])
    for baseline, share in simulated.items():
        print(f"simulated halving found at {baseline}: {share:.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
