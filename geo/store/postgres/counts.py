"""The counts a PostgreSQL store keeps so that loads read no crime row: per month and force the
rows, ASB and rows without a location; every map point within reach of a hotspot, its ring or a
control area with its crime and ASB; per month, force and crime type the rows and exact
duplicates; and the located ASB per map point. Worked out in the database, for the months an
import touched (every month when the outlines or the ring width change)."""

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
_MONTH_ROWS = f"""
INSERT INTO month_counts (month, reported_by, crime, asb, no_location, located_asb)
SELECT month, reported_by, count(*), count(*) FILTER (WHERE crime_type = '{ASB}'),
    count(*) FILTER (WHERE geom IS NULL),
    count(*) FILTER (WHERE crime_type = '{ASB}' AND geom IS NOT NULL)
FROM crimes WHERE {{months}} GROUP BY month, reported_by
"""


def refresh_counts(cursor, months: list[str] | None) -> None:
    """Recount the months given (every month when None) from the crime rows, in the database."""
    where = "{}month = ANY(%(months)s::date[])" if months is not None else "true"
    cursor.execute("SET LOCAL jit = off")  # new partitions lack statistics: JIT would cost seconds
    ring_m = cursor.execute("SELECT ring_m FROM store_state").fetchone()[0]
    values = {"months": months, "reach": ring_m + REACH_MARGIN_M, "margin": REACH_MARGIN_M}
    cursor.execute(f"DELETE FROM month_counts WHERE {where.format('')}", values)
    cursor.execute(_MONTH_ROWS.format(months=where.format("")), values)
    cursor.execute(f"DELETE FROM near_point_counts WHERE {where.format('')}", values)
    cursor.execute(_NEAR_ROWS.format(months=where.format("c.")), values)


_TYPE_ROWS = """
INSERT INTO type_month_counts (month, reported_by, crime_type, rows, duplicates)
SELECT month, reported_by, crime_type, count(*), count(*) - count(DISTINCT (
    crime_id, falls_within, longitude, latitude, location, lsoa_code, lsoa_name, last_outcome,
    context))
FROM crimes WHERE month = ANY(%(months)s::date[]) GROUP BY month, reported_by, crime_type
"""
_ASB_POINTS = """
INSERT INTO asb_point_counts (month, lon, lat, asb)
SELECT month, lon, lat, count(*) FROM crimes
WHERE month = ANY(%(months)s::date[]) AND crime_type = %(asb)s AND geom IS NOT NULL
GROUP BY month, lon, lat
"""


def refresh_month_tables(cursor, months: list[str]) -> None:
    """Recount, for the months given, what loads read in place of crime rows: rows and exact
    duplicates per month, force and crime type (a duplicate repeats every column of an earlier
    row of its month and force), and the located ASB per map point."""
    values = {"months": months, "asb": ASB}
    for table, insert in (("type_month_counts", _TYPE_ROWS), ("asb_point_counts", _ASB_POINTS)):
        cursor.execute(f"DELETE FROM {table} WHERE month = ANY(%(months)s::date[])", values)
        cursor.execute(insert, values)
