"""Tests for changes in crime counts: Poisson z, rate ratios, small-count flags and the WDD test.

Counts of crime at a place are treated as Poisson, so a count's variance is the count itself. The
weighted displacement difference (WDD) test is that of Wheeler & Ratcliffe (2018), "A simple
weighted displacement difference test to evaluate place based crime interventions", Crime Science
7:17, as in the R package ptools (`wdd`) by Andrew Wheeler. A negative estimate means fewer crimes
than the control areas' trend predicts (a reduction); a positive one, more.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from geo.errors import HotspotDataError

TOO_FEW_TOTAL = 20
"""Before + after below this: even a halving could not be told from chance (needs about 17)."""

TOO_FEW_BEFORE = 10
"""A base below this moves the percentage change by over 10 points for every single event."""

MINUS = "\u2212"


@dataclass(frozen=True)
class RateRatio:
    """After / before with a confidence interval; all NaN when either count is 0."""

    ratio: float
    low: float
    high: float


@dataclass(frozen=True)
class Contrast:
    """One difference-in-differences (post − pre, less the control's) with its Poisson test."""

    estimate: float
    se: float
    z: float
    p: float


@dataclass(frozen=True)
class WDDResult:
    """The WDD test: the total estimate with its test, and its local and displacement parts."""

    estimate: float
    se: float
    z: float
    p: float
    local: Contrast
    displacement: Contrast | None = None

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """The normal confidence interval of the total estimate, as the paper reports it."""
        half = _critical(level) * self.se
        return self.estimate - half, self.estimate + half


def poisson_z(before: int, after: int) -> float:
    """2(√after − √before): a count change in standard units, the variance-stabilised Poisson z."""
    _check_counts(before, after)
    return 2.0 * (math.sqrt(after) - math.sqrt(before))


def two_sided_p(z: float) -> float:
    """The two-sided normal p-value of a z score."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def rate_ratio(before: int, after: int, level: float = 0.95) -> RateRatio:
    """After / before with a log-method interval (se = √(1/after + 1/before)); NaN if either is 0.

    A zero count has no finite log, so the ratio (0 or ∞) and its interval are left undefined (NaN)
    rather than reported as a certainty.
    """
    _check_counts(before, after)
    if before == 0 or after == 0:
        return RateRatio(math.nan, math.nan, math.nan)
    ratio = after / before
    half = _critical(level) * math.sqrt(1.0 / after + 1.0 / before)
    return RateRatio(ratio, ratio * math.exp(-half), ratio * math.exp(half))


def rate_ratios(
    before: Sequence[int] | np.ndarray | pd.Series,
    after: Sequence[int] | np.ndarray | pd.Series,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per row: `ratio`, `low`, `high` (as rate_ratio), Poisson `z` and the `too_few` flag."""
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.shape != a.shape or b.ndim != 1:
        raise HotspotDataError("before and after counts must be two lists of the same length")
    _check_counts(b, a)
    index = before.index if isinstance(before, pd.Series) else None
    both = (a > 0) & (b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(both, a / b, np.nan)
        half = _critical(level) * np.sqrt(1.0 / a + 1.0 / b)
    frame = {
        "ratio": ratio,
        "low": np.where(both, ratio * np.exp(-half), np.nan),
        "high": np.where(both, ratio * np.exp(half), np.nan),
        "z": 2.0 * (np.sqrt(a) - np.sqrt(b)),
        "too_few": (a + b < TOO_FEW_TOTAL) | (b < TOO_FEW_BEFORE),
    }
    return pd.DataFrame(frame, index=index)


def too_few(
    before: int,
    after: int,
    minimum: int = TOO_FEW_TOTAL,
    minimum_before: int = TOO_FEW_BEFORE,
) -> bool:
    """Whether a hotspot has too few events for its change to tell anything.

    The rule: fewer than `minimum` events before and after together, or fewer than
    `minimum_before` before. With under about 17 events in all even a halving stays within what
    chance gives (|z| < 1.96), and on a base under 10 each single event moves the percentage
    change by more than 10 points.
    """
    _check_counts(before, after)
    return before + after < minimum or before < minimum_before


def wdd(
    treated: tuple[int, int],
    control: tuple[int, int],
    displacement: tuple[int, int] | None = None,
    displacement_control: tuple[int, int] | None = None,
    control_weight: float = 1.0,
    displacement_control_weight: float = 1.0,
) -> WDDResult:
    """The WDD test of Wheeler & Ratcliffe (2018) from (pre, post) counts of each area.

    Estimate = ΔT − ΔCt + ΔD − ΔCd (Δ = post − pre), variance = the sum of all eight counts.
    Without displacement areas it is the plain difference-in-differences ΔT − ΔCt. Negative
    means fewer crimes than the control trend predicts. When every count is 0 there is nothing
    to test: z is 0 and p is 1.

    The published test compares raw counts, so it assumes control areas about the size of the
    areas they control for. A much larger control (the rest of a force) is scaled down by a
    weight w (e.g. treated pre ÷ control pre): its change counts w × Δ and its variance
    w² × (pre + post). With the default weights of 1 this is exactly the published test.
    """
    if (displacement is None) != (displacement_control is None):
        raise HotspotDataError(
            "the WDD test needs both a displacement area and its control, or neither"
        )
    local = _contrast(_pair(treated, "treated"), _pair(control, "control"), control_weight)
    if displacement is None or displacement_control is None:
        return WDDResult(local.estimate, local.se, local.z, local.p, local)
    moved = _contrast(
        _pair(displacement, "displacement"),
        _pair(displacement_control, "displacement control"),
        displacement_control_weight,
    )
    estimate = local.estimate + moved.estimate
    se = math.hypot(local.se, moved.se)
    z = _z(estimate, se)
    return WDDResult(estimate, se, z, two_sided_p(z), local, moved)


def wdd_reading(result: WDDResult, what: str = "ASB", ring_m: int = 200) -> str:
    """A plain-language reading of a WDD result, saying only what the test supports."""
    if result.displacement is None:
        return _local_sentence(result.local, what) + "."
    ring = f"the surrounding {ring_m:,} m"
    return (
        f"{_local_sentence(result.local, what)}; {_ring_sentence(result.displacement, what, ring)}."
        f" {_net_sentence(result, what, ring)}."
    )


def _local_sentence(local: Contrast, what: str) -> str:
    """What happened in the treated area against its control trend."""
    if _significant(local):
        return (
            f"{what} was {_amount(local.estimate)} than the control trend predicts ({_zp(local)})"
        )
    return (
        f"{what} was not distinguishable from the control trend "
        f"({_amount(local.estimate)}, {_zp(local)})"
    )


def _ring_sentence(moved: Contrast, what: str, ring: str) -> str:
    """Whether crime moved into the ring round the treated area, or the benefit spread there."""
    against = f"{_amount(moved.estimate)} than its control trend predicts"
    if not _significant(moved):
        return f"displacement into {ring} was not seen ({against}, {_zp(moved)})"
    if moved.estimate > 0:
        return f"in {ring} {what} was {against}, a sign of displacement ({_zp(moved)})"
    return (
        f"in {ring} {what} was {against}, a diffusion of benefit rather than displacement "
        f"({_zp(moved)})"
    )


def _net_sentence(result: WDDResult, what: str, ring: str) -> str:
    """The total over the treated area and the ring: the WDD estimate itself."""
    total = Contrast(result.estimate, result.se, result.z, result.p)
    if _significant(total):
        return (
            f"Counting {ring} too, {what} was {_amount(result.estimate)} than the control trends "
            f"predict ({_zp(total)})"
        )
    return (
        f"Counting {ring} too, {what} was not distinguishable from the control trends "
        f"({_amount(result.estimate)}, {_zp(total)})"
    )


def _amount(estimate: float) -> str:
    """'97 lower' / '12 higher' / 'no different' for an estimate of a count difference."""
    rounded = round(estimate)
    if rounded == 0:
        return "no different"
    return f"{abs(rounded):,} {'lower' if rounded < 0 else 'higher'}"


def _zp(contrast: Contrast) -> str:
    """'z = −3.1, p = 0.002': a true minus sign, and p never shown on the wrong side of 0.05."""
    z = f"{contrast.z:.1f}".replace("-", MINUS)
    if z == f"{MINUS}0.0":
        z = "0.0"
    if contrast.p < 0.001:
        return f"z = {z}, p < 0.001"
    shown = min(contrast.p, 0.049) if _significant(contrast) else contrast.p
    return f"z = {z}, p = {shown:.3f}"


def _significant(contrast: Contrast) -> bool:
    return contrast.p < 0.05


def _contrast(area: tuple[int, int], control: tuple[int, int], weight: float = 1.0) -> Contrast:
    """(post − pre) of `area` less `weight` × that of `control`; Poisson variance of the counts."""
    if not weight >= 0:
        raise HotspotDataError(f"a control weight must be 0 or more, not {weight}")
    estimate = float((area[1] - area[0]) - weight * (control[1] - control[0]))
    se = math.sqrt(sum(area) + weight**2 * sum(control))
    z = _z(estimate, se)
    return Contrast(estimate, se, z, two_sided_p(z))


def _z(estimate: float, se: float) -> float:
    """estimate / se, and 0 when se is 0 (every count 0, so the estimate is 0 too)."""
    return estimate / se if se > 0 else 0.0


def _pair(counts: tuple[int, int], name: str) -> tuple[int, int]:
    """A (pre, post) pair of counts, checked."""
    if len(counts) != 2:
        raise HotspotDataError(f"the {name} counts must be a (pre, post) pair, not {counts!r}")
    pre, post = counts
    _check_counts(pre, post)
    return pre, post


def _check_counts(*counts: float | np.ndarray) -> None:
    """Refuse negative or missing counts, which no Poisson test can take."""
    for count in counts:
        values = np.asarray(count, dtype=float)
        if np.isnan(values).any() or (values < 0).any():
            raise HotspotDataError("crime counts must be whole numbers of 0 or more")


def _critical(level: float) -> float:
    """The two-sided normal critical value for a confidence `level` between 0 and 1."""
    if not 0 < level < 1:
        raise HotspotDataError(f"a confidence level must be between 0 and 1, not {level}")
    return NormalDist().inv_cdf(0.5 + level / 2)
