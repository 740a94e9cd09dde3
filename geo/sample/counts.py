"""How many rows the sample holds, chosen before any row is placed: every hotspot's ASB as
`HOTSPOT_TARGETS` fixes it, its other crime so that all crime in the hotspots falls 12%, and the
rest of the force so that all crime forcewide falls 2%."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.sample.places import HOTSPOTS
from geo.sample.targets import (
    FORCE_CRIME_RATIO,
    FORCE_YEAR_ROWS,
    HOTSPOT_CRIME_RATIO,
    HOTSPOT_TARGETS,
)


@dataclass(frozen=True)
class Plan:
    """Counts chosen before any row is placed: per hotspot, and the rest of the force."""

    hotspots: pd.DataFrame  # asb_before, asb_after, other_before, other_after, patrol_weight
    background_before: int
    background_after: int


def plan_counts(rng: np.random.Generator) -> Plan:
    """Every hotspot's counts, in `HOTSPOTS` order, and the forcewide totals, targets exact."""
    targets = [HOTSPOT_TARGETS[h.hotspot_id] for h in HOTSPOTS]
    centre = np.array([h.kind == "centre" for h in HOTSPOTS])
    asb_before = np.array([t.asb_before for t in targets])
    asb_after = np.array([t.asb_after for t in targets])
    other_before, other_after = _other_counts(rng, centre, asb_before, asb_after)
    force_before = FORCE_YEAR_ROWS + int(rng.integers(-100, 101))
    force_after = _round_half_up(FORCE_CRIME_RATIO * force_before)
    hotspots = pd.DataFrame(
        {
            "asb_before": asb_before,
            "asb_after": asb_after,
            "other_before": other_before,
            "other_after": other_after,
            "patrol_weight": [t.patrol_weight for t in targets],
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


def _other_counts(
    rng: np.random.Generator, centre: np.ndarray, asb_before: np.ndarray, asb_after: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Crime other than ASB per hotspot, so that all crime in the hotspots falls exactly 12%."""
    ratio = np.where(centre, 1.2, 0.7) * rng.uniform(0.7, 1.3, len(centre))  # ASB-heavy places
    before = np.rint(asb_before * ratio).astype(int)
    total_after = _round_half_up(HOTSPOT_CRIME_RATIO * (asb_before.sum() + before.sum()))
    wanted = total_after - int(asb_after.sum())
    growth = wanted / before.sum() + rng.normal(0.0, 0.05, len(before))
    after = np.rint(before * growth).clip(min=0).astype(int)
    return before, spread_difference(rng, after, wanted - int(after.sum()))


def spread_difference(rng: np.random.Generator, counts: np.ndarray, diff: int) -> np.ndarray:
    """Add (or take away) `diff` units across `counts` at random, never going below zero."""
    if diff >= 0:
        return counts + rng.multinomial(diff, counts / counts.sum())
    units = np.repeat(np.arange(len(counts)), counts)
    taken = rng.choice(units, size=-diff, replace=False)
    return counts - np.bincount(taken, minlength=len(counts))
