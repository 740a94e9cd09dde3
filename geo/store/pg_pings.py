"""GPS pings in the PostgreSQL store: imported files, their pings, and the pings that count.

A ping import checks each file with the reader the app uses and pseudonymises its officer ids
(geo.store.pings_store), with HOTSPOT_PSEUDONYM_KEY when set, else the key kept in the database
(made at the first ping import, readable by import roles only). Each file is kept under the month
of its first ping (UK time), a file of the same name in that month being replaced, and its pings
go to that month's partition of `pings`. The same transaction works out, with the app's own code
(geo.analysis.visits), which pings count for which hotspot under the visit rules in use, and keeps
them in `counting_pings`: an app instance joins those into visits at load, as the folder store does
from its cache, and reads the raw pings only when its rules choose pings differently.
"""

from __future__ import annotations

import io
import re
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa

from geo.analysis.visits import (
    CountingPings,
    HotspotIndex,
    VisitResult,
    VisitRules,
    build_visits,
    counting_pings,
)
from geo.errors import HotspotDataError
from geo.io.pings import Officers, PingBlock, PingStats, read_pings
from geo.store.pings_store import KEY_BYTES, StagedPings, key_from_environment
from geo.store.postgres import copy_rows

_TARGET = re.compile(r"^pings/(\d{4})-(\d{2})/([A-Za-z0-9._-]+)\.csv$")


def database_key(cursor) -> tuple[bytes, bool]:
    """The key for officer pseudonyms, and whether it is new (to be stored with the import)."""
    given = key_from_environment()
    if given is not None:
        return given, False
    row = cursor.execute("SELECT key FROM pseudonym_key").fetchone()
    if row is not None:
        return bytes(row[0]), False
    return secrets.token_bytes(KEY_BYTES), True


def keep_key(cursor, key: tuple[bytes, bool]) -> None:
    """Store a new key, or check that the stored one is still the one the files were checked with
    (under the import lock, so two first imports cannot make two keys)."""
    if key_from_environment() is not None:
        return
    row = cursor.execute("SELECT key FROM pseudonym_key").fetchone()
    if key[1] and row is None:
        cursor.execute("INSERT INTO pseudonym_key (key) VALUES (%s)", (key[0],))
    elif row is None or bytes(row[0]) != key[0]:
        raise HotspotDataError("another import changed the pseudonym key meanwhile; import again")


def write_ping_files(
    cursor, files: Sequence[StagedPings], import_id: int
) -> tuple[list[str], list[int]]:
    """Store each checked file and its pings, replacing a file of the same name and month; say
    what changed and give the files' ids."""
    lines, ids = [], []
    for item in sorted(files, key=lambda f: f.target):
        match = _TARGET.match(item.target)
        if match is None:
            raise HotspotDataError(f"cannot be stored as {item.target}", path=item.source)
        year, number, name = int(match.group(1)), int(match.group(2)), match.group(3)
        month = f"{year:04d}-{number:02d}-01"
        _ensure_partition(cursor, year, number)
        old = cursor.execute(
            "DELETE FROM ping_files WHERE month = %s AND name = %s RETURNING file_id",
            (month, name),
        ).fetchone()
        if old is not None:
            cursor.execute("DELETE FROM pings WHERE month = %s AND file_id = %s", (month, old[0]))
        officers, stats, blocks = _read(item)
        file_id = cursor.execute(
            "INSERT INTO ping_files (month, name, source, data, rows, no_fix, ambiguous,"
            " officers, first_at, last_at, import_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING file_id",
            (
                month, name, item.source, item.data, stats.rows, stats.no_fix, stats.ambiguous,
                officers, item.first.to_pydatetime(), item.last.to_pydatetime(), import_id,
            ),
        ).fetchone()[0]  # fmt: skip
        _copy_pings(cursor, month, file_id, officers, blocks)
        ids.append(file_id)
        verb = "replaced" if old is not None else "added"
        lines.append(f"pings {item.target}: {verb}, {item.what()}")
    return lines, ids


