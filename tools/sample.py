"""Deterministic sample dataset: real Derbyshire places, invented crimes and patrols.

`write_sample` writes a dataset folder (the layout the README describes) whose programme figures
for 2025-10:2026-09 against the year before are fixed by construction, so that the app has
something true to show: 9,250 officer hours, 111 arrests, 30,500 people spoken to, ASB down 25%
on average across hotspots (largest reduction 45%), all crime down 12% in the hotspots against
2% forcewide. Counts are chosen per hotspot first, then rows are placed on anonymous snap points,
as police.uk does. Only a seeded numpy Generator is used, so a seed always gives the same bytes.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from pyproj import Transformer
from shapely import affinity

from geo.io.crimes import ASB
from tools.places import HOTSPOTS, OUTLINE, STREETS, TOWNS
from tools.police_uk import CRIME_TYPE_SHARES, crime_ids, last_outcomes, write_street_file

DEFAULT_SEED = 20240601
MONTHS = pd.period_range("2024-10", periods=24, freq="M")
FORCE = "Derbyshire Constabulary"

TARGET_OFFICER_MINUTES = 9_250 * 60
TARGET_ARRESTS = 111
TARGET_ENGAGEMENTS = 30_500
TARGET_MEAN_ASB_CHANGE = -25.0
LARGEST_REDUCTION_TWENTIETHS = 11  # the hotspot given most patrols keeps 11/20 of its ASB: -45%
HOTSPOT_CRIME_RATIO = 0.88
FORCE_CRIME_RATIO = 0.98
FORCE_YEAR_ROWS = 31_400  # rows in the "before" year: about 2,600 a month, under 15 MB in all

BACKGROUND_TYPES = CRIME_TYPE_SHARES  # the force's rows outside hotspots, ASB included
HOTSPOT_TYPES = {  # kind of place -> weights in BACKGROUND_TYPES order, ASB left out (zero)
    "centre": (0, 1.5, 1.5, 7, 6, 9, 1.5, 13, 1.5, 20, 3, 2.5, 30, 2.5),
    "estate": (0, 1, 7, 13, 6, 7, 1, 10, 1, 4, 1, 7, 38, 3),
}
WEEKDAY_WEIGHTS = np.array([0.8, 0.8, 0.9, 1.0, 1.6, 1.9, 1.3])  # Monday first
HOUR_WEIGHTS = np.array([0.3, 0.3, 0.4, 0.5, 0.6, 0.6, 0.7, 0.9, 1.3, 1.8, 2.0, 2.0, 1.8, 1.4])
FIRST_HOUR = 8  # visits start 08:00-21:45, so none crosses midnight or a clock change
# EPSG:4326 to EPSG:27700 by the Helmert "OSGB36 to WGS 84 (6)" (EPSG:1314), written out so that
# the bytes written do not depend on whether a machine has PROJ's OSTN15 grid.
BNG_PIPELINE = (
    "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=push +v_3 "
    "+step +proj=cart +ellps=WGS84 +step +inv +proj=helmert +x=446.448 +y=-125.157 +z=542.06 "
    "+rx=0.15 +ry=0.247 +rz=0.842 +s=-20.489 +convention=position_vector "
    "+step +inv +proj=cart +ellps=airy +step +proj=pop +v_3 "
    "+step +proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy"
)


@dataclass(frozen=True)
class Plan:
    """Counts chosen before any row is placed: per hotspot, and the rest of the force."""

    hotspots: pd.DataFrame  # asb_before, asb_after, other_before, other_after, dose
    background_before: int
    background_after: int


def sample_period() -> tuple[str, str]:
    """The months the sample is calibrated for (the latest 12 of its 24), as `YYYY-MM`."""
    return str(MONTHS[12]), str(MONTHS[-1])


def write_sample(out: Path, seed: int = DEFAULT_SEED) -> None:
    """Write the sample dataset folder at `out` (same bytes for a seed), replacing it atomically."""
    rng = np.random.default_rng(seed)
    bng, wgs = _hotspot_shapes(rng)
    points = _snap_points(rng, bng, wgs)
    plan = _plan_counts(rng)
    crimes = _crime_rows(rng, plan, points)
    patrols = _patrol_rows(rng, plan)
    _write_atomic(Path(out), lambda tmp: _write_files(tmp, seed, wgs, crimes, patrols, plan))


# --- hotspot polygons -------------------------------------------------------------------------


@cache
def _bng() -> Transformer:
    """The pinned WGS84 lon/lat to British National Grid transformation, made once."""
    return Transformer.from_pipeline(BNG_PIPELINE)


def _to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat to British National Grid metres."""
    return _bng().transform(lon, lat)


