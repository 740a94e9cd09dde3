"""Writing an import's checked content into a PostgreSQL store, inside the import's transaction:
hotspots (every replaced outline kept in `hotspot_history`), control areas, the patrol log (its
visits without notes or officer ids, what the data page reports of it, and the file itself), and
one month of one force's crime rows (its partition made by the first import of the month)."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import geopandas as gpd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely

from geo.errors import HotspotDataError
from geo.io.patrols import log_problems, read_patrols
from geo.schema import OUTCOME_COLUMNS, POLICE_UK_HEADER
from geo.store.crime_months import CrimePart
from geo.store.imports.staged import StagedPatrols

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


def write_hotspots(cursor, frame: gpd.GeoDataFrame, import_id: int, check_patrols: bool) -> None:
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


def write_areas(cursor, table: str, frame: gpd.GeoDataFrame, import_id: int) -> None:
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


def write_patrols(cursor, patrols: StagedPatrols, import_id: int) -> None:
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


def write_crime_part(cursor, part: CrimePart, import_id: int) -> bool:
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
    _write_counts(cursor, month, part)
    return replaced is not None


def _write_counts(cursor, month: str, part: CrimePart) -> None:
    """Keep the part's counts as the import counted them (geo.store.crime_months), so that loads
    read them in place of its rows: per month and force, and per crime type."""
    key = (month, part.force)
    cursor.execute("DELETE FROM month_counts WHERE month = %s AND reported_by = %s", key)
    cursor.execute(
        "INSERT INTO month_counts (month, reported_by, crime, asb, no_location, located_asb)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (*key, part.rows, part.asb, part.no_location, part.located_asb),
    )
    cursor.execute("DELETE FROM type_month_counts WHERE month = %s AND reported_by = %s", key)
    cursor.executemany(
        "INSERT INTO type_month_counts (month, reported_by, crime_type, rows, duplicates)"
        " VALUES (%s, %s, %s, %s, %s)",
        [(*key, kind, rows, duplicates) for kind, rows, duplicates in part.types],
    )


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
