"""The programme's evaluation for a period: its pooled change and what chance alone gives.

Headlines that average per-hotspot changes or pick the largest fall make noise look like
success: hotspots are chosen for high counts and fall anyway (regression to the mean), and among
many hotspots some fall far by chance. So beside the mean and the largest fall this gives:

- the pooled change of all hotspots together (each crime once) with a 95% interval, and the
  control-adjusted ratio of the pooled counts with its interval and p: both read against how
  the pooled change of random sets of untreated comparison areas, one of similar baseline for
  each hotspot, moves by chance (comparison.chance_spread; stats.placebo_ratio), with the
  dispersion that spread amounts to shown;
- the change of untreated areas with a baseline like the hotspots' (the matched comparison);
- how many hotspots are beyond chance, how many chance alone would give, and how many stay
  after Benjamini–Hochberg false-discovery control;
- the largest fall chance alone gives among as many comparable untreated areas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.analysis.chance import chance_largest_fall, chance_spread, programme_dispersion
from geo.analysis.comparison import square_pairs
from geo.analysis.context import EvaluationContext
from geo.analysis.evaluation import format_p, programme_control
from geo.analysis.figures import change_pct
from geo.analysis.model_check import MODEL_GRID_M, model_check
from geo.analysis.power import detectable_fall_pct
from geo.analysis.stats import ALPHA, placebo_ratio
from geo.counting.aggregate import CrimeCounts
from geo.counting.areas import AreaCounts
from geo.words import count_text, plural, signed_percent


@dataclass(frozen=True)
class ProgrammeEvaluation:
    """The programme's change with intervals, its control-adjusted ratio, and chance's share."""

    hotspots: int
    asb_before: int
    asb_after: int
    pooled_change_pct: float
    pooled_low_pct: float
    pooled_high_pct: float
    adjusted_ratio: float
    adjusted_low: float
    adjusted_high: float
    adjusted_p: float
    dispersion: float
    matched_change_pct: float
    mean_change_pct: float
    mean_over: int
    left_out: int
    largest_fall_pct: float
    largest_fall_where: str
    chance_largest_fall_pct: float
    tested: int
    beyond_chance: int
    expected_by_chance: float
    beyond_after_fdr: int
    control_source: str
    detectable_fall_pct: float = math.nan
    model_ratio: float = math.nan
    model_low: float = math.nan
    model_high: float = math.nan
    model_p: float = math.nan

    @property
    def reading(self) -> str:
        """The programme's result in plain words, saying only what the numbers support."""
        return " ".join(_reading_parts(self))


def programme_evaluation(
    table: pd.DataFrame, counts: CrimeCounts, areas: AreaCounts, context: EvaluationContext
) -> ProgrammeEvaluation:
    """The programme figures of the hotspots in `table` (an evaluation_table), counted as
    `context` says."""
    ids = list(table["hotspot_id"])
    before, after = context.programme_pair(counts, ids, "asb")
    pairs = square_pairs(areas.comparison, context.asb)
    baselines = table["asb_before"].tolist()
    phi = programme_dispersion(pairs, baselines)
    spread = chance_spread(pairs, baselines)
    pooled = placebo_ratio(before, after, None, spread, phi)
    adjusted = placebo_ratio(before, after, programme_control(areas, context, table), spread, phi)
    check = model_check(table["asb_before"].to_numpy(), table["asb_after"].to_numpy(), pairs)
    told = table[~table["asb_too_few"].astype(bool)]
    changes = told["asb_change_pct"].dropna()
    falls = changes[changes < 0]
    p = table["adjusted_p"].to_numpy(dtype=float)
    tested = int((~np.isnan(p)).sum())
    return ProgrammeEvaluation(
        hotspots=len(table),
        asb_before=before,
        asb_after=after,
        pooled_change_pct=float(change_pct(before, after)),
        pooled_low_pct=_pct(pooled.low),
        pooled_high_pct=_pct(pooled.high),
        adjusted_ratio=adjusted.ratio,
        adjusted_low=adjusted.low,
        adjusted_high=adjusted.high,
        adjusted_p=adjusted.p,
        dispersion=phi,
        matched_change_pct=_matched_change(table),
        mean_change_pct=float(changes.mean()) if len(changes) else math.nan,
        mean_over=len(changes),
        left_out=len(table) - len(told),
        largest_fall_pct=float(falls.min()) if len(falls) else math.nan,
        largest_fall_where=str(told.loc[falls.idxmin(), "name"]) if len(falls) else "",
        chance_largest_fall_pct=chance_largest_fall(pairs, told["asb_before"].tolist()),
        tested=tested,
        beyond_chance=int((p[~np.isnan(p)] < ALPHA).sum()),
        expected_by_chance=ALPHA * tested,
        beyond_after_fdr=int((table["q"].to_numpy(dtype=float) < ALPHA).sum()),
        control_source=areas.control_source,
        detectable_fall_pct=detectable_fall_pct(adjusted.low, adjusted.high),
        model_ratio=check.ratio,
        model_low=check.low,
        model_high=check.high,
        model_p=check.p,
    )


