"""Everything a PostgreSQL store keeps for loads to read, brought up to date in one place after
what an import (or a new ring width) changed, inside its transaction: the pings that count and
the visits (geo.store.postgres.pings), the counts per month and map point
(geo.store.postgres.counts), and where each point lies (geo.store.postgres.places).

A new outline or control area changes every month's counts near the areas and every point's
place; crime rows change the counts of their own months only; pings change only the visits."""

from __future__ import annotations

from dataclasses import dataclass

from geo.counting.visits import VisitRules
from geo.errors import HotspotDataError
from geo.store.postgres.connection import IMPORT_LOCK, check_schema, connect
from geo.store.postgres.counts import refresh_asb_points, refresh_counts
from geo.store.postgres.pings import refresh_counting
from geo.store.postgres.places import refresh_places
from geo.store.postgres.reading import outlines


@dataclass(frozen=True)
class Touched:
    """What a change to the store touched that the kept tables depend on."""

    hotspots: bool = False
    """The hotspot outlines (visits are counted for them; counts and places near them)."""
    areas: bool = False
    """Any outline or the ring width: every month's counts near the areas, every place."""
    months: tuple[str, ...] = ()
    """Months (YYYY-MM-01) whose crime rows were written."""
    ping_files: tuple[int, ...] = ()
    """Ping files written."""


def refresh(cursor, touched: Touched, rules: VisitRules | None) -> None:
    """Recount what depends on `touched`, in the order each table needs the one before: the
    visits (under `rules`, given whenever hotspots or pings are touched), the counts near the
    areas, the per-month tables, then the places."""
    months = sorted(set(touched.months))
    if touched.hotspots or touched.ping_files:
        if rules is None:
            raise ValueError("visit rules are needed to refresh the visits")
        file_ids = None if touched.hotspots else list(touched.ping_files)
        refresh_counting(cursor, outlines(cursor, "hotspots"), rules, file_ids)
    if touched.areas:
        refresh_counts(cursor, None)
    elif months:
        refresh_counts(cursor, months)
    if months:
        refresh_asb_points(cursor, months)
    if touched.areas:
        refresh_places(cursor, None)
    elif months:
        refresh_places(cursor, months)


def set_ring_width(url: str, ring_m: int) -> None:
    """Keep crimes near enough for rings `ring_m` wide, recounting every month (one transaction)."""
    if not 10 <= ring_m <= 5000:
        raise HotspotDataError(f"--ring-m is {ring_m}; give a width in metres, 10 to 5000")
    with connect(url) as connection:
        check_schema(connection, url)
        with connection.transaction(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
            cursor.execute("UPDATE store_state SET ring_m = %s", (ring_m,))
            refresh(cursor, Touched(areas=True), None)
            cursor.execute("UPDATE store_state SET version = version + 1")
