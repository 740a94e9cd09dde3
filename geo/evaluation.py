"""Did it work, here, and can we tell? Significance, displacement and dosage per hotspot.

- Significance: a Poisson z (2(√after − √before)) and a rate ratio with its 95% interval per
  hotspot; hotspots with too few events to tell (geo.stats.too_few) are marked.
- Displacement and control: the weighted displacement difference (WDD) test with, for each
  hotspot, a buffer ring of `ring_m` metres round it (outside every hotspot) as the displacement
  area, and as control the rest of the force outside all hotspots and rings (or control polygons
  the user supplies), scaled to the size of the area it controls for (see geo.stats.wdd).
- Dosage: hours per week, visits per day, minutes per visit, share of visits of 15 minutes or more.
- Trend: a class over the monthly ASB of the period and the year before (geo.trends).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.aggregate import CrimeCounts, count_crimes
from geo.dosage import dosage
from geo.figures import sum_in_period
from geo.hotspots import BRITISH_NATIONAL_GRID, WGS84
from geo.period import Period
from geo.stats import WDDResult, rate_ratios, wdd
from geo.trends import classify_trend

RING_M = 200
"""Default width of the displacement ring round each hotspot, in metres."""

EVALUATION_COLUMNS = [
    "asb_z", "asb_rr", "asb_rr_low", "asb_rr_high", "asb_too_few", "ring_asb_before",
    "ring_asb_after", "wdd_estimate", "wdd_z", "wdd_p", "hours_per_week", "visits_per_day",
    "minutes_per_visit", "share_15_min", "trend", "asb_monthly",
]  # fmt: skip


@dataclass(frozen=True)
class AreaCounts:
    """Crime counts of the displacement rings and of everything the evaluation covers.

    - `rings`: per ring, keyed by the hotspot_id it surrounds.
    - `covered`: hotspots and rings together, to count each crime in them once.
    - `control`: by month, located crimes in the control area (index month ordinal).
    """

    ring_m: int
    rings: CrimeCounts
    covered: CrimeCounts
    control: pd.DataFrame
    control_source: str


def rings(hotspots: gpd.GeoDataFrame, width_m: float = RING_M) -> gpd.GeoDataFrame:
    """A ring `width_m` wide round each hotspot, outside every hotspot (built in metres)."""
    metres = hotspots.to_crs(BRITISH_NATIONAL_GRID)
    shapes = metres.geometry.to_numpy()
    buffers = shapely.buffer(shapes, width_m, quad_segs=16)
    ring_idx, near_idx = shapely.STRtree(shapes).query(buffers, predicate="intersects")
    outside = [
        shapely.difference(buffer, shapely.union_all(shapes[near_idx[ring_idx == i]]))
        for i, buffer in enumerate(buffers)
    ]  # each buffer less only the hotspots it touches: fast with thousands of hotspots
    frame = gpd.GeoDataFrame(
        {"hotspot_id": metres["hotspot_id"].to_numpy(), "name": metres["name"].to_numpy()},
        geometry=outside,
        crs=BRITISH_NATIONAL_GRID,
    )
    return frame.to_crs(WGS84)


def area_counts(
    crimes: pd.DataFrame,
    hotspots: gpd.GeoDataFrame,
    ring_m: int = RING_M,
    control: gpd.GeoDataFrame | None = None,
) -> AreaCounts:
    """Count crimes in the rings, in hotspots ∪ rings, and in the control area, by month."""
    ring_frame = rings(hotspots, ring_m)
    ring_counts = count_crimes(crimes, ring_frame)
    together = pd.concat(
        [hotspots[["hotspot_id", "geometry"]], ring_frame[["hotspot_id", "geometry"]]]
    )
    together["hotspot_id"] = [f"h:{i}" for i in hotspots["hotspot_id"]] + [
        f"r:{i}" for i in ring_frame["hotspot_id"]
    ]
    covered = count_crimes(crimes, gpd.GeoDataFrame(together, geometry="geometry", crs=WGS84))
    if control is not None:
        control_counts = count_crimes(crimes, control).programme()
        source = "the control areas supplied"
    else:
        control_counts = located_by_month(crimes).sub(covered.programme(), fill_value=0)
        source = f"the rest of the force outside hotspots and their {ring_m} m rings"
    return AreaCounts(ring_m, ring_counts, covered, control_counts, source)


def located_by_month(crimes: pd.DataFrame) -> pd.DataFrame:
    """Crimes with a location, and the ASB among them, by month."""
    located = crimes[crimes["lon"].notna() & crimes["lat"].notna()]
    return located.groupby("month").agg(crime=("asb", "size"), asb=("asb", "sum"))


def evaluation_table(
    table: pd.DataFrame,
    counts: CrimeCounts,
    areas: AreaCounts,
    patrols: pd.DataFrame,
    period: Period,
) -> pd.DataFrame:
    """The hotspot table (geo.figures.hotspot_table) with significance, WDD, dosage and trend."""
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
    doses = dosage(patrols, period, list(ids))
    for column in ("hours_per_week", "visits_per_day", "minutes_per_visit", "share_15_min"):
        out[column] = doses[column].reindex(ids).to_numpy()
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
