"""Did it work, here, and can we tell? Significance, displacement and dosage per hotspot.

- The primary reading of a hotspot is control-adjusted: its rate ratio (after ÷ before) against
  the control's, with a 95% interval and p read against how untreated comparison areas of
  similar baseline change by chance (geo.analysis.comparison, stats.placebo_ratio), and a
  Benjamini–Hochberg q across hotspots. Their dispersion (how much more they vary than
  Poisson counts) is shown beside it and widens the WDD test.
- Also shown, labelled as what they are: the plain before/after change with the exact
  conditional test and exact interval (stats.rate_ratio); the change of matched untreated areas
  of similar baseline (regression to the mean); the WDD test of the hotspot and its ring.
- Hotspots with too few events to tell (stats.TOO_FEW_RULE) are marked.
- Dosage: hours per week, visits per day, minutes per visit, share of visits of 15 minutes or more.
- Trend: a class over the monthly ASB of the period and the year before (geo.analysis.trends).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from geo.analysis.chance import programme_dispersion
from geo.analysis.comparison import square_pairs
from geo.analysis.context import AFTER, BEFORE, EvaluationContext
from geo.analysis.dosage import dosage
from geo.analysis.power import detectable_fall_pct
from geo.analysis.reference import (
    MODEL,
    RANK,
    ReferenceSquares,
    dispersion_curve,
    model_ratio,
    reference_units,
)
from geo.analysis.shrinkage import shrunken
from geo.analysis.stats import (
    ALPHA,
    TOO_FEW_BEFORE,
    DispersionCurve,
    WDDResult,
    benjamini_hochberg,
    placebo_ratio,
    rate_ratios,
    scaled_wdd,
)
from geo.analysis.trends import classify_trend
from geo.counting.aggregate import CrimeCounts
from geo.counting.areas import AreaCounts
from geo.period import Period

EVALUATION_COLUMNS = [
    "asb_p", "asb_rr", "asb_rr_low", "asb_rr_high", "asb_too_few", "dispersion",
    "adjusted_ratio", "adjusted_low", "adjusted_high", "adjusted_p", "q", "matched_change_pct",
    "reference_n", "reference_method", "p_floor", "shrunk_ratio", "shrunk_low", "shrunk_high",
    "detectable_fall_pct",
    "ring_asb_before", "ring_asb_after", "ring_dispersion", "wdd_estimate", "wdd_z", "wdd_p",
    "hours_per_week", "visits_per_day", "minutes_per_visit", "share_15_min", "trend",
    "asb_monthly",
]  # fmt: skip


def evaluation_table(
    table: pd.DataFrame,
    counts: CrimeCounts,
    areas: AreaCounts,
    patrols: pd.DataFrame | None,
    context: EvaluationContext,
) -> pd.DataFrame:
    """The hotspot table (figures.hotspot_table) with significance, WDD, dosage and trend.

    Ring and control counts count the months `context` counts, as the table does; `patrols`
    None (no patrol log) leaves dosage unknown (NaN).
    """
    period = context.asb
    out = table.copy()
    ids = out["hotspot_id"]
    before, after = out["asb_before"].to_numpy(), out["asb_after"].to_numpy()
    ratios = rate_ratios(before, after)
    out["asb_p"], out["asb_rr"] = ratios["p"].to_numpy(), ratios["ratio"].to_numpy()
    out["asb_rr_low"], out["asb_rr_high"] = ratios["low"].to_numpy(), ratios["high"].to_numpy()
    out["ring_asb_before"], out["ring_asb_after"] = context.per_hotspot(
        areas.rings.hotspot, ids, "asb"
    )
    controls = context.area_pairs(areas.control.reset_index(), ids)
    pairs = square_pairs(areas.comparison, period)
    adjusted = adjusted_table(before, after, controls, pairs)
    for column in adjusted.columns:
        out[column] = adjusted[column].to_numpy()
    shrunk = shrunken(
        out["adjusted_ratio"], out["adjusted_low"], out["adjusted_high"],
        programme_centre(before, after, controls),
    )  # fmt: skip
    out["shrunk_ratio"], out["shrunk_low"], out["shrunk_high"] = (
        shrunk.ratio,
        shrunk.low,
        shrunk.high,
    )
    out["detectable_fall_pct"] = detectable_fall_pct(out["adjusted_low"], out["adjusted_high"])
    curve = dispersion_curve(pairs)
    ring_levels = {b: unit_dispersion(pairs, b, curve) for b in set(out["ring_asb_before"])}
    out["ring_dispersion"] = [ring_levels[b] for b in out["ring_asb_before"]]
    results = [
        hotspot_wdd(
            row.asb_before, row.asb_after, row.ring_asb_before, row.ring_asb_after, control,
            row.dispersion, row.ring_dispersion,
        )
        for row, control in zip(out.itertuples(index=False), controls)
    ]  # fmt: skip
    out["wdd_estimate"] = [r.estimate if r else math.nan for r in results]
    out["wdd_z"] = [r.z if r else math.nan for r in results]
    out["wdd_p"] = [r.p if r else math.nan for r in results]
    dose_columns = ("hours_per_week", "visits_per_day", "minutes_per_visit", "share_15_min")
    doses = dosage(patrols, period, list(ids)) if patrols is not None else None
    for column in dose_columns:  # no patrol log: dosage unknown (NaN), not zero
        out[column] = np.nan if doses is None else doses[column].reindex(ids).to_numpy()
    span = Period(period.before.start, period.end)
    monthly = monthly_asb_matrix(counts, ids, span)
    out["asb_monthly"] = [list(map(int, row)) for row in monthly]
    months = span.months.asi8  # the trend, as every figure, leaves out the months left out
    counted = context.mask(months, "asb", BEFORE) | context.mask(months, "asb", AFTER)
    out["trend"] = [classify_trend(row[counted]) for row in monthly]
    return out


def adjusted_table(
    before: np.ndarray,
    after: np.ndarray,
    controls: Sequence[tuple[int, int]],
    pairs: pd.DataFrame,
) -> pd.DataFrame:
    """Per area: the control-adjusted ratio with its interval and p, read against its reference
    units (distinct untreated squares of like baseline: a rank p, never below 2 / (N + 1)) or,
    where there are too few of them, the model (geo.analysis.reference); their dispersion and
    change; and the Benjamini–Hochberg q across the areas, given only where the smallest p an
    area's reading can give could reach it."""
    curve = dispersion_curve(pairs)
    squares = ReferenceSquares(pairs)
    units = {int(b): squares.units(b) for b in set(before)}
    readings, rows = [], []
    for b, a, control in zip(before, after, controls):
        reference = units[int(b)]
        if reference.enough:
            readings.append(
                placebo_ratio(b, a, control, reference.deviations(), reference.dispersion)
            )
            rows.append((reference.n, RANK, 2.0 / (reference.n + 1)))
        else:
            readings.append(model_ratio(b, a, control, curve.at(b)))
            rows.append((0, MODEL, 0.0))
    p = np.array([r.p for r in readings], dtype=float)
    floor = np.array([row[2] for row in rows], dtype=float)
    q = benjamini_hochberg(p)
    q[floor >= ALPHA] = np.nan  # no p this reading can give would pass: no q to show
    return pd.DataFrame(
        {
            "dispersion": [r.dispersion for r in readings],
            "matched_change_pct": [100.0 * (units[int(b)].ratio - 1.0) for b in before],
            "adjusted_ratio": [r.ratio for r in readings],
            "adjusted_low": [r.low for r in readings],
            "adjusted_high": [r.high for r in readings],
            "adjusted_p": p,
            "q": q,
            "reference_n": np.array([row[0] for row in rows], dtype=np.int64),
            "reference_method": [row[1] for row in rows],
            "p_floor": floor,
        }
    )


