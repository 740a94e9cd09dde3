"""A dataset read from the PostgreSQL store: outlines, patrols, counts and visits, never crime
rows nor pings.

The store keeps, per month, every distinct police.uk map point within reach of a hotspot, its
displacement ring or a control area, with its crime and ASB counts; per month and force the
totals and the rows and exact duplicates of each crime type (for flagged months); and per month
every map point of located ASB (for the untreated comparison squares). Imports keep these for the
months they touch, so a load reads no crime row, and the GPS visits (geo.store.postgres.pings), so a
load reads no ping: built under the importing process's visit rules, which an instance whose own
rules differ uses too (geo.app.load says so). Imports also keep where each point lies
(geo.store.postgres.places, worked out with the app's own test), so a load tests no point; one whose
ring width differs from the places' tests the points with the same code as for a folder
(geo.counting.aggregate). Both stores give the same figures to the last digit.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa

from geo.counting.aggregate import count_crimes
from geo.counting.areas import area_counts, placed_area_counts
from geo.counting.incidents import IncidentRows, Incidents
from geo.counting.visits import VisitRules
from geo.errors import HotspotDataError
from geo.store.loaded import StoredDataset
from geo.store.postgres.connection import check_schema, connect, redacted
from geo.store.postgres.pings import stored_visits
from geo.store.postgres.places import load_places
from geo.store.postgres.reading import (
    MONTH_ORDINAL,
    asb_rows,
    copied,
    month_counts,
    near_rows,
    outlines,
    patrol_log,
    placed_ring_of,
    type_month_counts,
)


def load_database(url: str, ring_m: int, rules: VisitRules) -> StoredDataset:
    """Read the store's dataset in one consistent snapshot, with displacement rings `ring_m` wide
    and the shortest visit of `rules` (the others are the ones visits were built with at
    import); HotspotDataError when unusable."""

    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        version, stored_ring, sample_note = connection.execute(
            "SELECT version, ring_m, sample_note FROM store_state"
        ).fetchone()
        placed_ring = placed_ring_of(connection)
        if ring_m > stored_ring:
            raise HotspotDataError(
                f"the database counts crimes within {stored_ring} m rings, and "
                f"HOTSPOT_RING_M is {ring_m}; run `python -m geo db upgrade --data URL "
                f"--ring-m {ring_m}` to recount",
                path=redacted(url),
            )
        hotspots = outlines(connection, "hotspots")
        if hotspots.empty:
            raise HotspotDataError(
                "holds no hotspots; import them with `python -m geo import --data URL "
                "hotspots FILE`",
                path=redacted(url),
            )
        control = outlines(connection, "control_areas")
        log = patrol_log(connection)
        gps = stored_visits(connection, hotspots, rules.min_visit_min)
        force, located = month_counts(connection)
        if force.empty:
            raise HotspotDataError(
                "holds no crime rows; import police.uk street files with "
                "`python -m geo import --data URL crimes FILE…`",
                path=redacted(url),
            )
        type_counts = type_month_counts(connection)
        if placed_ring == ring_m:  # placed at import with the app's code: no point to test
            point_months, places, comparison = load_places(connection)
        else:
            near, asb = near_rows(connection), asb_rows(connection)
    if placed_ring == ring_m:
        counts, areas = placed_area_counts(
            point_months, places, hotspots, ring_m, located, comparison,
            control if not control.empty else None,
        )  # fmt: skip
        counts = dataclasses.replace(counts, force=force)
    else:
        counts = dataclasses.replace(count_crimes(near, hotspots), force=force)
        areas = area_counts(
            near, hotspots, ring_m, control if not control.empty else None, located=located,
            asb_rows=asb,
        )  # fmt: skip
    return StoredDataset(
        hotspots=hotspots,
        counts=counts,
        areas=areas,
        type_counts=type_counts,
        version=f"pg-{version}-{stored_ring}",
        is_sample=sample_note is not None,
        patrol_log=log if len(log) else None,
        gps=gps,
    )


def stored_patrol_problems(url: str) -> pd.DataFrame:
    """What the data page reports of the stored patrol log (problem, rows, detail), as worked out
    by its import: the log itself, with its notes and officer ids, is not read."""
    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        rows = connection.execute(
            "SELECT problem, rows, detail FROM patrol_problems ORDER BY seq"
        ).fetchall()
    return pd.DataFrame(
        [(problem, list(numbers), detail) for problem, numbers, detail in rows],
        columns=["problem", "rows", "detail"],
    )


def database_incidents(url: str) -> IncidentRows:
    """The store's counts per month and type and its hotspots, read now; a type's rows (with
    their Location text) read when asked, in a snapshot of their own."""
    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        hotspots = outlines(connection, "hotspots")
        type_counts = type_month_counts(connection)

    def incidents_of(crime_type: str) -> Incidents:
        with connect(url, snapshot=True) as connection:
            month, lon, lat, text = copied(
                connection,
                f"SELECT {MONTH_ORDINAL}, lon, lat, location FROM crimes WHERE crime_type = %s",
                [pa.int32(), pa.float64(), pa.float64(), pa.string()],
                (crime_type,),
            )
        codes, names = pd.factorize(pd.Series(text, dtype=object).fillna(""))
        return Incidents(
            month=month.astype(np.int32),
            lon=np.asarray(lon, dtype=float),
            lat=np.asarray(lat, dtype=float),
            location_code=codes.astype(np.int64),
            location_names=np.asarray(names, dtype=object),
        )

    return IncidentRows(type_counts, incidents_of, hotspots if len(hotspots) else None)