def _pct(ratio: float) -> float:
    """A rate ratio as a % change (NaN stays NaN)."""
    return 100.0 * (ratio - 1.0) if ratio == ratio else math.nan


def _matched_change(table: pd.DataFrame) -> float:
    """% change untreated areas of the hotspots' baselines would show: Σ bᵢ rᵢ ÷ Σ bᵢ − 1."""
    before = table["asb_before"].to_numpy(dtype=float)
    ratio = 1.0 + table["matched_change_pct"].to_numpy(dtype=float) / 100.0
    if before.sum() == 0 or np.isnan(ratio).any():
        return math.nan
    return float(100.0 * ((before * ratio).sum() / before.sum() - 1.0))


def _reading_parts(e: ProgrammeEvaluation) -> list[str]:
    """The sentences of the programme's reading, in the order a manager needs them."""
    if e.asb_before == 0 and e.asb_after == 0:
        return [
            f"No ASB was recorded in the {count_text(e.hotspots, 'hotspot')} in either year: no "
            "change to read."
        ]
    interval = (
        f"; 95% interval {signed_percent(e.pooled_low_pct)} to {signed_percent(e.pooled_high_pct)}"
        if e.pooled_low_pct == e.pooled_low_pct
        else ""
    )
    parts = [
        f"ASB in the {count_text(e.hotspots, 'hotspot')} went from {e.asb_before:,} to "
        f"{e.asb_after:,} "
        f"({signed_percent(e.pooled_change_pct)}{interval})."
    ]
    if e.adjusted_ratio == e.adjusted_ratio:
        verdict = (
            "not distinguishable from the control trend"
            if e.adjusted_p >= ALPHA
            else ("lower" if e.adjusted_ratio < 1 else "higher")
            + " than the control trend predicts, beyond chance"
        )
        parts.append(
            f"Against {e.control_source}, it was {verdict}: ratio {e.adjusted_ratio:.2f} "
            f"(95% interval {e.adjusted_low:.2f}–{e.adjusted_high:.2f}, {format_p(e.adjusted_p)}; "
            f"intervals from how random sets of untreated areas like these vary: "
            f"{e.dispersion:.1f} times what counting noise alone gives)."
        )
    else:
        parts.append(
            "There are too few untreated comparison areas to tell how much places vary by "
            "chance, so no control-adjusted reading is given."
        )
    if e.detectable_fall_pct == e.detectable_fall_pct:
        parts.append(
            f"At these counts this programme could detect falls of "
            f"{e.detectable_fall_pct:.0f}% or more against the control trend (80% of the time)."
        )
    if e.model_ratio == e.model_ratio:
        parts.append(
            f"A model cross-check (Poisson difference-in-differences against untreated "
            f"{MODEL_GRID_M} m squares, a fixed effect per place, robust errors) gives ratio "
            f"{e.model_ratio:.2f} (95% interval {e.model_low:.2f}–{e.model_high:.2f}, "
            f"{format_p(e.model_p)})."
        )
    if e.matched_change_pct == e.matched_change_pct:
        parts.append(
            f"Untreated areas with as much ASB last year changed by "
            f"{signed_percent(e.matched_change_pct)} with no programme: what the general trend and "
            "regression to the mean (places picked for high counts tend to fall anyway) give "
            "alone."
        )
    if e.tested:
        parts.append(
            f"{e.beyond_chance} of {count_text(e.tested, 'hotspot')} changed beyond chance "
            f"against the control (p < {ALPHA:g}); chance alone would give about "
            f"{e.expected_by_chance:.1f}; {e.beyond_after_fdr} "
            f"{plural(e.beyond_after_fdr, 'remains', 'remain')} after false-discovery control "
            f"(q < {ALPHA:g})."
        )
    if e.largest_fall_where:
        parts.append(
            f"The largest fall, {signed_percent(e.largest_fall_pct)} at {e.largest_fall_where}, "
            f"compares with {signed_percent(e.chance_largest_fall_pct)} that chance alone "
            "typically gives as the largest fall among "
            f"{count_text(e.mean_over, 'comparable untreated area')}."
        )
    if e.left_out:
        parts.append(
            f"{count_text(e.left_out, 'hotspot')} with too few reports to tell "
            f"{plural(e.left_out, 'is', 'are')} left out of the mean and the largest fall."
        )
    return parts
