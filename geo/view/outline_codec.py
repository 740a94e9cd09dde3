"""A compact text form of hotspot outlines for the browser: integer, delta-coded coordinates.

GeoJSON spells every coordinate in full ("-1.354612,53.012345"); successive vertices of a small
polygon differ by a few metres, so storing each vertex as the integer step from the one before
(in units of 10^-decimals degrees) takes a third of the bytes and loses nothing beyond the
rounding the outline already had. The map decodes it with a few lines of its own JavaScript.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

DECODE_JS = (Path(__file__).parent / "js" / "decode_outline.js").read_text()
"""JavaScript: `decodeOutline(encoded, 10^decimals)` gives a GeoJSON geometry back."""


def decimals_of(geometries: np.ndarray) -> int:
    """The fewest decimal places (5 to 7) that hold every coordinate of the outlines exactly."""
    coords = shapely.get_coordinates(geometries)
    for decimals in (5, 6):
        if np.allclose(coords, np.round(coords, decimals), rtol=0, atol=1e-10):
            return decimals
    return 7


def encode_outline(geometry: shapely.Geometry, decimals: int) -> dict:
    """A Polygon or MultiPolygon as {"t": "P"|"M", "c": rings of integer steps}."""
    scale = 10**decimals
    if geometry.geom_type == "MultiPolygon":
        parts = [_encode_polygon(part, scale) for part in geometry.geoms]
        return {"t": "M", "c": parts}
    return {"t": "P", "c": _encode_polygon(geometry, scale)}


def decode_outline(encoded: dict, decimals: int) -> shapely.Geometry:
    """The geometry back from `encode_outline` (the inverse, for tests and checks)."""
    scale = 10**decimals
    if encoded["t"] == "M":
        return shapely.MultiPolygon([_decode_polygon(part, scale) for part in encoded["c"]])
    return _decode_polygon(encoded["c"], scale)


def encode_point(point: shapely.Point, decimals: int) -> list[int]:
    """A point as two integers in units of 10^-decimals degrees."""
    scale = 10**decimals
    return [round(point.x * scale), round(point.y * scale)]


def _encode_polygon(polygon: shapely.Polygon, scale: int) -> list[list[int]]:
    rings = [polygon.exterior, *polygon.interiors]
    return [_encode_ring(np.asarray(ring.coords)[:-1], scale) for ring in rings]


def _encode_ring(coords: np.ndarray, scale: int) -> list[int]:
    integers = np.rint(coords[:, :2] * scale).astype(np.int64)
    steps = np.diff(integers, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return steps.ravel().tolist()


def _decode_polygon(rings: list[list[int]], scale: int) -> shapely.Polygon:
    decoded = [
        np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0) / scale for flat in rings
    ]
    return shapely.Polygon(decoded[0], decoded[1:])
