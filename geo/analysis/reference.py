"""The untreated reference units a hotspot's change is read against, and the model that reads it
where there are too few of them.

Reference units are comparison squares of ONE grid size (geo.analysis.comparison): squares of
one size are distinct places that share no report, where squares of nested sizes (250 m inside
500 m …) would be copies of one another. For a hotspot of baseline b, the size chosen is the one
with the most squares whose baseline is like b. Its N squares give a rank reading: a p from N
distinct units is at least 2 / (N + 1) (two-sided), and never smaller than the data allow.

Where fewer than MIN_UNITS squares of any size are like the hotspot (the busiest places), a model
takes over: a quasi-Poisson reading whose dispersion depends on the baseline, fitted on every
untreated square (`DispersionCurve`), so every hotspot and every programme gets a reading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from geo.analysis.comparison import MATCH_FACTOR, MAX_FACTOR, MIN_MATCHED, dispersion
from geo.analysis.stats import UNKNOWN_CURVE, DispersionCurve
from geo.counting.squares import COMPARISON_SIZES_M, square_level

MIN_UNITS = 40
"""Fewest distinct reference units a rank reading is given from: with 40, the smallest two-sided
p (2 / 41 = 0.049) can still fall below 0.05. With fewer, the model reads the hotspot."""
RANK, MODEL = "rank", "model"
"""How a hotspot's control-adjusted reading was made."""
CURVE_BINS = 12
"""Baseline bins (equal on a log scale) the dispersion curve is fitted over."""
MIN_BIN_UNITS = 20
"""Fewest squares a bin of the dispersion curve needs to count."""


@dataclass(frozen=True)
class ReferenceUnits:
    """The distinct untreated units of like baseline a hotspot is read against."""

    size_m: int
    before: np.ndarray
    after: np.ndarray

    @property
    def n(self) -> int:
        return len(self.before)

    @property
    def enough(self) -> bool:
        """Whether there are enough of them for a rank reading (MIN_UNITS)."""
        return self.n >= MIN_UNITS

    @property
    def dispersion(self) -> float:
        """Their quasi-Poisson dispersion; NaN with fewer than MIN_MATCHED."""
        return dispersion(self.before, self.after) if self.n >= MIN_MATCHED else math.nan

    @property
    def ratio(self) -> float:
        """Their after ÷ before together (NaN without a baseline)."""
        return float(self.after.sum() / self.before.sum()) if self.before.sum() else math.nan

    def deviations(self) -> np.ndarray:
        """Each unit's log ratio about their common one: how a place like the hotspot moves by
        chance alone, once each (no resampling, so no p finer than the units allow)."""
        log_ratio = np.log((self.after + 0.5) / (self.before + 0.5))
        return log_ratio - log_ratio.mean()


def reference_units(pairs: pd.DataFrame, baseline: float) -> ReferenceUnits:
    """The squares of one size whose baseline is like `baseline` (see ReferenceSquares.units)."""
    return ReferenceSquares(pairs).units(baseline)


class ReferenceSquares:
    """The untreated squares of `pairs`, ready to be matched to many baselines: each size's
    squares found once, and each baseline's units worked out once (a programme's hotspots share
    few distinct baselines)."""

    def __init__(self, pairs: pd.DataFrame) -> None:
        level = square_level(pairs.index.to_numpy())
        self._sizes = [level == index for index in range(len(COMPARISON_SIZES_M))]
        self._base = pairs["before"].to_numpy(dtype=float) + 1.0
        self._before, self._after = pairs["before"].to_numpy(), pairs["after"].to_numpy()
        self._found: dict[float, ReferenceUnits] = {}

    def units(self, baseline: float) -> ReferenceUnits:
        """The squares of one size whose baseline is like `baseline`: the band (b + 1) ÷ f …
        (b + 1) × f from f = MATCH_FACTOR is widened until a size holds MIN_UNITS squares with
        events in both years, never past MAX_FACTOR; the size with the most squares in its band
        is chosen."""
        if baseline not in self._found:
            self._found[baseline] = self._matched(baseline)
        return self._found[baseline]

    def _matched(self, baseline: float) -> ReferenceUnits:
        before, after = self._before, self._after
        best = ReferenceUnits(COMPARISON_SIZES_M[0], before[:0], after[:0])
        factor = MATCH_FACTOR
        while True:
            low, high = (baseline + 1.0) / factor, (baseline + 1.0) * factor
            inside = (self._base >= low) & (self._base <= high)
            for size, of_size in zip(COMPARISON_SIZES_M, self._sizes, strict=True):
                rows = inside & of_size
                if rows.sum() > best.n and before[rows].sum() > 0 and after[rows].sum() > 0:
                    best = ReferenceUnits(size, before[rows], after[rows])
            if best.enough or factor * MATCH_FACTOR > MAX_FACTOR:
                return best
            factor *= MATCH_FACTOR


