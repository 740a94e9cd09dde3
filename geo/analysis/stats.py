"""Tests for changes in crime counts: the exact test, rate ratios, small-count flags, WDD.

Counts of crime at a place are treated as Poisson, so a count's variance is the count itself,
times a dispersion where places vary more than that (estimated from untreated areas, see
geo.analysis.comparison). Too few to tell (TOO_FEW_RULE) is worked out from that dispersion as
measured on a whole force. The change of one area is read with the exact conditional test of
equal rates and its exact interval, as R's `poisson.test`; against a control trend with the log
of the ratio of rate ratios, read against how untreated areas of similar baseline move by chance
(placebo_ratio). The weighted displacement difference (WDD) test is that of
Wheeler & Ratcliffe (2018), "A simple weighted displacement difference test to evaluate place
based crime interventions", Crime Science 7:17, as in the R package ptools (`wdd`) by Andrew
Wheeler. A negative estimate means fewer crimes
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
from geo.words import MINUS

ALPHA = 0.05
"""A result is called beyond chance when its two-sided p-value is below this."""

DETECTABLE_RATIO = 0.5
"""The change a hotspot's baseline must be able to show: a halving (after = half of before)."""

POWER = 0.8
"""The share of cases in which a fall of the detectable size is found beyond chance."""
DETECTABLE_Z = NormalDist().inv_cdf(1 - ALPHA / 2) + NormalDist().inv_cdf(POWER)
"""How many standard errors a log ratio must lie from 0 to be found beyond chance in POWER of
cases (two-sided, at ALPHA)."""


@dataclass(frozen=True)
class RateRatio:
    """After / before with its exact interval and the exact conditional test's two-sided p."""

    ratio: float
    low: float
    high: float
    p: float = math.nan


@dataclass(frozen=True)
class AdjustedRatio:
    """A rate ratio (after ÷ before), relative to a control's when there is one, with the
    interval and p of placebo_ratio and the dispersion of the areas it was read against."""

    ratio: float
    low: float
    high: float
    p: float
    dispersion: float


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


@dataclass(frozen=True)
class DispersionCurve:
    """How much more than Poisson untreated places vary, by baseline: log φ = a + b log(base + 1),
    fitted on bins of every untreated square (geo.analysis.reference.dispersion_curve; φ never
    below 1; NaN, unknown, when there were too few squares to fit it: no reading is then better
    than an over-sure one)."""

    intercept: float
    slope: float

    def at(self, baseline: float | np.ndarray) -> float | np.ndarray:
        """The dispersion of places with this baseline."""
        value = np.fmax(1.0, np.exp(self.intercept + self.slope * np.log1p(baseline)))
        value = np.where(np.isnan(self.intercept), np.nan, value)
        return float(value) if np.ndim(value) == 0 else value


UNKNOWN_CURVE = DispersionCurve(math.nan, math.nan)


