"""police.uk's snap points as the units hotspots are chosen from.

police.uk moves every incident to one of a fixed set of anonymous map points (street centres,
public places), so many rows share one point and a place holds exactly the incidents of the
points inside it. Each distinct point gets its count, its count per month and the Location text
police.uk gives it ("On or near Market Place").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Transformer

from geo.counting.incidents import Incidents
from geo.crs import BRITISH_NATIONAL_GRID, WGS84

_NO_STREET = re.compile(r"\s*(on or near)?\s*", re.IGNORECASE)
"""Location texts that name no place: empty, or 'On or near' alone."""


@dataclass(frozen=True)
class SnapPoints:
    """The distinct points of a period's incidents: position in metres (EPSG:27700), count, count
    per counted month (one column per month of `months`, ordinals), and Location text."""

    x: np.ndarray
    y: np.ndarray
    count: np.ndarray
    monthly: np.ndarray
    months: np.ndarray
    location: np.ndarray

    @property
    def months_hot(self) -> np.ndarray:
        """Per point, the months of the period with at least one incident there."""
        return (self.monthly > 0).sum(axis=1)

    @property
    def xy(self) -> np.ndarray:
        """Positions as an (n, 2) array of metres."""
        return np.column_stack([self.x, self.y])

    def __len__(self) -> int:
        return len(self.x)


def snap_points(incidents: Incidents, months: np.ndarray) -> SnapPoints:
    """The distinct located points of the incidents in `months` (ordinals, sorted), each with
    its counts and the Location text most of its rows give (one naming a street preferred)."""
    keep = np.isin(incidents.month, months) & np.isfinite(incidents.lon)
    keep &= np.isfinite(incidents.lat)
    lonlat = np.column_stack([incidents.lon[keep], incidents.lat[keep]])
    points, point_of_row = np.unique(lonlat, axis=0, return_inverse=True)
    point_of_row = point_of_row.ravel()
    column = np.searchsorted(months, incidents.month[keep])
    monthly = np.bincount(
        point_of_row * len(months) + column, minlength=len(points) * len(months)
    ).reshape(len(points), len(months))
    x, y = Transformer.from_crs(WGS84, BRITISH_NATIONAL_GRID, always_xy=True).transform(
        points[:, 0], points[:, 1]
    )
    location = _point_locations(
        point_of_row, incidents.location_code[keep], incidents.location_names, len(points)
    )
    return SnapPoints(
        np.asarray(x, dtype=float),
        np.asarray(y, dtype=float),
        monthly.sum(axis=1),
        monthly,
        np.asarray(months),
        location,
    )


def _point_locations(
    point_of_row: np.ndarray, code: np.ndarray, names: np.ndarray, points: int
) -> np.ndarray:
    """Each point's Location text: the one most of its rows give, a text naming a street before
    one that names nothing ('On or near' alone)."""
    location = np.full(points, "", dtype=object)
    if not len(code):
        return location
    pairs, rows = np.unique(point_of_row * (len(names) + 1) + code, return_counts=True)
    point, text = pairs // (len(names) + 1), pairs % (len(names) + 1)
    named = names_places(names)[text]
    order = np.lexsort((-rows, ~named, point))
    first = order[np.r_[True, point[order][1:] != point[order][:-1]]]
    location[point[first]] = names[text[first]]
    return location


def names_places(texts: np.ndarray) -> np.ndarray:
    """Per Location text, whether it names a street or place (not empty, not 'On or near'
    alone)."""
    blank = pd.Series(texts, dtype=object).astype(str).str.fullmatch(_NO_STREET)
    return ~blank.to_numpy(dtype=bool)
