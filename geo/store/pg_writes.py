"""Imports into the PostgreSQL store: checked files written in one transaction each.

Files are checked by the same readers as a folder import (geo.store.importer); the writing then
runs in one transaction that first takes the store's advisory lock, so imports into one database
run one at a time and one killed half-way leaves the previous state. A month and force the store
already holds is replaced, never doubled (`crime_files` has one row per month and force). The
counts app instances read are recomputed for the months an import touched only; a hotspot import
recomputes the counts near the areas for every month, as a new outline changes every month's
counts (the per-month tables that do not depend on outlines are left as they are).
"""

from __future__ import annotations

import io
import os
import re
import socket
import tempfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely

from geo.access import Actor, os_user
from geo.errors import HotspotDataError
from geo.io.crimes import ASB, POLICE_UK_HEADER
from geo.io.hotspots import read_hotspots
from geo.io.patrols import OUTCOME_COLUMNS, log_problems, read_patrols
from geo.store.crime_months import CrimePart
from geo.store.dataset import visit_rules
from geo.store.importer import (
    HOTSPOT_FILE,
    MAX_UPLOAD_BYTES,
    InputFile,
    Staged,
    StagedPatrols,
    check_crimes,
    check_hotspots,
    check_patrols,
    check_pings,
    database_ping_key,
)
from geo.store.pg_dataset import _areas
from geo.store.pg_pings import keep_key, refresh_counting, write_ping_files
from geo.store.pg_places import refresh_places
from geo.store.postgres import IMPORT_LOCK, check_schema, connect, redacted
from geo.words import count_text

REACH_MARGIN_M = 100
"""Extra metres round each hotspot's ring within which points are kept: the app and PostGIS may
project a little differently, and a point just outside a ring must still reach the app's test."""
_TEXT_COLUMNS = {
    "Crime ID": "crime_id",
    "Longitude": "longitude",
    "Latitude": "latitude",
    "Falls within": "falls_within",
    "Location": "location",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Crime type": "crime_type",
    "Last outcome category": "last_outcome",
    "Context": "context",
}
_STAGE_COLUMNS = ["row_no", *_TEXT_COLUMNS.values()]


def import_files_pg(url: str, kind: str, paths: Sequence[str | Path]) -> tuple[Staged, list[str]]:
    """Check files of one kind (`hotspots`, `crimes`, `patrols`, `pings`) and write them to the
    store."""
    files = [InputFile.of(p) for p in paths]
    if kind in ("hotspots", "patrols") and len(files) != 1:
        raise HotspotDataError(f"give exactly one {kind} file (got {len(files)})")
    staged = Staged()
    if kind == "hotspots":
        staged.hotspots, staged.findings = check_hotspots(files[0])
    elif kind == "crimes":
        staged.crimes, staged.findings = check_crimes(files)
    elif kind == "patrols":
        staged.patrols = check_patrols(files[0], None)
    elif kind == "pings":
        key = database_ping_key(url)
        check_pings(staged, redacted(url), files, lambda _f, _t: None, MAX_UPLOAD_BYTES, key)
    else:
        raise HotspotDataError(
            f"'{kind}' is not something to import: hotspots, crimes, patrols or pings"
        )
    staged.raise_first()
    return staged, commit_pg(staged, url)


