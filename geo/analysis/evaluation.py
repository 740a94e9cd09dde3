"""Did it work, here, and can we tell? Significance, displacement and dosage per hotspot.

- Significance: a Poisson z (2(√after − √before)) and a rate ratio with its 95% interval per
  hotspot; hotspots with too few events to tell (geo.analysis.stats.too_few) are marked.
- Displacement and control: the weighted displacement difference (WDD) test against the rings
  and control area counted once at load (geo.analysis.areas), the control scaled to the size of
  the area it controls for (see geo.analysis.stats.wdd).
- Dosage: hours per week, visits per day, minutes per visit, share of visits of 15 minutes or more.
- Trend: a class over the monthly ASB of the period and the year before (geo.analysis.trends).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from geo.analysis.aggregate import CrimeCounts
from geo.analysis.areas import AreaCounts
from geo.analysis.dosage import dosage
from geo.analysis.figures import sum_in_period
from geo.analysis.stats import WDDResult, rate_ratios, wdd
from geo.analysis.trends import classify_trend
from geo.period import Period

EVALUATION_COLUMNS = [
    "asb_z", "asb_rr", "asb_rr_low", "asb_rr_high", "asb_too_few", "ring_asb_before",
    "ring_asb_after", "wdd_estimate", "wdd_z", "wdd_p", "hours_per_week", "visits_per_day",
    "minutes_per_visit", "share_15_min", "trend", "asb_monthly",
]  # fmt: skip


def evaluation_table(
    table: pd.DataFrame,
    counts: CrimeCounts,
    areas: AreaCounts,
    patrols: pd.DataFrame | None,
    period: Period,
) -> pd.DataFrame:
    """The hotspot table (figures.hotspot_table) with significance, WDD, dosage and trend.

    `period` may leave months out (Period.skipped): ring and control counts then leave out the
    same months as the table; `patrols` None (no patrol log) leaves dosage unknown (NaN).
    """
    out = table.copy()
    ids = out["hotspot_id"]
    ratios = rate_ratios(out["asb_before"].to_numpy(), out["asb_after"].to_numpy())
    out["asb_z"] = ratios["z"].to_numpy()
    out["asb_rr"], out["asb_rr_low"] = ratios["ratio"].to_numpy(), ratios["low"].to_numpy()
    out["asb_rr_high"], out["asb_too_few"] = ratios["high"].to_numpy(), ratios["too_few"].to_numpy()
    ring_after = sum_in_period(areas.rings.hotspot, period, by="hotspot_id")["asb"]
    ring_before = sum_in_period(areas.rings.hotspot, period.before, by="hotspot_id")["asb"]
    out["ring_asb_before"] = ring_before.reindex(ids).fillna(0).astype(np.int64).to_numpy()
    out["ring_asb_after"] = ring_after.reindex(ids).fillna(0).astype(np.int64).to_numpy()
    control = control_pair(areas, period)
    results = [
        hotspot_wdd(row.asb_before, row.asb_after, row.ring_asb_before, row.ring_asb_after, control)
        for row in out.itertuples(index=False)
    ]
    out["wdd_estimate"] = [r.estimate for r in results]
    out["wdd_z"] = [r.z for r in results]
    out["wdd_p"] = [r.p for r in results]
    dose_columns = ("hours_per_week", "visits_per_day", "minutes_per_visit", "share_15_min")
    doses = dosage(patrols, period, list(ids)) if patrols is not None else None
    for column in dose_columns:  # no patrol log: dosage unknown (NaN), not zero
        out[column] = np.nan if doses is None else doses[column].reindex(ids).to_numpy()
    monthly = monthly_asb_matrix(counts, ids, Period(period.before.start, period.end))
    out["asb_monthly"] = [list(map(int, row)) for row in monthly]
    out["trend"] = [classify_trend(row) for row in monthly]
    return out


def control_pair(areas: AreaCounts, period: Period) -> tuple[int, int]:
    """ASB in the control area before and after."""
    control = areas.control.reset_index()
    return int(sum_in_period(control, period.before)["asb"]), int(
        sum_in_period(control, period)["asb"]
    )


def hotspot_wdd(
    before: int, after: int, ring_before: int, ring_after: int, control: tuple[int, int]
) -> WDDResult:
    """WDD of one area and its ring against a control scaled to each one's baseline."""
    control_before = control[0]
    weight = before / control_before if control_before else 0.0
    ring_weight = ring_before / control_before if control_before else 0.0
    return wdd(
        treated=(int(before), int(after)),
        control=control,
        displacement=(int(ring_before), int(ring_after)),
        displacement_control=control,
        control_weight=weight,
        displacement_control_weight=ring_weight,
    )


def programme_wdd(
    counts: CrimeCounts, areas: AreaCounts, period: Period, hotspot_ids: Collection[str]
) -> WDDResult:
    """WDD of the given hotspots taken together (each crime once) and their rings."""
    inside = counts.programme(hotspot_ids).reset_index()
    ring_union = areas.rings.programme(hotspot_ids).reset_index()
    return hotspot_wdd(
        int(sum_in_period(inside, period.before)["asb"]),
        int(sum_in_period(inside, period)["asb"]),
        int(sum_in_period(ring_union, period.before)["asb"]),
        int(sum_in_period(ring_union, period)["asb"]),
        control_pair(areas, period),
    )


def monthly_asb_matrix(counts: CrimeCounts, ids: pd.Series, period: Period) -> np.ndarray:
    """ASB per hotspot (rows, in `ids` order) and month of `period` (columns)."""
    months = period.months.asi8
    frame = counts.hotspot[counts.hotspot["hotspot_id"].isin(set(ids))]
    wide = frame.pivot_table(index="hotspot_id", columns="month", values="asb", aggfunc="sum")
    return wide.reindex(index=list(ids), columns=months).fillna(0).astype(int).to_numpy()