def two_sided_p(z: float) -> float:
    """The two-sided normal p-value of a z score."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def exact_p(before: int, after: int) -> float:
    """Two-sided p of the exact conditional test of equal rates (R: poisson.test(c(after, before))).

    Given n = before + after events, `after` is binomial(n, ½) when nothing changed; the p-value
    sums the outcomes no more likely than the one seen (for p = ½: twice the smaller tail).
    """
    _check_counts(before, after)
    return float(exact_ps(np.array([before]), np.array([after]))[0])


def exact_ps(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """exact_p for arrays of counts (1 where both are 0: nothing to test).

    The binomial tails are regularised incomplete beta functions: exact, and quick for large
    counts. (scipy.special is imported here, not with the module: `geo summary` needs only the
    threshold, computed without it, and the import costs 0.1 s of its start-up.)
    """
    from scipy.special import betainc  # scipy.stats alone would add 0.5 s of import

    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    n = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(b > 0, betainc(np.maximum(b, 1e-300), a + 1, 0.5), 1.0)
        upper = np.where(a > 0, betainc(np.maximum(a, 1e-300), b + 1, 0.5), 1.0)
    return np.where(n > 0, np.minimum(1.0, 2.0 * np.minimum(lower, upper)), 1.0)


def rate_ratio(before: float, after: float, level: float = 0.95) -> RateRatio:
    """After / before with the exact interval (R's poisson.test) and the exact test's p.

    The interval is Clopper–Pearson's for the share after/(before + after), turned into a
    ratio. A zero before leaves the ratio and its upper end undefined (NaN), never infinite.
    """
    _check_counts(before, after)
    frame = rate_ratios(np.array([before]), np.array([after]), level)
    row = frame.iloc[0]
    return RateRatio(float(row["ratio"]), float(row["low"]), float(row["high"]), float(row["p"]))


def rate_ratios(
    before: Sequence[float] | np.ndarray | pd.Series,
    after: Sequence[float] | np.ndarray | pd.Series,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per row: `ratio`, exact `low` and `high`, the exact test's `p` and the `too_few` flag."""
    from scipy.special import betaincinv

    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.shape != a.shape or b.ndim != 1:
        raise HotspotDataError("before and after counts must be two lists of the same length")
    _check_counts(b, a)
    _critical(level)
    alpha = 1.0 - level
    index = before.index if isinstance(before, pd.Series) else None
    n = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        share_low = np.where(a > 0, betaincinv(a, b + 1, alpha / 2), 0.0)
        share_high = np.where(b > 0, betaincinv(a + 1, b, 1 - alpha / 2), 1.0)
        frame = {
            "ratio": np.where(b > 0, a / b, np.nan),
            "low": np.where(n > 0, share_low / (1 - share_low), np.nan),
            "high": np.where(b > 0, share_high / (1 - share_high), np.nan),
            "p": exact_ps(b, a),
            "too_few": too_few_flags(b),
        }
    return pd.DataFrame(frame, index=index)


MEASURED_DISPERSION = DispersionCurve(intercept=-0.265, slope=0.334)
"""How much more than Poisson counts untreated places vary, by baseline, as measured on a whole
force: the dispersion curve (geo.analysis.reference.dispersion_curve) of every comparison square
of Derbyshire's police.uk ASB, 2024 against 2023 with the flagged months left out (measured again
by tools.calibration). The too-few rule is computed from it once, so that it is the same for
every dataset, period and town."""


def chance_sd(
    before: float | np.ndarray, curve: DispersionCurve = MEASURED_DISPERSION
) -> float | np.ndarray:
    """How far (standard deviation of the log ratio) places of this baseline move by chance
    alone: both years' counts vary, each by its Poisson variance times the dispersion."""
    with np.errstate(divide="ignore"):
        spread = np.sqrt(curve.at(before) * 2.0 / np.asarray(before, dtype=float))
    return float(spread) if np.ndim(spread) == 0 else spread


def can_tell(
    before: float | np.ndarray,
    ratio: float = DETECTABLE_RATIO,
    curve: DispersionCurve = MEASURED_DISPERSION,
) -> bool | np.ndarray:
    """Whether a change by `ratio` is found beyond chance (p < ALPHA) in POWER of cases at this
    baseline: its log lies DETECTABLE_Z chance spreads from no change or further, so the fall
    the primary reading could detect (geo.analysis.power) is `ratio` or less."""
    told = DETECTABLE_Z * chance_sd(before, curve) <= abs(math.log(ratio))
    return bool(told) if np.ndim(told) == 0 else told


def smallest_telling_baseline(
    ratio: float = DETECTABLE_RATIO, curve: DispersionCurve = MEASURED_DISPERSION
) -> int:
    """The smallest baseline from which a change by `ratio` can be told (can_tell) at every
    baseline up to ten times it: a threshold that holds over the whole range above it, not at
    one lucky value."""
    most = 5_000  # a threshold of more reports than this would leave nothing to tell
    baselines = np.arange(1, 10 * most + 1)
    untold = baselines[~np.asarray(can_tell(baselines, ratio, curve), dtype=bool)]
    starts = baselines[:most]
    next_untold = np.append(untold, np.iinfo(np.int64).max)[np.searchsorted(untold, starts)]
    holding = starts[next_untold > 10 * starts]
    if not len(holding):
        raise HotspotDataError(f"no baseline can show a change by {ratio} beyond chance")
    return int(holding[0])


TOO_FEW_BEFORE = smallest_telling_baseline()
"""Below this many ASB reports last year, even a halving is found beyond chance less than POWER of
the time: places with so few reports vary too much by chance (MEASURED_DISPERSION)."""

TOO_FEW_DISPERSION = MEASURED_DISPERSION.at(TOO_FEW_BEFORE)
"""How much more than counting noise places with TOO_FEW_BEFORE reports vary."""

TOO_FEW_REASON = (
    f"places with so few reports vary so much by chance (at {TOO_FEW_BEFORE} reports, "
    f"{TOO_FEW_DISPERSION:.1f} times as much as counting alone, as measured on untreated places "
    "across a whole force) that even a halving would be found beyond chance "
    f"(p < {ALPHA:g}) less than {POWER:.0%} of the time"
)
"""Why a baseline under TOO_FEW_BEFORE cannot tell, in words."""

TOO_FEW_RULE = (
    f"fewer than {TOO_FEW_BEFORE} ASB reports in the baseline year: {TOO_FEW_REASON}. The flag "
    "depends on the baseline only, so leaving these hotspots out of an average does not pick by "
    "outcome."
)
"""The "too few to tell" rule in words, generated from the constants it uses."""


def too_few(before: int, after: int | None = None) -> bool:
    """Whether a hotspot's baseline is too small for a change to tell anything (TOO_FEW_RULE).

    `after` is accepted so that callers may pass both counts, and never used: the flag must
    not depend on the outcome it qualifies.
    """
    _check_counts(before, 0 if after is None else after)
    return before < TOO_FEW_BEFORE


def too_few_flags(before: np.ndarray | pd.Series) -> np.ndarray:
    """too_few for an array of baselines."""
    values = np.asarray(before, dtype=float)
    _check_counts(values)
    return values < TOO_FEW_BEFORE


def placebo_ratio(
    before: float,
    after: float,
    control: tuple[float, float] | None,
    spread: np.ndarray,
    dispersion: float = math.nan,
    level: float = 0.95,
) -> AdjustedRatio:
    """A pooled rate ratio (against a control's, if given) read against what chance gives.

    `spread` is how the log ratio of comparable untreated areas moves about its centre by
    chance alone (comparison.chance_spread); the control's own Poisson noise is added to it.
    The interval is the log ratio less the spread's quantiles, and p twice the share of the
    spread beyond the log ratio on its nearer side (a randomisation test, so heavy tails count in
    full): p < 1 − level when the interval leaves out a ratio of 1 (to within one draw).
    All NaN without a spread or a control with events in both years.
    """
    _check_counts(before, after, *(control or ()))
    _critical(level)
    alpha = 1.0 - level
    nothing = AdjustedRatio(math.nan, math.nan, math.nan, math.nan, dispersion)
    if len(spread) == 0 or (control is not None and min(control) <= 0):
        return nothing
    if before == 0 or after == 0:
        before, after = before + 0.5, after + 0.5
    log_ratio = math.log(after / before)
    noise = np.asarray(spread, dtype=float)
    if control is not None:
        log_ratio -= math.log(control[1] / control[0])
        control_se = math.sqrt(1 / control[0] + 1 / control[1])
        noise = noise + np.random.default_rng(0).normal(0.0, control_se, len(noise))
    low, high = np.quantile(noise, [alpha / 2, 1 - alpha / 2])
    tail = min(int((noise <= log_ratio).sum()), int((noise >= log_ratio).sum()))
    p = 2.0 * (1 + tail) / (1 + len(noise))
    return AdjustedRatio(
        math.exp(log_ratio),
        math.exp(log_ratio - high),
        math.exp(log_ratio - low),
        min(1.0, p),
        dispersion,
    )


def benjamini_hochberg(p: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg (1995) q-values of a set of p-values; NaN p stay NaN, not counted."""
    values = np.asarray(p, dtype=float)
    q = np.full(values.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(values))
    if len(tested) == 0:
        return q
    order = tested[np.argsort(values[tested], kind="stable")]
    ranked = values[order] * len(tested) / np.arange(1, len(tested) + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return q


def mann_kendall(series: Sequence[float]) -> tuple[float, float]:
    """Mann–Kendall trend test of a series: (S, two-sided p), variance corrected for ties.

    S counts later-minus-earlier pairs that rise less those that fall; z uses a continuity
    correction of 1 (Kendall 1975; Hipel & McLeod 1994).
    """
    x = np.asarray(series, dtype=float)
    n = len(x)
    signs = np.sign(x[None, :] - x[:, None])
    s = float(np.triu(signs, 1).sum())
    _, ties = np.unique(x, return_counts=True)
    variance = (n * (n - 1) * (2 * n + 5) - (ties * (ties - 1) * (2 * ties + 5)).sum()) / 18
    if variance <= 0 or s == 0:
        return s, 1.0
    z = (s - math.copysign(1.0, s)) / math.sqrt(variance)
    return s, two_sided_p(z)


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


def scaled_wdd(
    treated: tuple[int, int],
    ring: tuple[int, int],
    control: tuple[int, int],
    dispersion: float = 1.0,
    ring_dispersion: float = 1.0,
) -> WDDResult:
    """The WDD with one large control scaled to each area's baseline, its variance by the delta
    method.

    Each area's change is compared with w × the control's, w = area before ÷ control before.
    Since w holds the area's own count and one control serves both the hotspot and its ring,
    the variance comes from the delta method of the whole estimate a − b·C1/C0 (summed over
    the two areas), the areas' Poisson variances multiplied by their dispersion. Without a
    control baseline the areas' own changes are tested alone.
    """
    parts = [(*_pair(treated, "treated"), dispersion), (*_pair(ring, "ring"), ring_dispersion)]
    control_before, control_after = _pair(control, "control")
    if not min(dispersion, ring_dispersion) >= 1:
        raise HotspotDataError("a dispersion is 1 (Poisson) or more")
    local = _scaled_contrast(parts[:1], control_before, control_after)
    moved = _scaled_contrast(parts[1:], control_before, control_after)
    total = _scaled_contrast(parts, control_before, control_after)
    return WDDResult(total.estimate, total.se, total.z, total.p, local, moved)


def _scaled_contrast(
    parts: list[tuple[int, int, float]], control_before: int, control_after: int
) -> Contrast:
    """Σ (after − before × C1/C0) over areas, with its delta-method standard error."""
    trend = control_after / control_before if control_before else 1.0
    estimate = float(sum(after - before * trend for before, after, _ in parts))
    variance = sum(phi * (after + before * trend**2) for before, after, phi in parts)
    if control_before:
        base = sum(before for before, _, _ in parts)
        variance += base**2 * control_after / control_before**2 * (1 + trend)
    se = math.sqrt(variance)
    z = _z(estimate, se)
    return Contrast(estimate, se, z, two_sided_p(z))


def wdd_reading(result: WDDResult, ring_m: int, what: str = "ASB") -> str:
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
