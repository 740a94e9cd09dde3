"""The point tallies a PostgreSQL store keeps so that loads read no crime row: every map point
within reach of a hotspot, its ring or a control area with its crime and ASB, and the located ASB
per map point. Tallied in the database (a point's rows summed, nothing judged: which point lies
in which area is the app's own test when it loads), for the months an import touched (every
month when the outlines or the ring width change). The counts per month, force and crime type
are the import's own (geo.store.postgres.writes)."""

from __future__ import annotations

from geo.schema import ASB

REACH_MARGIN_M = 100
"""Extra metres round each hotspot's ring within which points are kept: the app and PostGIS may
project a little differently, and a point just outside a ring must still reach the app's test."""
_NEAR_ROWS = f"""
INSERT INTO near_point_counts (month, lon, lat, crime, asb)
SELECT c.month, c.lon, c.lat, count(*), count(*) FILTER (WHERE c.crime_type = '{ASB}')
FROM crimes c
WHERE c.geom IS NOT NULL AND {{months}} AND (
    EXISTS (SELECT 1 FROM hotspots h WHERE ST_DWithin(h.geom, c.geom, %(reach)s))
    OR EXISTS (SELECT 1 FROM control_areas k WHERE ST_DWithin(k.geom, c.geom, %(margin)s)))
GROUP BY c.month, c.lon, c.lat
"""


def refresh_counts(cursor, months: list[str] | None) -> None:
    """Tally the points near the areas for the months given (every month when None)."""
    where = "{}month = ANY(%(months)s::date[])" if months is not None else "true"
    cursor.execute("SET LOCAL jit = off")  # new partitions lack statistics: JIT would cost seconds
    ring_m = cursor.execute("SELECT ring_m FROM store_state").fetchone()[0]
    values = {"months": months, "reach": ring_m + REACH_MARGIN_M, "margin": REACH_MARGIN_M}
    cursor.execute(f"DELETE FROM near_point_counts WHERE {where.format('')}", values)
    cursor.execute(_NEAR_ROWS.format(months=where.format("c.")), values)


_ASB_POINTS = """
INSERT INTO asb_point_counts (month, lon, lat, asb)
SELECT month, lon, lat, count(*) FROM crimes
WHERE month = ANY(%(months)s::date[]) AND crime_type = %(asb)s AND geom IS NOT NULL
GROUP BY month, lon, lat
"""


def refresh_asb_points(cursor, months: list[str]) -> None:
    """Tally the located ASB per map point for the months given, every force's rows together."""
    values = {"months": months, "asb": ASB}
    cursor.execute("DELETE FROM asb_point_counts WHERE month = ANY(%(months)s::date[])", values)
    cursor.execute(_ASB_POINTS, values)
