"""The sample's hotspot outlines, 150-250 m across, drawn in British National Grid metres around
each place in `HOTSPOTS` and written in WGS84, with the pinned transformation between the two."""

from __future__ import annotations

from functools import cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely import affinity

from geo.sample.places import HOTSPOTS

# EPSG:4326 to EPSG:27700 by the Helmert "OSGB36 to WGS 84 (6)" (EPSG:1314), written out so that
# the bytes written do not depend on whether a machine has PROJ's OSTN15 grid.
BNG_PIPELINE = (
    "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=push +v_3 "
    "+step +proj=cart +ellps=WGS84 +step +inv +proj=helmert +x=446.448 +y=-125.157 +z=542.06 "
    "+rx=0.15 +ry=0.247 +rz=0.842 +s=-20.489 +convention=position_vector "
    "+step +inv +proj=cart +ellps=airy +step +proj=pop +v_3 "
    "+step +proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy"
)


@cache
def _bng() -> Transformer:
    """The pinned WGS84 lon/lat to British National Grid transformation, made once."""
    return Transformer.from_pipeline(BNG_PIPELINE)


def to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat to British National Grid metres."""
    return _bng().transform(lon, lat)


def to_wgs(coords: np.ndarray) -> np.ndarray:
    """British National Grid (n, 2) metres to WGS84 lon/lat, rounded to 6 decimals as written."""
    lon, lat = _bng().transform(coords[:, 0], coords[:, 1], direction="INVERSE")
    return np.round(np.column_stack([lon, lat]), 6)


def hotspot_shapes(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Every hotspot's polygon in metres (EPSG:27700) and as written (WGS84, 6 decimals)."""
    x, y = to_bng(np.array([h.lon for h in HOTSPOTS]), np.array([h.lat for h in HOTSPOTS]))
    bng = np.array(
        [
            affinity.translate(_local_shape(rng, h.shape), cx, cy)
            for h, cx, cy in zip(HOTSPOTS, x, y, strict=True)
        ]
    )
    wgs = shapely.orient_polygons(shapely.transform(bng, to_wgs))
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
