"""GPS pings in the PostgreSQL store: imported files, their pings, the pings that count, visits.

A ping import checks each file with the reader the app uses and pseudonymises its officer ids
(geo.store.imports.pings), with HOTSPOT_PSEUDONYM_KEY when set, else the key kept in the database
(made at the first ping import, readable by import roles only). Each file is kept under the month
of its first ping (UK time), a file of the same name in that month being replaced, and its pings
go to that month's partition of `pings`. The same transaction works out, with the app's own code
(geo.counting.visits) and under the importing process's visit rules, which pings count for which
hotspot (`counting_pings`, by file), then joins every file's counting pings into visits as a
folder's load does and keeps them without officers (`ping_visits`), with the rules
(`ping_rules`) and what reading the files found (`ping_totals`). App instances read those three
only: never a ping, a pseudonym or the key.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from geo.counting.visits import (
    SHARED_VISIT_COLUMNS,
    CountingPings,
    HotspotIndex,
    VisitResult,
    VisitRules,
    build_visits,
    counting_pings,
    shared_visits,
)
from geo.errors import HotspotDataError
from geo.io.pings import Officers, PingBlock, PingStats, read_pings
from geo.store.imports.staged import StagedPings
from geo.store.postgres.connection import check_schema, connect, copy_rows, redacted
from geo.store.postgres.reading import copied, outlines
from geo.store.pseudonyms import KEY_BYTES, key_from_environment, open_private

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


def pg_ping_key(url: str) -> tuple[bytes, bool]:
    """The store's pseudonym key (made on its first ping import) for checking ping files."""
    with connect(url) as connection:
        check_schema(connection, url)
        return database_key(connection)


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
    stored ones were chosen by other rules) for the hotspots in their stored order; then build
    every visit again under `rules` (see `refresh_visits`)."""
    stored = cursor.execute("SELECT tolerance_m, max_accuracy_m FROM ping_rules").fetchone()
    if stored != (rules.tolerance_m, rules.max_accuracy_m):
        file_ids = None
    cursor.execute(
        "INSERT INTO ping_rules (tolerance_m, max_accuracy_m, max_gap_min) VALUES (%s, %s, %s)"
        " ON CONFLICT (one) DO UPDATE SET tolerance_m = excluded.tolerance_m,"
        " max_accuracy_m = excluded.max_accuracy_m, max_gap_min = excluded.max_gap_min",
        (rules.tolerance_m, rules.max_accuracy_m, rules.max_gap_min),
    )
    if file_ids is None:
        cursor.execute("DELETE FROM counting_pings")
        file_ids = [r[0] for r in cursor.execute("SELECT file_id FROM ping_files")]
    else:
        cursor.execute("DELETE FROM counting_pings WHERE file_id = ANY(%s)", (file_ids,))
    if file_ids and not hotspots.empty:
        index = HotspotIndex.build(hotspots, rules.tolerance_m)
        for file_id in file_ids:
            _copy_counting(
                cursor, file_id, counting_pings(_stored_block(cursor, file_id), index, rules)
            )
    refresh_visits(cursor, rules)


def refresh_visits(cursor, rules: VisitRules) -> None:
    """Build every visit again from every file's counting pings, as a folder's load joins them
    (one officer's pings join across files and months), and keep the visits without officers
    and what reading the files found. All files, not only those imported: a visit may run from
    one file into the next."""
    cursor.execute("DELETE FROM ping_visits")
    cursor.execute("DELETE FROM ping_totals")
    files = _files(cursor)
    if not files:
        return
    pings, stats = _joined(files, _stored_counting(cursor))
    visits = shared_visits(build_visits(pings, rules))
    copy_rows(
        cursor,
        "ping_visits",
        {
            "seq": np.arange(len(visits), dtype=np.int64),
            "hotspot": visits["hotspot"].to_numpy(dtype=np.int64),
            "role": visits["role"].to_numpy(dtype=np.int64),
            "start_at": pa.array(visits["start"].to_numpy(), pa.timestamp("s", tz="UTC")),
            "end_at": pa.array(visits["end"].to_numpy(), pa.timestamp("s", tz="UTC")),
            "pings": visits["pings"].to_numpy(dtype=np.int64),
        },
    )
    cursor.execute(
        "INSERT INTO ping_totals (files, rows, no_fix, ambiguous, first_month, last_month)"
        " SELECT %s, %s, %s, %s, min(month), max(month) FROM ping_files",
        (stats.files, stats.rows, stats.no_fix, stats.ambiguous),
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


def stored_visits(
    connection, hotspots: gpd.GeoDataFrame, min_visit_min: float
) -> VisitResult | None:
    """The visits the last import built, under the rules it built them with (and the shortest
    visit given, which applies when visits are read); None when the store holds no pings. Reads
    no ping and no officer."""
    row = connection.execute(
        "SELECT r.tolerance_m, r.max_accuracy_m, r.max_gap_min, t.files, t.rows, t.no_fix,"
        " t.ambiguous FROM ping_rules r LEFT JOIN ping_totals t ON true"
    ).fetchone()
    if row is None:
        return None
    tolerance_m, max_accuracy_m, max_gap_min, files, rows, no_fix, ambiguous = row
    if max_gap_min is None:
        raise HotspotDataError(
            "the database's GPS visits have not been built yet; run `python -m geo db upgrade "
            "--data URL` as the tables' owner"
        )
    if files is None:
        return None
    rules = VisitRules(tolerance_m, max_accuracy_m, max_gap_min, min_visit_min)
    columns = copied(
        connection,
        "SELECT hotspot, role, extract(epoch FROM start_at)::bigint,"
        " extract(epoch FROM end_at)::bigint, pings FROM ping_visits ORDER BY seq",
        [pa.int32(), pa.int8(), pa.int64(), pa.int64(), pa.int64()],
    )
    visits = pd.DataFrame(dict(zip(SHARED_VISIT_COLUMNS, columns, strict=True)))
    stats = PingStats(rows=rows, no_fix=no_fix, ambiguous=ambiguous, files=files)
    return VisitResult(
        visits.astype(SHARED_VISIT_COLUMNS), stats, rules,
        hotspots["hotspot_id"].to_numpy(dtype=object),
    )  # fmt: skip


def visits_pg(url: str, rules: VisitRules) -> VisitResult | None:
    """The visits of a database store's pings under `rules` (for `geo dosage --data`; None when
    it holds none), read in one snapshot: the stored visits when they were built by these rules,
    else worked out from the stored pings, which only a role that may read them can do."""
    import psycopg

    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        hotspots = outlines(connection, "hotspots")
        found = stored_visits(connection, hotspots, rules.min_visit_min)
        if found is None or found.rules == rules:
            return found
        try:
            files = _files(connection)
            index = HotspotIndex.build(hotspots, rules.tolerance_m)
            by_file = {
                f[0]: counting_pings(_stored_block(connection, f[0]), index, rules) for f in files
            }
        except psycopg.errors.InsufficientPrivilege as exc:
            stored = found.rules
            raise HotspotDataError(
                "the stored GPS visits were built with other rules; working them out under "
                "these reads the pings, which this database role may not: run it with an import "
                f"role, or give the stored rules (--tolerance-m {stored.tolerance_m:g} "
                f"--max-accuracy-m {stored.max_accuracy_m:g} --max-gap-min "
                f"{stored.max_gap_min:g})",
                path=redacted(url),
            ) from exc
    pings, stats = _joined(files, by_file)
    return VisitResult(
        shared_visits(build_visits(pings, rules)), stats, rules,
        hotspots["hotspot_id"].to_numpy(dtype=object),
    )  # fmt: skip


def _files(connection) -> list[tuple]:
    """Every stored file: id, officers (pseudonyms), rows, no_fix, ambiguous, in folder order."""
    return connection.execute(
        "SELECT file_id, officers, rows, no_fix, ambiguous FROM ping_files"
        ' ORDER BY month, name COLLATE "C"'
    ).fetchall()


def _joined(
    files: list[tuple], by_file: dict[int, CountingPings]
) -> tuple[CountingPings, PingStats]:
    """Every file's counting pings with officer codes shared across files (by pseudonym), in
    file order as a folder reads them, and what reading the files found."""
    officers, stats, parts = Officers(), PingStats(), []
    for file_id, names, rows, no_fix, ambiguous in files:
        part = by_file.get(file_id, CountingPings.join([]))
        codes = pa.DictionaryArray.from_arrays(
            pa.array(part.officer, pa.int32()), pa.array(list(names), pa.string())
        )
        parts.append(part.recoded(officers.encode(codes)))
        stats.merge(PingStats(rows=rows, no_fix=no_fix, ambiguous=ambiguous, files=1))
    return CountingPings.join(parts), stats


def _stored_counting(connection) -> dict[int, CountingPings]:
    """Every file's counting pings, in the order they were found."""
    file_id, hotspot, officer, role, seconds = copied(
        connection,
        "SELECT file_id, hotspot, officer, role, seconds FROM counting_pings ORDER BY file_id, seq",
        [pa.int64(), pa.int32(), pa.int32(), pa.int8(), pa.int64()],
    )
    found: dict[int, CountingPings] = {}
    if not len(file_id):
        return found
    ids, starts = np.unique(file_id, return_index=True)
    ends = np.append(starts[1:], len(file_id))
    for one, start, end in zip(ids, starts, ends, strict=True):
        found[int(one)] = CountingPings(
            hotspot=hotspot[start:end],
            officer=officer[start:end],
            role=role[start:end],
            seconds=seconds[start:end],
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
        with open_private(path) as handle:
            handle.write(item.data)
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
