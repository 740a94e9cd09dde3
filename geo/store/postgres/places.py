"""Where each near map point lies, kept in the store so app instances test no point at load.

An import works the places out with the app's own test (geo.counting.areas.place_points on the
WGS84 outlines, the code a folder's load runs) for the points of the months it touched that were
never placed, and for every point when the hotspots, the control areas or the ring width change;
it also counts the untreated comparison squares of those months. A load then builds the same
counts from the places (geo.counting.areas.placed_area_counts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from geo.counting.areas import covered_areas, place_points, rings
from geo.counting.squares import comparison_squares
from geo.store.postgres.connection import copy_rows
from geo.store.postgres.reading import MONTH_ORDINAL, asb_rows, copied, outlines


def refresh_places(cursor, months: list[str] | None) -> None:
    """Place the unplaced near points of the months given, or every point again when None, and
    recount those months' comparison squares (after the point and ASB counts are recounted)."""
    ring_m = cursor.execute("SELECT ring_m FROM store_state").fetchone()[0]
    hotspots = outlines(cursor, "hotspots")
    control = outlines(cursor, "control_areas")
    values = {"months": months}
    if months is None:
        for table in ("point_places", "placed_points", "comparison_counts"):
            cursor.execute(f"DELETE FROM {table}")
        query = "SELECT DISTINCT lon, lat FROM near_point_counts"
    else:
        cursor.execute(
            "DELETE FROM comparison_counts WHERE month = ANY(%(months)s::date[])", values
        )
        query = (
            "SELECT DISTINCT lon, lat FROM near_point_counts n"
            " WHERE month = ANY(%(months)s::date[]) AND NOT EXISTS ("
            " SELECT 1 FROM placed_points p WHERE p.lon = n.lon AND p.lat = n.lat)"
        )
    if hotspots.empty:
        cursor.execute("UPDATE store_state SET placed_ring_m = NULL")
        return
    ring_frame = rings(hotspots, ring_m)
    found = cursor.execute(query, values).fetchall()
    lon, lat = (np.array(c, dtype=float) for c in zip(*found)) if found else (np.zeros(0),) * 2
    places = place_points(lon + 1j * lat, hotspots, ring_frame, None if control.empty else control)
    copy_rows(cursor, "placed_points", {"lon": lon, "lat": lat})
    point = places["point"].to_numpy()
    copy_rows(
        cursor,
        "point_places",
        {"lon": lon[point], "lat": lat[point], "kind": places["kind"], "area": places["area"]},
    )
    asb = asb_rows(cursor.connection, months)
    squares = comparison_squares(asb, covered_areas(hotspots, ring_frame).geometry)
    month = squares["month"].to_numpy(np.int64).astype("datetime64[M]").astype("datetime64[D]")
    copy_rows(
        cursor,
        "comparison_counts",
        {"month": month, "square": squares["square"], "asb": squares["asb"]},
    )
    if months is None:
        cursor.execute("UPDATE store_state SET placed_ring_m = ring_m")


def load_places(connection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What a load reads instead of testing points: the point-months of the points in some area
    (point, month, crime, asb), their places (point, kind, area) and the comparison squares."""
    plon, plat, kind, area = copied(
        connection,
        "SELECT lon, lat, kind, area FROM point_places",
        [pa.float64(), pa.float64(), pa.int64(), pa.int64()],
    )
    month, lon, lat, crime, asb = copied(
        connection,
        f"SELECT {MONTH_ORDINAL}, lon, lat, crime, asb FROM near_point_counts n"
        " WHERE EXISTS (SELECT 1 FROM point_places p WHERE p.lon = n.lon AND p.lat = n.lat)",
        [pa.int32(), pa.float64(), pa.float64(), pa.int64(), pa.int64()],
    )
    codes, _ = pd.factorize(np.concatenate([plon + 1j * plat, lon + 1j * lat]))
    places = pd.DataFrame({"point": codes[: len(plon)], "kind": kind, "area": area})
    point_months = pd.DataFrame(
        {"point": codes[len(plon) :], "month": month, "crime": crime, "asb": asb}
    )
    month, square, count = copied(
        connection,
        f"SELECT {MONTH_ORDINAL}, square, asb FROM comparison_counts ORDER BY square, month",
        [pa.int32(), pa.int64(), pa.int64()],
    )
    comparison = pd.DataFrame({"square": square, "month": month, "asb": count})
    return point_months, places, comparison