def _to_wgs(coords: np.ndarray) -> np.ndarray:
    """British National Grid (n, 2) metres to WGS84 lon/lat, rounded to 6 decimals as written."""
    lon, lat = _bng().transform(coords[:, 0], coords[:, 1], direction="INVERSE")
    return np.round(np.column_stack([lon, lat]), 6)


def _hotspot_shapes(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Every hotspot's polygon in metres (EPSG:27700) and as written (WGS84, 6 decimals)."""
    x, y = _to_bng(np.array([h.lon for h in HOTSPOTS]), np.array([h.lat for h in HOTSPOTS]))
    bng = np.array(
        [
            affinity.translate(_local_shape(rng, h.shape), cx, cy)
            for h, cx, cy in zip(HOTSPOTS, x, y, strict=True)
        ]
    )
    wgs = shapely.orient_polygons(shapely.transform(bng, _to_wgs))
    if not shapely.is_valid(wgs).all():
        raise RuntimeError("a generated hotspot polygon is invalid")
    return bng, wgs


def _local_shape(rng: np.random.Generator, shape: str) -> shapely.Geometry:
    """A hotspot outline around (0, 0) in metres, 150-250 m across."""
    if shape == "irregular":
        return _irregular(rng)
    if shape == "multi":
        return _two_blocks(rng)
    width, height = rng.uniform(150, 185), rng.uniform(90, 125)
    angle = rng.uniform(10, 80) if shape == "rotated" else 0.0
    box = shapely.box(-width / 2, -height / 2, width / 2, height / 2)
    return affinity.rotate(box, angle, origin=(0, 0))


def _irregular(rng: np.random.Generator) -> shapely.Polygon:
    """A 7-12 vertex polygon, star-shaped about its centre (so always simple), 170-230 m across."""
    k = int(rng.integers(7, 13))
    angles = (np.arange(k) + rng.uniform(-0.3, 0.3, k)) * 2 * np.pi / k
    radii = rng.uniform(0.6, 1.0, k)
    star = shapely.Polygon(np.column_stack([radii * np.cos(angles), radii * np.sin(angles)]))
    scale = rng.uniform(170, 230) / across(star)
    return affinity.scale(star, scale, scale, origin=(0, 0))


def across(shape: shapely.Geometry) -> float:
    """How far a shape is across: the longest distance between two of its points."""
    corners = np.array(shapely.convex_hull(shape).exterior.coords)
    return float(np.hypot(*(corners[:, None] - corners[None]).transpose(2, 0, 1)).max())


def _two_blocks(rng: np.random.Generator) -> shapely.MultiPolygon:
    """Two blocks either side of a road, as one MultiPolygon."""
    width, height, gap = rng.uniform(90, 120), rng.uniform(70, 85), rng.uniform(20, 30)
    near, far = gap / 2, gap / 2 + height
    blocks = shapely.MultiPolygon(
        [
            shapely.box(-width / 2, near, width / 2, far),
            shapely.box(-width / 2, -far, width / 2, -near),
        ]
    )
    return affinity.rotate(blocks, rng.uniform(0, 90), origin=(0, 0))


# --- snap points --------------------------------------------------------------------------------


def _snap_points(rng: np.random.Generator, bng: np.ndarray, wgs: np.ndarray) -> pd.DataFrame:
    """Anonymous map points that rows snap to: 6-15 inside each hotspot, ~3,000 elsewhere."""
    inside = [_points_inside(rng, b, w, i) for i, (b, w) in enumerate(zip(bng, wgs, strict=True))]
    points = pd.concat([*inside, _background_points(rng, bng)], ignore_index=True)
    x, y = _to_bng(points["lon"].to_numpy(), points["lat"].to_numpy())
    district = _nearest_district(x, y)
    code, name = _lsoa_labels(x, y, district)
    return points.assign(lsoa_code=code, lsoa_name=name)


def _points_inside(
    rng: np.random.Generator, bng: shapely.Geometry, wgs: shapely.Geometry, group: int
) -> pd.DataFrame:
    """Points well inside one hotspot, at least 12 m apart, covered by it once rounded."""
    wanted, inner = int(rng.integers(6, 16)), bng.buffer(-10)
    (x0, y0, x1, y1), kept = inner.bounds, np.empty((0, 2))
    while len(kept) < wanted:
        xy = np.column_stack([rng.uniform(x0, x1, 64), rng.uniform(y0, y1, 64)])
        xy = xy[shapely.contains_xy(inner, xy[:, 0], xy[:, 1])]
        for p in xy:
            if len(kept) < wanted and np.hypot(*(kept - p).T).min(initial=np.inf) >= 12:
                kept = np.vstack([kept, p])
    lonlat = _to_wgs(kept)
    if not shapely.covers(wgs, shapely.points(lonlat)).all():
        raise RuntimeError("a hotspot snap point fell outside its polygon once rounded")
    streets = HOTSPOTS[group].streets
    return pd.DataFrame(
        {
            "lon": lonlat[:, 0],
            "lat": lonlat[:, 1],
            "group": group,
            "weight": rng.lognormal(0.0, 0.8, wanted),
            "location": [f"On or near {streets[j % len(streets)]}" for j in range(wanted)],
        }
    )


def _background_points(rng: np.random.Generator, bng: np.ndarray) -> pd.DataFrame:
    """Points clustered around towns plus scattered rural ones, never within 30 m of a hotspot."""
    xy, weight = _town_and_rural_xy(rng)
    lon, lat = np.array(OUTLINE).T
    outline = shapely.Polygon(np.column_stack(_to_bng(lon, lat)))
    near_hotspot = shapely.union_all(shapely.buffer(bng, 31))
    keep = shapely.contains_xy(outline, xy[:, 0], xy[:, 1])
    keep &= ~shapely.contains_xy(near_hotspot, xy[:, 0], xy[:, 1])
    lonlat, weight = _to_wgs(xy[keep]), weight[keep]
    _, first = np.unique(lonlat, axis=0, return_index=True)
    first = np.sort(first)
    bare = rng.random(len(first)) < 0.02
    names = np.array(STREETS)[rng.integers(0, len(STREETS), len(first))]
    return pd.DataFrame(
        {
            "lon": lonlat[first, 0],
            "lat": lonlat[first, 1],
            "group": -1,
            "weight": weight[first],
            "location": np.where(bare, "On or near", np.char.add("On or near ", names)),
        }
    )


def _town_and_rural_xy(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Candidate points in metres with a weight each: town clusters, then rural scatter."""
    size = np.array([t.size for t in TOWNS])
    tx, ty = _to_bng(np.array([t.lon for t in TOWNS]), np.array([t.lat for t in TOWNS]))
    per_town = np.array([0, 55, 130, 520])[size]
    spread = np.repeat(np.array([0, 600, 1100, 2600])[size], per_town)
    centre = np.column_stack([np.repeat(tx, per_town), np.repeat(ty, per_town)])
    towns = centre + rng.normal(0.0, 1.0, (len(spread), 2)) * spread[:, None]
    lon, lat = np.array(OUTLINE).T
    ox, oy = _to_bng(lon, lat)
    rural = np.column_stack(
        [
            rng.uniform(ox.min(), ox.max(), 900),
            rng.uniform(oy.min(), oy.max(), 900),
        ]
    )
    weight = rng.lognormal(0.0, 0.9, len(towns) + len(rural))
    weight[len(towns) :] *= 0.3
    return np.vstack([towns, rural]), weight


def _nearest_district(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The district of the nearest town in `TOWNS`, for each point."""
    tx, ty = _to_bng(np.array([t.lon for t in TOWNS]), np.array([t.lat for t in TOWNS]))
    nearest = np.hypot(x[:, None] - tx, y[:, None] - ty).argmin(axis=1)
    return np.array([t.district for t in TOWNS])[nearest]


def _lsoa_labels(x: np.ndarray, y: np.ndarray, district: np.ndarray) -> tuple[list, list]:
    """Plausible fake LSOAs: 900 m cells in 2.7 km 'MSOAs', numbered north to south per district."""
    cells = pd.DataFrame(
        {
            "district": district,
            "my": -(y // 2700),
            "mx": x // 2700,
            "cy": -(y // 900),
            "cx": x // 900,
        }
    )
    msoa = cells[["district", "my", "mx"]].drop_duplicates().sort_values(["district", "my", "mx"])
    msoa["msoa"] = msoa.groupby("district").cumcount() + 1
    lsoa = cells.drop_duplicates().sort_values(["district", "my", "mx", "cy", "cx"])
    lsoa["letter"] = lsoa.groupby(["district", "my", "mx"]).cumcount()
    lsoa["code"] = [f"E{1019001 + i:08d}" for i in range(len(lsoa))]
    lsoa = lsoa.merge(msoa, on=["district", "my", "mx"])
    lsoa["name"] = [
        f"{d} {m:03d}{chr(65 + k % 26)}"
        for d, m, k in zip(lsoa["district"], lsoa["msoa"], lsoa["letter"], strict=True)
    ]
    named = cells.merge(lsoa, on=list(cells.columns), how="left")
    return named["code"].tolist(), named["name"].tolist()


# --- counts -------------------------------------------------------------------------------------


def _plan_counts(rng: np.random.Generator) -> Plan:
    """Choose every hotspot's counts and the forcewide totals so that the targets hold exactly."""
    centre = np.array([h.kind == "centre" for h in HOTSPOTS])
    dose = rng.uniform(0.6, 1.4, len(HOTSPOTS)) * np.where(centre, 1.25, 1.0)
    asb_before, asb_after = _asb_counts(rng, centre, dose)
    other_before, other_after = _other_counts(rng, centre, asb_before, asb_after)
    force_before = FORCE_YEAR_ROWS + int(rng.integers(-100, 101))
    force_after = _round_half_up(FORCE_CRIME_RATIO * force_before)
    hotspots = pd.DataFrame(
        {
            "asb_before": asb_before,
            "asb_after": asb_after,
            "other_before": other_before,
            "other_after": other_after,
            "dose": dose,
        }
    )
    return Plan(
        hotspots,
        force_before - int(asb_before.sum() + other_before.sum()),
        force_after - int(asb_after.sum() + other_after.sum()),
    )


def _round_half_up(value: float) -> int:
    """Nearest integer, halves up (Python's round() goes to even)."""
    return math.floor(value + 0.5)


def _asb_counts(
    rng: np.random.Generator, centre: np.ndarray, dose: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """ASB before/after per hotspot: mean change -25%, the most patrolled hotspot exactly -45%."""
    n = len(centre)
    busy = rng.uniform(0.7, 1.3, n) * np.where(centre, 1.4, 0.8)
    before = np.rint(25 + 45 * busy * rng.uniform(0.6, 1.4, n)).astype(int)
    top = int(np.argmax(dose))
    before[top] = max(40, 20 * _round_half_up(before[top] / 20))
    before[np.argmax(before)] = max(int(before.max()), 100)  # one big base for fine tuning
    ranked = np.argsort(-(dose + rng.normal(0.0, 0.15, n)), kind="stable")
    change = np.zeros(n)
    change[ranked[ranked != top]] = _change_targets(rng, n - 1)
    after = np.rint(before * (1 + change / 100)).astype(int)
    after[top] = before[top] * LARGEST_REDUCTION_TWENTIETHS // 20
    return before, _tune_mean_change(before, after, top)


def _change_targets(rng: np.random.Generator, m: int) -> np.ndarray:
    """Target % changes, most negative first: two small rises, five falls of 30-40%, the rest."""
    risers = np.array([rng.uniform(2.5, 5), rng.uniform(5, 8)])
    strong = -30 - 10 * rng.uniform(0, 1, 5)
    rest = np.linspace(-30, -8, m - 7) + rng.normal(0.0, 1.5, m - 7)
    wanted = TARGET_MEAN_ASB_CHANGE * (m + 1) + 45 - risers.sum() - strong.sum()
    rest = np.clip(rest + (wanted - rest.sum()) / len(rest), -40, -3)
    return np.sort(np.concatenate([strong, rest, risers]))


def _mean_change(before: np.ndarray, after: np.ndarray) -> float:
    """Mean of the per-hotspot % changes."""
    return float(np.mean(100 * (after - before) / before))


def _tune_mean_change(before: np.ndarray, after: np.ndarray, fixed: int) -> np.ndarray:
    """Nudge `after` a unit at a time, spread over hotspots, until the mean change is on target."""
    after, nudges = after.copy(), np.zeros(len(after), dtype=int)
    step = 100 / (len(before) * before)
    while True:
        error = _mean_change(before, after) - TARGET_MEAN_ASB_CHANGE
        change = 100 * (after - np.sign(error) - before) / before
        usable = (step < 2 * abs(error)) & (change > -44) & (change < 9)
        usable &= (change > 0) | (after <= before)  # a rise stays a rise
        usable[fixed] = False
        if not usable.any():
            return after
        choice = np.lexsort((-step, nudges))  # fewest nudges first, then the biggest step
        pick = choice[usable[choice]][0]
        after[pick] -= int(np.sign(error))
        nudges[pick] += 1


def _other_counts(
    rng: np.random.Generator, centre: np.ndarray, asb_before: np.ndarray, asb_after: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Crime other than ASB per hotspot, so that all crime in the hotspots falls exactly 12%."""
    ratio = np.where(centre, 3.0, 1.8) * rng.uniform(0.7, 1.3, len(centre))
    before = np.rint(asb_before * ratio).astype(int)
    total_after = _round_half_up(HOTSPOT_CRIME_RATIO * (asb_before.sum() + before.sum()))
    wanted = total_after - int(asb_after.sum())
    growth = wanted / before.sum() + rng.normal(0.0, 0.05, len(before))
    after = np.rint(before * growth).clip(min=0).astype(int)
    return before, _spread_difference(rng, after, wanted - int(after.sum()))


def _spread_difference(rng: np.random.Generator, counts: np.ndarray, diff: int) -> np.ndarray:
    """Add (or take away) `diff` units across `counts` at random, never going below zero."""
    if diff >= 0:
        return counts + rng.multinomial(diff, counts / counts.sum())
    units = np.repeat(np.arange(len(counts)), counts)
    taken = rng.choice(units, size=-diff, replace=False)
    return counts - np.bincount(taken, minlength=len(counts))


# --- crime rows ---------------------------------------------------------------------------------


def _crime_rows(rng: np.random.Generator, plan: Plan, points: pd.DataFrame) -> pd.DataFrame:
    """Every police.uk row of the 24 months, sorted as a month's file is written."""
    counts = _month_counts(rng, _type_counts(rng, plan))  # (group, type, month)
    _, types, months = counts.shape
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    group, kind, month = cell // (types * months), cell // months % types, cell % months
    point = _pick_points(rng, group, points)
    rows = _row_frame(points, point, np.array(list(BACKGROUND_TYPES))[kind], month)
    rows = rows.sort_values(["Month", "LSOA code", "Location", "Crime type"], kind="stable")
    return _add_ids_and_outcomes(rng, rows.reset_index(drop=True))


def _type_counts(rng: np.random.Generator, plan: Plan) -> np.ndarray:
    """Rows per (group, crime type, year): hotspots in place order, then the background."""
    hot, types = plan.hotspots, list(BACKGROUND_TYPES)
    weights = np.array([HOTSPOT_TYPES[h.kind] for h in HOTSPOTS], dtype=float)
    weights /= weights.sum(axis=1, keepdims=True)
    counts = np.zeros((len(hot) + 1, len(types), 2), dtype=int)
    for year, when in enumerate(("before", "after")):
        counts[:-1, :, year] = rng.multinomial(hot[f"other_{when}"].to_numpy(), weights)
        counts[:-1, types.index(ASB), year] = hot[f"asb_{when}"].to_numpy()
    background = np.array(list(BACKGROUND_TYPES.values()))
    background_years = (plan.background_before, plan.background_after)
    counts[-1] = rng.multinomial(background_years, background / background.sum()).T
    return counts


def _month_counts(rng: np.random.Generator, yearly: np.ndarray) -> np.ndarray:
    """Spread each year's rows over its months, ASB with a stronger summer peak than crime."""
    calendar = np.array([m.month for m in MONTHS[:12]])
    summer = np.cos(2 * np.pi * (calendar - 7) / 12)
    is_asb = np.array([t == ASB for t in BACKGROUND_TYPES])
    season = 1 + np.where(is_asb[:, None], 0.18, 0.03) * summer  # (type, month)
    season /= season.sum(axis=1, keepdims=True)
    pvals = np.broadcast_to(season[None, :, None, :], (*yearly.shape, 12))
    by_month = rng.multinomial(yearly, pvals)  # (group, type, year, month)
    return by_month.reshape(*yearly.shape[:2], 24)


def _pick_points(rng: np.random.Generator, group: np.ndarray, points: pd.DataFrame) -> np.ndarray:
    """A snap point for each row from its own group's points (-1: a row with no coordinates)."""
    point = np.empty(len(group), dtype=int)
    owner = np.where(points["group"].to_numpy() < 0, len(HOTSPOTS), points["group"].to_numpy())
    weight = points["weight"].to_numpy()
    for g in range(len(HOTSPOTS) + 1):
        rows, own = np.flatnonzero(group == g), np.flatnonzero(owner == g)
        point[rows] = rng.choice(own, size=len(rows), p=weight[own] / weight[own].sum())
    background = np.flatnonzero(group == len(HOTSPOTS))
    point[background[rng.random(len(background)) < 0.005]] = -1
    return point


def _row_frame(
    points: pd.DataFrame, point: np.ndarray, kind: np.ndarray, month: np.ndarray
) -> pd.DataFrame:
    """The police.uk columns for each row (IDs and outcomes come after sorting)."""
    located = point >= 0
    at = points.iloc[np.where(located, point, 0)]

    def column(values: pd.Series, missing: str) -> np.ndarray:
        return np.where(located, values.to_numpy(dtype=object), missing)

    return pd.DataFrame(
        {
            "Crime ID": "",
            "Month": MONTHS.strftime("%Y-%m").to_numpy()[month],
            "Reported by": FORCE,
            "Falls within": FORCE,
            "Longitude": column(at["lon"].map("{:.6f}".format), ""),
            "Latitude": column(at["lat"].map("{:.6f}".format), ""),
            "Location": column(at["location"], "No Location"),
            "LSOA code": column(at["lsoa_code"], ""),
            "LSOA name": column(at["lsoa_name"], ""),
            "Crime type": kind,
            "Last outcome category": "",
            "Context": "",
        }
    )


def _add_ids_and_outcomes(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    """64-hex Crime IDs and a last outcome for every row but ASB (which has neither)."""
    crime = (rows["Crime type"] != ASB).to_numpy()
    rows.loc[crime, "Crime ID"] = crime_ids(rng, int(crime.sum()))
    rows.loc[crime, "Last outcome category"] = last_outcomes(rng, int(crime.sum()))
    return rows


# --- patrols ------------------------------------------------------------------------------------


def _patrol_rows(rng: np.random.Generator, plan: Plan) -> pd.DataFrame:
    """Patrol visits of the latest 12 months, more where ASB was meant to fall most."""
    minutes, officers = _visit_lengths(rng)
    dose = plan.hotspots["dose"].to_numpy()
    hotspot = rng.choice(len(HOTSPOTS), size=len(minutes), p=dose / dose.sum())
    start = _visit_starts(rng, len(minutes))
    effort = minutes * officers
    arrests = rng.multinomial(TARGET_ARRESTS, effort / effort.sum())
    spoken = rng.poisson(2.9 * effort / effort.mean())
    spoken = _spread_difference(rng, spoken, TARGET_ENGAGEMENTS - int(spoken.sum()))
    visits = pd.DataFrame(
        {
            "order": hotspot,
            "hotspot_id": np.array([h.hotspot_id for h in HOTSPOTS])[hotspot],
            "start": start,
            "end": start + minutes.astype("timedelta64[m]"),
            "officers": officers,
            "arrests": arrests,
            "engagements": spoken,
        }
    ).sort_values(["order", "start"], kind="stable")
    for column in ("start", "end"):
        visits[column] = np.datetime_as_string(visits[column].to_numpy(), unit="m")
    return visits.drop(columns="order").reset_index(drop=True)


def _visit_lengths(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and officers per visit, trimmed so that officer-minutes total the target exactly."""
    pool = 20_000
    short = rng.integers(15, 31, pool)
    long = np.rint(rng.triangular(10, 35, 90, pool)).astype(int)
    minutes = np.where(rng.random(pool) < 0.7, short, long)
    officers = rng.choice([1, 2, 3], size=pool, p=[0.35, 0.5, 0.15])
    total = np.cumsum(minutes * officers)
    n = int(np.searchsorted(total, TARGET_OFFICER_MINUTES)) + 1
    minutes, officers = minutes[:n], officers[:n]
    excess = int(total[n - 1]) - TARGET_OFFICER_MINUTES
    for i in np.flatnonzero(officers == 1)[::-1]:
        cut = min(excess, int(minutes[i]) - 15)
        minutes[i] -= max(cut, 0)
        excess -= max(cut, 0)
    if excess:
        raise RuntimeError("could not trim patrol visits to the target officer hours")
    return minutes, officers


def _visit_starts(rng: np.random.Generator, n: int) -> np.ndarray:
    """Local start times (Europe/London, no offset), mostly evenings and weekends."""
    first = np.datetime64(f"{MONTHS[12]}-01", "D")
    days = np.arange(first, np.datetime64(f"{MONTHS[-1] + 1}-01", "D"))
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
    day_weight = WEEKDAY_WEIGHTS[weekday] / WEEKDAY_WEIGHTS[weekday].sum()
    day = days[rng.choice(len(days), size=n, p=day_weight)].astype("datetime64[m]")
    hour = FIRST_HOUR + rng.choice(len(HOUR_WEIGHTS), size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    minute = 15 * rng.integers(0, 4, n)
    return day + (60 * hour + minute).astype("timedelta64[m]")


# --- writing ------------------------------------------------------------------------------------


def _write_atomic(out: Path, fill: Callable[[Path], None]) -> None:
    """Fill a temporary folder beside `out`, then rename it into place (old `out` set aside)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        fill(tmp)
        tmp.chmod(0o755)
        _swap_in(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap_in(tmp: Path, out: Path) -> None:
    """Rename `tmp` to `out`; an existing `out` is moved aside first and removed after."""
    if not out.exists():
        os.replace(tmp, out)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.replace(out, aside / out.name)
    try:
        os.replace(tmp, out)
    except OSError:
        os.replace(aside / out.name, out)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _write_files(
    folder: Path,
    seed: int,
    wgs: np.ndarray,
    crimes: pd.DataFrame,
    patrols: pd.DataFrame,
    plan: Plan,
) -> None:
    """Write the four parts of the dataset folder."""
    (folder / "hotspots.geojson").write_text(_geojson(wgs), encoding="utf-8")
    patrols.to_csv(folder / "patrols.csv", index=False, lineterminator="\n")
    for month, rows in crimes.groupby("Month", sort=True):
        path = folder / "crimes" / month / f"{month}-derbyshire-street.csv"
        write_street_file(path, pa.Table.from_pandas(rows, preserve_index=False))
    (folder / "SAMPLE.md").write_text(_note(seed, crimes, patrols, plan), encoding="utf-8")


def _geojson(wgs: np.ndarray) -> str:
    """The hotspots as a WGS84 FeatureCollection, one feature a line."""
    started = f"{MONTHS[12]}-01"
    features = [
        json.dumps(
            {
                "type": "Feature",
                "properties": {
                    "hotspot_id": h.hotspot_id,
                    "name": h.name,
                    "town": h.town,
                    "started": started,
                },
                "geometry": shapely.geometry.mapping(geometry),
            }
        )
        for h, geometry in zip(HOTSPOTS, wgs, strict=True)
    ]
    return '{"type": "FeatureCollection", "features": [\n' + ",\n".join(features) + "\n]}\n"


def _note(seed: int, crimes: pd.DataFrame, patrols: pd.DataFrame, plan: Plan) -> str:
    """SAMPLE.md: what the folder is, what it holds and the figures it was built to give."""
    hot = plan.hotspots
    asb = 100 * (hot["asb_after"] - hot["asb_before"]) / hot["asb_before"]
    crime_before = int(hot["asb_before"].sum() + hot["other_before"].sum())
    crime_after = int(hot["asb_after"].sum() + hot["other_after"].sum())
    force_before = crime_before + plan.background_before
    force_after = crime_after + plan.background_after
    towns = sorted({h.town for h in HOTSPOTS})
    start, end = sample_period()
    return "\n".join(
        [
            "# Sample dataset",
            "",
            f"Sample data generated by `python -m geo sample` (seed {seed}): not real police data.",
            "The hotspots sit at real Derbyshire places; every crime, map point and patrol "
            "is made up.",
            "",
            f"- `hotspots.geojson`: {len(HOTSPOTS)} hotspots in {len(towns)} towns "
            f"({', '.join(towns)}), WGS84; patrols started {MONTHS[12]}-01.",
            f"- `crimes/`: {len(MONTHS)} monthly police.uk street-level files, {MONTHS[0]} to "
            f"{MONTHS[-1]}: {len(crimes):,} rows, {int((crimes['Longitude'] == '').sum())} of them "
            "without coordinates.",
            f"- `patrols.csv`: {len(patrols):,} patrol visits, {start} to {end}.",
            "",
            f"Built so that the period {start}:{end}, against the year before, gives:",
            f"{TARGET_OFFICER_MINUTES / 60:,.0f} officer hours, {int(patrols['arrests'].sum())} "
            f"arrests, {int(patrols['engagements'].sum()):,} people spoken to; ASB change "
            f"{asb.mean():.1f}% on average across hotspots, largest reduction {asb.min():.1f}% "
            f"({HOTSPOTS[int(asb.idxmin())].name}); all crime in the hotspots "
            f"{_pct(crime_before, crime_after)}% against "
            f"{_pct(force_before, force_after)}% forcewide.",
            "",
        ]
    )


def _pct(before: int, after: int) -> str:
    """A % change to one decimal."""
    return f"{100 * (after - before) / before:.1f}"