def refresh_counting(
    cursor, hotspots: gpd.GeoDataFrame, rules: VisitRules, file_ids: list[int] | None
) -> None:
    """Work out the counting pings of the files given (of every file when None, or when the
    stored ones were chosen by other rules) for the hotspots in their stored order."""
    stored = cursor.execute("SELECT tolerance_m, max_accuracy_m FROM ping_rules").fetchone()
    if stored != (rules.tolerance_m, rules.max_accuracy_m):
        file_ids = None
        cursor.execute(
            "INSERT INTO ping_rules (tolerance_m, max_accuracy_m) VALUES (%s, %s)"
            " ON CONFLICT (one) DO UPDATE SET tolerance_m = excluded.tolerance_m,"
            " max_accuracy_m = excluded.max_accuracy_m",
            (rules.tolerance_m, rules.max_accuracy_m),
        )
    if file_ids is None:
        cursor.execute("DELETE FROM counting_pings")
        file_ids = [r[0] for r in cursor.execute("SELECT file_id FROM ping_files")]
    else:
        cursor.execute("DELETE FROM counting_pings WHERE file_id = ANY(%s)", (file_ids,))
    if not file_ids or hotspots.empty:
        return
    index = HotspotIndex.build(hotspots, rules.tolerance_m)
    for file_id in file_ids:
        _copy_counting(
            cursor, file_id, counting_pings(_stored_block(cursor, file_id), index, rules)
        )


def _copy_counting(cursor, file_id: int, part) -> None:
    """A file's counting pings, numbered in their order (one COPY)."""
    rows = len(part.seconds)
    copy_rows(
        cursor,
        "counting_pings",
        {
            "file_id": np.full(rows, file_id, dtype=np.int64),
            "seq": np.arange(rows, dtype=np.int64),
            **{
                name: np.asarray(getattr(part, name), dtype=np.int64)
                for name in ("hotspot", "officer", "role", "seconds")
            },
        },
    )


def load_visits(connection, hotspots: gpd.GeoDataFrame, rules: VisitRules) -> VisitResult | None:
    """The visits to each hotspot from the stored pings (None when the store holds none), from
    the counting pings when they were chosen by these rules, else from the pings themselves."""
    files = connection.execute(
        "SELECT file_id, officers, rows, no_fix, ambiguous FROM ping_files"
        ' ORDER BY month, name COLLATE "C"'
    ).fetchall()
    if not files:
        return None
    stored = connection.execute("SELECT tolerance_m, max_accuracy_m FROM ping_rules").fetchone()
    kept = stored == (rules.tolerance_m, rules.max_accuracy_m)
    index = None if kept else HotspotIndex.build(hotspots, rules.tolerance_m)
    by_file = _stored_counting(connection) if kept else {}
    officers, stats, parts = Officers(), PingStats(), []
    for file_id, names, rows, no_fix, ambiguous in files:
        if kept:
            part = by_file.get(file_id, CountingPings.join([]))
        else:
            part = counting_pings(_stored_block(connection, file_id), index, rules)
        codes = pa.DictionaryArray.from_arrays(
            pa.array(part.officer, pa.int32()), pa.array(list(names), pa.string())
        )
        parts.append(part.recoded(officers.encode(codes)))
        stats.merge(PingStats(rows=rows, no_fix=no_fix, ambiguous=ambiguous, files=1))
    visits = build_visits(CountingPings.join(parts), rules)
    return VisitResult(visits, stats, rules, hotspots["hotspot_id"].to_numpy(dtype=object))


def visits_pg(url: str, rules: VisitRules) -> VisitResult | None:
    """The visits of a database store's pings under `rules`, read in one snapshot."""
    from geo.store.pg_dataset import _areas
    from geo.store.postgres import check_schema, connect

    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        return load_visits(connection, _areas(connection, "hotspots"), rules)


