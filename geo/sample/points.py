"""The sample's snap points: anonymous map points that crime rows are placed on, as police.uk
does, each with a plausible fake LSOA and a street to be "on or near"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geo.sample.places import HOTSPOTS, OUTLINE, STREETS, TOWNS
from geo.sample.shapes import to_bng, to_wgs


def snap_points(rng: np.random.Generator, bng: np.ndarray, wgs: np.ndarray) -> pd.DataFrame:
    """Points rows snap to: 6-15 inside each hotspot (`group` its index), ~3,000 elsewhere (-1)."""
    inside = [_points_inside(rng, b, w, i) for i, (b, w) in enumerate(zip(bng, wgs, strict=True))]
    points = pd.concat([*inside, _background_points(rng, bng)], ignore_index=True)
    x, y = to_bng(points["lon"].to_numpy(), points["lat"].to_numpy())
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
    lonlat = to_wgs(kept)
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
    outline = shapely.Polygon(np.column_stack(to_bng(lon, lat)))
    near_hotspot = shapely.union_all(shapely.buffer(bng, 31))
    keep = shapely.contains_xy(outline, xy[:, 0], xy[:, 1])
    keep &= ~shapely.contains_xy(near_hotspot, xy[:, 0], xy[:, 1])
    lonlat, weight = to_wgs(xy[keep]), weight[keep]
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
    tx, ty = to_bng(np.array([t.lon for t in TOWNS]), np.array([t.lat for t in TOWNS]))
    per_town = np.array([0, 55, 130, 520])[size]
    spread = np.repeat(np.array([0, 600, 1100, 2600])[size], per_town)
    centre = np.column_stack([np.repeat(tx, per_town), np.repeat(ty, per_town)])
    towns = centre + rng.normal(0.0, 1.0, (len(spread), 2)) * spread[:, None]
    lon, lat = np.array(OUTLINE).T
    ox, oy = to_bng(lon, lat)
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
    tx, ty = to_bng(np.array([t.lon for t in TOWNS]), np.array([t.lat for t in TOWNS]))
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
