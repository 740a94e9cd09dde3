"""The sample's patrol log: visits of the latest 12 months, mostly evenings and weekends, whose
officer time, arrests and people spoken to total the published figures exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.sample.counts import spread_difference
from geo.sample.places import HOTSPOTS
from geo.sample.targets import (
    MONTHS,
    TARGET_ARRESTS,
    TARGET_ENGAGEMENTS,
    TARGET_OFFICER_MINUTES,
)

WEEKDAY_WEIGHTS = np.array([0.8, 0.8, 0.9, 1.0, 1.6, 1.9, 1.3])  # Monday first
HOUR_WEIGHTS = np.array([0.3, 0.3, 0.4, 0.5, 0.6, 0.6, 0.7, 0.9, 1.3, 1.8, 2.0, 2.0, 1.8, 1.4])
FIRST_HOUR = 8  # visits start 08:00-21:45, so none crosses midnight or a clock change


def patrol_rows(rng: np.random.Generator, patrol_weight: np.ndarray) -> pd.DataFrame:
    """Patrol visits, each hotspot's officer time in proportion to its weight (`HOTSPOTS` order)."""
    minutes, officers = _visit_lengths(rng)
    effort = minutes * officers
    hotspot = visit_hotspots(effort, patrol_weight)
    start = _visit_starts(rng, len(minutes))
    arrests = rng.multinomial(TARGET_ARRESTS, effort / effort.sum())
    spoken = rng.poisson(2.9 * effort / effort.mean())
    spoken = spread_difference(rng, spoken, TARGET_ENGAGEMENTS - int(spoken.sum()))
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


def visit_hotspots(effort: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The hotspot of each visit: the one furthest below its weight's share of the officer time
    given so far. No hotspot ends more than one visit over its share, so the largest weight is
    the most patrolled hotspot whenever its share leads by more than a visit or two."""
    share = np.asarray(weight, dtype=float) / np.sum(weight)
    given = np.zeros(len(share))
    hotspot = np.empty(len(effort), dtype=int)
    for i, total in enumerate(np.cumsum(effort)):
        hotspot[i] = int(np.argmax(share * total - given))
        given[hotspot[i]] += effort[i]
    return hotspot


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