def _stored_counting(connection) -> dict[int, CountingPings]:
    """Every file's counting pings, in the order they were found."""
    buffer = io.BytesIO()
    query = (
        "COPY (SELECT file_id, hotspot, officer, role, seconds FROM counting_pings"
        " ORDER BY file_id, seq) TO STDOUT (FORMAT csv)"
    )
    with connection.cursor().copy(query) as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.getbuffer().nbytes:
        return {}
    table = np.loadtxt(io.BytesIO(buffer.getvalue()), delimiter=",", dtype=np.int64, ndmin=2)
    found = {}
    file_ids, starts = np.unique(table[:, 0], return_index=True)
    ends = np.append(starts[1:], len(table))
    for file_id, start, end in zip(file_ids, starts, ends, strict=True):
        rows = table[start:end]
        found[int(file_id)] = CountingPings(
            hotspot=rows[:, 1].astype(np.int32),
            officer=rows[:, 2].astype(np.int32),
            role=rows[:, 3].astype(np.int8),
            seconds=rows[:, 4].astype(np.int64),
        )
    return found


def _stored_block(connection, file_id: int) -> PingBlock:
    """One stored file's pings as the reader gives them (officers coded by first appearance)."""
    rows = connection.execute(
        "SELECT array_position(f.officers, p.officer) - 1, extract(epoch FROM p.at)::bigint,"
        " p.lon, p.lat, coalesce(p.accuracy_m, 'NaN'), p.role"
        " FROM pings p JOIN ping_files f USING (month, file_id)"
        " WHERE p.file_id = %s ORDER BY p.row_no",
        (file_id,),
    ).fetchall()
    table = np.array(rows, dtype=float).reshape(-1, 6)
    return PingBlock(
        officer=table[:, 0].astype(np.int32),
        seconds=table[:, 1].astype(np.int64),
        lon=table[:, 2],
        lat=table[:, 3],
        accuracy=table[:, 4],
        role=table[:, 5].astype(np.int8),
    )


def _read(item: StagedPings) -> tuple[list[str], PingStats, list[PingBlock]]:
    """The pseudonymised file read back as the app reads it: officers, counts and pings."""
    officers, stats = Officers(), PingStats(files=1)
    with tempfile.TemporaryDirectory(prefix="hotspot-pings-") as tmp:
        path = Path(tmp) / "pings.csv"
        path.write_bytes(item.data)
        blocks = list(read_pings(path, officers, label=item.source))
    for block in blocks:
        stats.add(block)
    return list(officers.codes), stats, blocks


def _copy_pings(cursor, month: str, file_id: int, officers: list[str], blocks) -> None:
    """The file's pings into its month's partition, in file order (one COPY)."""
    names = np.array(officers, dtype=object)
    parts = {
        name: np.concatenate([getattr(b, name) for b in blocks]) if blocks else np.zeros(0)
        for name in ("officer", "role", "seconds", "lon", "lat", "accuracy")
    }
    rows = len(parts["seconds"])
    copy_rows(
        cursor,
        "pings",
        {
            "month": pa.array(np.full(rows, np.datetime64(month, "D"))),
            "file_id": np.full(rows, file_id, dtype=np.int64),
            "row_no": np.arange(rows, dtype=np.int64),
            "officer": pa.array(names[parts["officer"].astype(np.int64)], pa.string()),
            "role": parts["role"].astype(np.int64),
            "at": pa.array(parts["seconds"].astype(np.int64), pa.timestamp("s", tz="UTC")),
            "lon": parts["lon"].astype(float),
            "lat": parts["lat"].astype(float),
            "accuracy_m": pa.array(
                parts["accuracy"].astype(float), mask=np.isnan(parts["accuracy"].astype(float))
            ),
        },
    )


def _ensure_partition(cursor, year: int, number: int) -> None:
    """The month's partition of `pings`, made by the first import of that month."""
    from psycopg import sql

    following = f"{year + number // 12:04d}-{number % 12 + 1:02d}-01"
    cursor.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} PARTITION OF pings FOR VALUES FROM ({}) TO ({})"
        ).format(
            sql.Identifier(f"pings_{year:04d}_{number:02d}"),
            sql.Literal(f"{year:04d}-{number:02d}-01"),
            sql.Literal(following),
        )
    )