def commit_pg(
    staged: Staged,
    url: str,
    control: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    sample_note: str | None = None,
    into_empty: bool = False,
    who: Actor | None = None,
) -> list[str]:
    """Write checked content in one transaction under the import lock; return what changed.

    `hotspots` (a frame as read_hotspots gives), `control` and `sample_note` (the SAMPLE.md of
    the generated sample) are for copying a folder whole, `into_empty` to refuse a store that
    already holds a dataset (checked under the lock); `who` is the app's signed-in user, logged
    beside the database role and this process.
    """
    staged.raise_first()
    frame = hotspots if hotspots is not None else _stored_hotspots(staged)
    if (
        frame is None
        and not staged.crimes
        and staged.patrols is None
        and control is None
        and not staged.pings
    ):
        raise HotspotDataError("nothing to import")
    kind = "+".join(
        k
        for k, present in (
            ("hotspots", frame is not None),
            ("crimes", bool(staged.crimes)),
            ("patrols", staged.patrols is not None),
            ("control", control is not None),
            ("pings", bool(staged.pings)),
        )
        if present
    )
    sources = sorted(
        {p.source for p in staged.crimes}
        | ({staged.hotspots.source} if staged.hotspots else set())
        | ({staged.patrols.source} if staged.patrols else set())
        | {p.source for p in staged.pings}
    )
    lines: list[str] = []
    with connect(url) as connection:
        check_schema(connection, url)
        with connection.transaction(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
            if (
                into_empty
                and cursor.execute(
                    "SELECT EXISTS (SELECT FROM hotspots) OR EXISTS (SELECT FROM crime_files)"
                ).fetchone()[0]
            ):
                raise HotspotDataError(
                    "already holds a dataset; copy into a new, empty database", path=redacted(url)
                )
            if cursor.execute("SELECT sample_note FROM store_state").fetchone()[0] is not None:
                raise HotspotDataError(
                    "is a copy of the generated sample dataset, which imports do not change; "
                    "set HOTSPOT_DATA (or --data) to your own dataset",
                    path=redacted(url),
                )
            if sample_note is not None:
                cursor.execute("UPDATE store_state SET sample_note = %s", (sample_note,))
            import_id = cursor.execute(
                "INSERT INTO import_log (kind, client, sources) VALUES (%s, %s, %s)"
                " RETURNING import_id",
                (
                    kind,
                    _client() if who is None else f"{who.name} ({who.how}) via {_client()}",
                    sources,
                ),
            ).fetchone()[0]
            rows = 0
            if frame is not None:
                _write_hotspots(cursor, frame, import_id, staged.patrols is None)
                lines.append(f"hotspots: {len(frame)} outlines (replaced ones kept in history)")
            if control is not None:
                _write_areas(cursor, "control_areas", control, import_id)
                lines.append(f"control areas: {len(control)}")
            if staged.patrols is not None:
                _write_patrols(cursor, staged.patrols, import_id)
                lines.append(f"patrols: {count_text(len(staged.patrols.frame), 'visit')}")
                rows += len(staged.patrols.frame)
            months = []
            for part in sorted(staged.crimes, key=lambda p: p.key):
                replaced = _write_crime_part(cursor, part, import_id)
                months.append(f"{part.month}-01")
                rows += part.rows
                verb = "replaced" if replaced else "added"
                lines.append(
                    f"crimes {part.month} {part.force}: {verb}, {count_text(part.rows, 'row')}"
                )
            ping_ids: list[int] | None = []
            if staged.pings:
                if staged.ping_key is not None:
                    keep_key(cursor, staged.ping_key)
                written, ping_ids = write_ping_files(cursor, staged.pings, import_id)
                lines.extend(written)
                rows += sum(p.rows for p in staged.pings)
            if frame is not None or staged.pings:
                outlines = _areas(cursor, "hotspots")
                refresh_counting(
                    cursor, outlines, visit_rules(), None if frame is not None else ping_ids
                )
            if frame is not None or control is not None:
                refresh_counts(cursor, None)
            elif months:
                refresh_counts(cursor, sorted(set(months)))
            if months:
                refresh_month_tables(cursor, sorted(set(months)))
            if frame is not None or control is not None:
                refresh_places(cursor, None)
            elif months:
                refresh_places(cursor, sorted(set(months)))
            cursor.execute(
                "UPDATE import_log SET finished_at = clock_timestamp(), months = %s::date[],"
                " rows = %s WHERE import_id = %s",
                (sorted(set(months)), rows, import_id),
            )
            cursor.execute("UPDATE store_state SET version = version + 1")
    return lines


def plan_rows_pg(staged: Staged, url: str) -> list[dict[str, str]]:
    """What committing `staged` to the store would do as it is now: action, what, rows."""
    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        held = {
            (f"{month:%Y-%m}", force)
            for month, force in connection.execute("SELECT month, reported_by FROM crime_files")
        }
        hotspots, visits = connection.execute(
            "SELECT (SELECT count(*) FROM hotspots), (SELECT count(*) FROM patrols)"
        ).fetchone()
    rows = []
    if staged.hotspots is not None:
        rows.append(
            {
                "action": "replace" if hotspots else "add",
                "file": "hotspots",
                "what": count_text(len(staged.hotspots.frame), "hotspot")
                + (f"; the {hotspots:,} held go to the history" if hotspots else ""),
            }
        )
    for part in sorted(staged.crimes, key=lambda p: p.key):
        rows.append(
            {
                "action": "replace" if (part.month, part.force) in held else "add",
                "file": f"crimes {part.month} {part.force}",
                "what": f"{count_text(part.rows, 'row')} from {part.source}",
            }
        )
    if staged.patrols is not None:
        note = f"; replaces the whole patrol log of {count_text(visits, 'visit')}" if visits else ""
        rows.append(
            {
                "action": "replace" if visits else "add",
                "file": "patrols",
                "what": f"{count_text(len(staged.patrols.frame), 'visit')}{note}",
            }
        )
    return rows


def set_ring_width(url: str, ring_m: int) -> None:
    """Keep crimes near enough for rings `ring_m` wide, recounting every month (one transaction)."""
    if not 10 <= ring_m <= 5000:
        raise HotspotDataError(f"--ring-m is {ring_m}; give a width in metres, 10 to 5000")
    with connect(url) as connection:
        check_schema(connection, url)
        with connection.transaction(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
            cursor.execute("UPDATE store_state SET ring_m = %s", (ring_m,))
            refresh_counts(cursor, None)
            refresh_places(cursor, None)
            cursor.execute("UPDATE store_state SET version = version + 1")


def _client() -> str:
    """Who ran the import on which machine (the database role is logged beside it): the
    operating-system account, never a name from the environment."""
    return f"{os_user()}@{socket.gethostname()} pid {os.getpid()}"


def _stored_hotspots(staged: Staged) -> gpd.GeoDataFrame | None:
    """The staged hotspots as the folder store would read them back (its GeoJSON), so both stores
    hold the same coordinates."""
    if staged.hotspots is None:
        return None
    with tempfile.TemporaryDirectory(prefix="hotspot-pg-") as tmp:
        path = Path(tmp) / HOTSPOT_FILE
        path.write_bytes(staged.hotspots.data)
        return read_hotspots(path)


def _write_hotspots(cursor, frame: gpd.GeoDataFrame, import_id: int, check_patrols: bool) -> None:
    """Replace the hotspots, keeping every changed or removed outline in `hotspot_history`."""
    if check_patrols:
        named = {r[0] for r in cursor.execute("SELECT DISTINCT hotspot_id FROM patrols")}
        missing = sorted(named - set(frame["hotspot_id"]))
        if missing:
            raise HotspotDataError(
                f"the stored patrol log names hotspot_id '{missing[0]}', which these hotspots "
                "lack; import hotspots and patrol log together",
                column="hotspot_id",
            )
    cursor.execute("CREATE TEMP TABLE new_hotspots (LIKE hotspots) ON COMMIT DROP")
    _copy_areas(cursor, "new_hotspots", frame, import_id)
    cursor.execute(
        "INSERT INTO hotspot_history SELECT h.*, %s FROM hotspots h WHERE NOT EXISTS ("
        " SELECT 1 FROM new_hotspots n WHERE n.hotspot_id = h.hotspot_id AND n.name = h.name"
        " AND n.town = h.town AND n.started IS NOT DISTINCT FROM h.started"
        " AND ST_AsBinary(n.geom_wgs84) = ST_AsBinary(h.geom_wgs84))",
        (import_id,),
    )
    cursor.execute("DELETE FROM hotspots")
    cursor.execute("INSERT INTO hotspots SELECT * FROM new_hotspots")


def _write_areas(cursor, table: str, frame: gpd.GeoDataFrame, import_id: int) -> None:
    """Replace the rows of an outline table (control areas) with `frame`."""
    cursor.execute(f"DELETE FROM {table}")
    _copy_areas(cursor, table, frame, import_id)


def _copy_areas(cursor, table: str, frame: gpd.GeoDataFrame, import_id: int) -> None:
    """Outlines as read (WGS84, exact coordinates) and in the British National Grid."""
    wkb = shapely.to_wkb(frame.geometry.to_numpy(), include_srid=False)
    rows = [
        (
            str(hotspot_id),
            position,
            str(name),
            str(town),
            None if started is None or started != started else started.date(),
            geometry,
            import_id,
        )
        for position, (hotspot_id, name, town, started, geometry) in enumerate(
            zip(frame["hotspot_id"], frame["name"], frame["town"], frame["started"], wkb)
        )
    ]
    cursor.executemany(
        f"INSERT INTO {table} (hotspot_id, position, name, town, started, geom_wgs84, geom,"
        " import_id) VALUES (%s, %s, %s, %s, %s, ST_GeomFromWKB(%s, 4326),"
        " ST_Transform(ST_GeomFromWKB(%s, 4326), 27700), %s)",
        [(*row[:6], row[5], row[6]) for row in rows],
    )


def _write_patrols(cursor, patrols: StagedPatrols, import_id: int) -> None:
    """Replace the patrol log: its visits as checked, and the file itself."""
    known = {r[0] for r in cursor.execute("SELECT hotspot_id FROM hotspots")}
    new_ids = set(patrols.frame["hotspot_id"])
    if known or new_ids:
        unknown = sorted(new_ids - known)
        if unknown:
            raise HotspotDataError(
                f"names hotspot_id '{unknown[0]}', which the dataset's hotspots lack",
                path=patrols.source,
                column="hotspot_id",
            )
    cursor.execute("DELETE FROM patrols")
    _copy_patrols(cursor, "patrols", patrols.frame, import_id)
    _keep_problems(cursor, patrols.frame)
    cursor.execute(
        "INSERT INTO patrol_file (data, source, import_id) VALUES (%s, %s, %s)"
        " ON CONFLICT (one) DO UPDATE SET data = excluded.data, source = excluded.source,"
        " import_id = excluded.import_id",
        (patrols.data, patrols.source, import_id),
    )


_PATROL_COLUMNS = (
    "row_no", "hotspot_id", "start_time", "end_time", "officers", "arrests", "engagements",
    "hours", "patrol_type", *OUTCOME_COLUMNS, "import_id",
)  # fmt: skip
"""The columns of `patrols`: the log's checked visits without notes or officer ids."""


def _copy_patrols(cursor, table: str, frame, import_id: int) -> None:
    """The checked log's visits into `table` (`patrols` or a copy of it), numbered in file order;
    an empty outcome cell goes in as NULL (not recorded)."""
    columns = ", ".join(_PATROL_COLUMNS)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row_no, row in enumerate(frame.itertuples(index=False)):
            outcomes = [getattr(row, c) for c in OUTCOME_COLUMNS]
            copy.write_row(
                (
                    row_no, row.hotspot_id, row.start.to_pydatetime(), row.end.to_pydatetime(),
                    int(row.officers), int(row.arrests), int(row.engagements), float(row.hours),
                    row.patrol_type, *(None if v != v else int(v) for v in outcomes), import_id,
                )
            )  # fmt: skip


def keep_patrol_details(cursor) -> None:
    """Fill the patrol types, outcomes and problems of a log imported before the store kept
    them, from the file stored with it (within `db upgrade`'s transaction)."""
    stored = cursor.execute("SELECT data, source, import_id FROM patrol_file").fetchone()
    if stored is None:
        return
    with tempfile.TemporaryDirectory(prefix="hotspot-patrols-") as tmp:
        path = Path(tmp) / "patrols.csv"
        path.write_bytes(bytes(stored[0]))
        frame = read_patrols(path)
    held = cursor.execute("SELECT count(*) FROM patrols").fetchone()[0]
    if held != len(frame):
        raise HotspotDataError(
            f"the stored patrol log ({stored[1]}) has {len(frame):,} visits where the store "
            f"holds {held:,}; import the patrol log again"
        )
    _keep_problems(cursor, frame)
    cursor.execute("CREATE TEMPORARY TABLE read_again (LIKE patrols) ON COMMIT DROP")
    _copy_patrols(cursor, "read_again", frame, stored[2])
    updated = ", ".join(f"{c} = r.{c}" for c in ("patrol_type", *OUTCOME_COLUMNS))
    cursor.execute(f"UPDATE patrols p SET {updated} FROM read_again r WHERE p.row_no = r.row_no")


def _keep_problems(cursor, log) -> None:
    """What the data page reports of the checked log (geo.io.patrols.log_problems), in place of
    any kept before."""
    cursor.execute("DELETE FROM patrol_problems")
    problems = log_problems(log)
    cursor.executemany(
        "INSERT INTO patrol_problems (seq, problem, rows, detail) VALUES (%s, %s, %s, %s)",
        [
            (seq, problem, [int(r) for r in rows], detail)
            for seq, (problem, rows, detail) in enumerate(problems.itertuples(index=False))
        ],
    )


def _write_crime_part(cursor, part: CrimePart, import_id: int) -> bool:
    """Replace one month of one force with the part's rows; True when it was already held."""
    month = f"{part.month}-01"
    _ensure_partition(cursor, part.month)
    replaced = cursor.execute(
        "DELETE FROM crime_files WHERE month = %s AND reported_by = %s RETURNING 1",
        (month, part.force),
    ).fetchone()
    cursor.execute("DELETE FROM crimes WHERE month = %s AND reported_by = %s", (month, part.force))
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS crime_stage (row_no integer, "
        + ", ".join(f"{c} text" for c in _TEXT_COLUMNS.values())
        + ") ON COMMIT DROP"
    )
    cursor.execute("TRUNCATE crime_stage")
    text_columns = ", ".join(_TEXT_COLUMNS.values())
    with cursor.copy(
        f"COPY crime_stage ({', '.join(_STAGE_COLUMNS)}) FROM STDIN"
        f" (FORMAT csv, FORCE_NOT_NULL ({text_columns}))"
    ) as copy:
        copy.write(_stage_csv(part))
    cursor.execute(
        f"INSERT INTO crimes (month, reported_by, row_no, {text_columns}, import_id)"
        f" SELECT %s, %s, row_no, {text_columns}, %s FROM crime_stage",
        (month, part.force, import_id),
    )
    cursor.execute(
        "INSERT INTO crime_files (month, reported_by, slug, source, rows, import_id)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (month, part.force, part.slug, part.source, part.rows, import_id),
    )
    return replaced is not None


def _ensure_partition(cursor, month: str) -> None:
    """The month's partition of `crimes`, made by the first import of that month."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise HotspotDataError(f"'{month}' is not a month (YYYY-MM)", column="Month")
    year, number = int(month[:4]), int(month[5:7])
    following = f"{year + number // 12:04d}-{number % 12 + 1:02d}-01"
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS crimes_{year:04d}_{number:02d} PARTITION OF crimes"
        f" FOR VALUES FROM ('{year:04d}-{number:02d}-01') TO ('{following}')"
    )


def _stage_csv(part: CrimePart) -> bytes:
    """The part's rows as CSV for COPY: row number, coordinates, then the text columns."""
    options = pacsv.ConvertOptions(
        include_columns=POLICE_UK_HEADER,
        column_types={name: pa.string() for name in POLICE_UK_HEADER},
        strings_can_be_null=False,
    )
    try:
        table = pacsv.read_csv(pa.BufferReader(part.data), convert_options=options)
    except pa.ArrowException as exc:
        raise HotspotDataError(f"cannot be read as CSV ({exc})", path=part.source) from exc
    if table.num_rows != part.rows:
        raise HotspotDataError(
            f"read {table.num_rows} rows where the check found {part.rows}", path=part.source
        )
    out = pa.table(
        {
            "row_no": pa.array(range(table.num_rows), pa.int32()),
            **{column: table.column(name) for name, column in _TEXT_COLUMNS.items()},
        }
    )
    sink = io.BytesIO()
    pacsv.write_csv(out, sink, pacsv.WriteOptions(include_header=False))
    return sink.getvalue()


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
