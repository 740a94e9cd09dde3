"""The sample's police.uk rows: each year's planned counts spread over crime types, months and
snap points, sorted as a month's file is written, with crime ids and outcomes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.sample.counts import Plan
from geo.sample.places import HOTSPOTS
from geo.sample.police_uk import CRIME_TYPE_SHARES, crime_ids, last_outcomes
from geo.sample.targets import MONTHS
from geo.schema import ASB

FORCE = "Derbyshire Constabulary"
BACKGROUND_TYPES = CRIME_TYPE_SHARES  # the force's rows outside hotspots, ASB included
HOTSPOT_TYPES = {  # kind of place -> weights in BACKGROUND_TYPES order, ASB left out (zero)
    "centre": (0, 1.5, 1.5, 7, 6, 9, 1.5, 13, 1.5, 20, 3, 2.5, 30, 2.5),
    "estate": (0, 1, 7, 13, 6, 7, 1, 10, 1, 4, 1, 7, 38, 3),
}


def crime_rows(rng: np.random.Generator, plan: Plan, points: pd.DataFrame) -> pd.DataFrame:
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