def dispersion_curve(pairs: pd.DataFrame) -> DispersionCurve:
    """The dispersion curve of the untreated squares in `pairs` (each size's squares counted;
    UNKNOWN_CURVE where there are too few to fit one)."""
    before = pairs["before"].to_numpy(dtype=float)
    after = pairs["after"].to_numpy(dtype=float)
    keep = before > 0
    if keep.sum() < MIN_BIN_UNITS:
        return UNKNOWN_CURVE
    edges = np.geomspace(1.0, before[keep].max() + 1.0, CURVE_BINS + 1)
    which = np.clip(np.digitize(before, edges) - 1, 0, CURVE_BINS - 1)
    points, weights = [], []
    for index in range(CURVE_BINS):
        rows = keep & (which == index)
        if rows.sum() >= MIN_BIN_UNITS:
            phi = dispersion(before[rows], after[rows])
            if phi == phi:
                points.append((math.log1p(float(before[rows].mean())), math.log(phi)))
                weights.append(float(rows.sum()))
    if not points:
        return UNKNOWN_CURVE
    if len(points) == 1:
        return DispersionCurve(points[0][1], 0.0)
    x, y = np.array(points).T
    slope, intercept = np.polyfit(x, y, 1, w=np.sqrt(weights))
    return DispersionCurve(float(intercept), float(slope))


@dataclass(frozen=True)
class ModelReading:
    """A quasi-Poisson reading of a change against a control: ratio, interval and p."""

    ratio: float
    low: float
    high: float
    p: float
    dispersion: float


def model_ratio(
    before: float,
    after: float,
    control: tuple[float, float] | None,
    phi: float,
    level: float = 0.95,
) -> ModelReading:
    """The change after ÷ before (against the control's, if given) read with dispersion `phi`:
    the log ratio's variance is φ (1/after + 1/before), plus the control's Poisson variance
    (0.5 added to empty counts). NaN without a control with events in both years."""
    nothing = ModelReading(math.nan, math.nan, math.nan, math.nan, phi)
    if math.isnan(phi) or (control is not None and min(control) <= 0):
        return nothing
    a, b = (after + 0.5, before + 0.5) if min(before, after) == 0 else (after, before)
    log_ratio = math.log(a / b)
    variance = phi * (1.0 / a + 1.0 / b)
    if control is not None:
        log_ratio -= math.log(control[1] / control[0])
        variance += 1.0 / control[0] + 1.0 / control[1]
    sd = math.sqrt(variance)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = 2.0 * NormalDist().cdf(-abs(log_ratio) / sd)
    return ModelReading(
        math.exp(log_ratio), math.exp(log_ratio - z * sd), math.exp(log_ratio + z * sd), p, phi
    )


def simulated_log_ratios(
    baseline: float, phi: float, trend: float, draws: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(before, after) of `draws` untreated places of this baseline under the model: after is
    negative binomial about baseline × trend with variance φ × mean (Poisson where φ = 1)."""
    mean = max(baseline * trend, 0.5)
    if phi <= 1.0:
        after = rng.poisson(mean, draws)
    else:
        shape = mean / (phi - 1.0)
        after = rng.poisson(rng.gamma(shape, mean / shape, draws))
    return np.full(draws, float(baseline)), after.astype(float)