def programme_centre(
    before: np.ndarray, after: np.ndarray, controls: Sequence[tuple[int, int]]
) -> float:
    """The hotspots' control-adjusted ratio taken together: their reports after ÷ what each
    baseline would give at its control's trend (NaN without a control trend)."""
    trend = np.array([a / b if b > 0 else np.nan for b, a in controls], dtype=float)
    expected = float(np.nansum(np.asarray(before, dtype=float) * trend))
    return float(np.sum(after)) / expected if expected > 0 else math.nan


def unit_dispersion(pairs: pd.DataFrame, baseline: float, curve: DispersionCurve) -> float:
    """The dispersion of untreated places like `baseline`: of its reference units, or the
    model's where there are too few."""
    units = reference_units(pairs, baseline)
    return units.dispersion if units.enough else curve.at(baseline)


PRIMARY_LABEL = "Against the control trend"
"""The name of a hotspot's primary reading wherever it is shown."""


def primary_reading(row: Mapping[str, object]) -> str:
    """A hotspot's primary reading in words: its control-adjusted ratio, interval, p and q."""
    ratio, low, high = (float(row[k]) for k in ("adjusted_ratio", "adjusted_low", "adjusted_high"))
    p, q = float(row["adjusted_p"]), float(row["q"])
    if math.isnan(ratio):
        return (
            f"{PRIMARY_LABEL}: not known (too few untreated comparison areas, or no control "
            "events, to tell how much places vary by chance)."
        )
    if p < ALPHA:
        verdict = ("lower" if ratio < 1 else "higher") + " than the control trend, beyond chance"
    else:
        verdict = "not distinguishable from the control trend"
    text = (
        f"{PRIMARY_LABEL}: {verdict}; ratio {ratio:.2f} (95% interval {low:.2f}–{high:.2f}, "
        f"{format_p(p)}{_q_words(q)}). {_reference_words(row)}"
    )
    if bool(row.get("asb_too_few", False)):
        text += f" Too few reports to tell: under {TOO_FEW_BEFORE} last year."
    return text


def _q_words(q: float) -> str:
    """The q across the hotspots shown, or why there is none."""
    if math.isnan(q):
        return "; no q: this reading cannot give a p small enough to pass false-discovery control"
    return f", {format_p(q, 'q')} across the hotspots shown"


def _reference_words(row: Mapping[str, object]) -> str:
    """What the reading was made against: how many untreated places, or the model."""
    n = int(row.get("reference_n", 0) or 0)
    if row.get("reference_method") == RANK:
        return (
            f"Read against {n:,} untreated places of like baseline (the smallest p they can "
            f"give is {float(row['p_floor']):.3f})."
        )
    return (
        "Read by the model fitted on every untreated place (too few of like baseline to rank "
        "it against), its dispersion depending on the baseline."
    )


def format_p(p: float, name: str = "p") -> str:
    """'p = 0.012' / 'p < 0.001' (or q), never shown on the wrong side of ALPHA by rounding."""
    if p < 0.001:
        return f"{name} < 0.001"
    return f"{name} = {min(p, ALPHA - 0.001) if p < ALPHA else p:.3f}"


def with_q(table: pd.DataFrame) -> pd.DataFrame:
    """The table with `q` worked out again across the hotspots it holds (e.g. one town's)."""
    out = table.copy()
    out["q"] = benjamini_hochberg(out["adjusted_p"].to_numpy(dtype=float))
    out.loc[out["p_floor"] >= ALPHA, "q"] = np.nan
    return out


def programme_control(
    areas: AreaCounts, context: EvaluationContext, table: pd.DataFrame
) -> tuple[int, int]:
    """The control's ASB before and after for the hotspots of `table` together: over the months
    they all counted; when their starts differ, its change over each hotspot's own months,
    weighted by the hotspot's baseline (a control trend for each month a hotspot ran)."""
    pairs = context.area_pairs(areas.control.reset_index(), table["hotspot_id"])
    if len(set(pairs)) <= 1:
        return pairs[0] if pairs else context.pair(areas.control.reset_index(), "asb")
    weights = table["asb_before"].to_numpy(dtype=float) + 0.5
    before = np.array([b for b, _ in pairs], dtype=float)
    after = np.array([a for _, a in pairs], dtype=float)
    if (before <= 0).any():
        return 0, 0  # no control trend for some hotspot's months: no adjusted reading
    ratio = float((weights * after / before).sum() / weights.sum())
    base = float((weights * before).sum() / weights.sum())
    return round(base), round(base * ratio)


def hotspot_wdd(
    before: int,
    after: int,
    ring_before: int,
    ring_after: int,
    control: tuple[int, int],
    dispersion: float = 1.0,
    ring_dispersion: float = 1.0,
) -> WDDResult | None:
    """WDD of one area and its ring against one control scaled to each one's baseline.

    None when a dispersion is unknown (too few comparison areas): the test would overclaim.
    """
    if not (dispersion >= 1 and ring_dispersion >= 1):
        return None
    return scaled_wdd(
        (int(before), int(after)),
        (int(ring_before), int(ring_after)),
        control,
        dispersion,
        ring_dispersion,
    )


def programme_wdd(
    counts: CrimeCounts,
    areas: AreaCounts,
    context: EvaluationContext,
    hotspot_ids: Collection[str],
    table: pd.DataFrame | None = None,
) -> WDDResult | None:
    """WDD of the given hotspots taken together (each crime once) and their rings.

    With `table` (an evaluation_table of those hotspots) the dispersions are those of random
    sets of matched untreated squares (comparison.programme_dispersion); without, Poisson.
    """
    inside = context.programme_pair(counts, hotspot_ids, "asb")
    ring_union = context.programme_pair(areas.rings, hotspot_ids, "asb")
    phi = ring_phi = 1.0
    if table is not None:
        pairs = square_pairs(areas.comparison, context.asb)
        phi = programme_dispersion(pairs, table["asb_before"].tolist())
        ring_phi = programme_dispersion(pairs, table["ring_asb_before"].tolist())
    control = (
        programme_control(areas, context, table)
        if table is not None
        else context.pair(areas.control.reset_index(), "asb")
    )
    return hotspot_wdd(*inside, *ring_union, control, phi, ring_phi)


def monthly_asb_matrix(counts: CrimeCounts, ids: pd.Series, period: Period) -> np.ndarray:
    """ASB per hotspot (rows, in `ids` order) and month of `period` (columns)."""
    months = period.months.asi8
    frame = counts.hotspot[counts.hotspot["hotspot_id"].isin(set(ids))]
    wide = frame.pivot_table(index="hotspot_id", columns="month", values="asb", aggfunc="sum")
    return wide.reindex(index=list(ids), columns=months).fillna(0).astype(int).to_numpy()
