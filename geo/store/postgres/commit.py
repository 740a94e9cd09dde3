"""Imports into the PostgreSQL store: checked files written in one transaction each.

Files are checked by the same checks as a folder import (geo.store.imports); the writing then
runs in one transaction that first takes the store's advisory lock, so imports into one database
run one at a time and one killed half-way leaves the previous state. A month and force the store
already holds is replaced, never doubled (`crime_files` has one row per month and force). What
loads read is then brought up to date for what the import touched (geo.store.postgres.refresh).
"""

from __future__ import annotations

import os
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.access import Actor, os_user
from geo.counting.visits import VisitRules
from geo.errors import HotspotDataError
from geo.io.hotspots import read_hotspots
from geo.store.imports.changes import Change, ImportPlan
from geo.store.imports.staged import Staged
from geo.store.layout import HOTSPOT_FILE
from geo.store.postgres.connection import IMPORT_LOCK, check_schema, connect, redacted
from geo.store.postgres.pings import keep_key, write_ping_files
from geo.store.postgres.refresh import Touched, refresh
from geo.store.postgres.writes import write_areas, write_crime_part, write_hotspots, write_patrols
from geo.words import count_text


@dataclass
class _Written:
    """What the writing of an import did: its lines, rows, and what it touched."""

    lines: list[str] = field(default_factory=list)
    rows: int = 0
    months: list[str] = field(default_factory=list)
    ping_files: list[int] = field(default_factory=list)


def commit_pg(
    staged: Staged,
    url: str,
    rules: VisitRules,
    control: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    sample_note: str | None = None,
    into_empty: bool = False,
    who: Actor | None = None,
) -> list[str]:
    """Write checked content in one transaction under the import lock, GPS visits built under
    `rules`; return what changed.

    `hotspots` (a frame as read_hotspots gives), `control` and `sample_note` (the SAMPLE.md of
    the generated sample) are for copying a folder whole, `into_empty` to refuse a store that
    already holds a dataset (checked under the lock); `who` is the app's signed-in user, logged
    beside the database role and this process.
    """
    staged.raise_first()
    frame = hotspots if hotspots is not None else _stored_hotspots(staged)
    kind = _kind(staged, frame, control)
    with connect(url) as connection:
        check_schema(connection, url)
        with connection.transaction(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
            _refuse_unless_open(cursor, url, into_empty)
            if sample_note is not None:
                cursor.execute("UPDATE store_state SET sample_note = %s", (sample_note,))
            import_id = cursor.execute(
                "INSERT INTO import_log (kind, client, sources) VALUES (%s, %s, %s)"
                " RETURNING import_id",
                (kind, _client(who), _sources(staged)),
            ).fetchone()[0]
            written = _write(cursor, staged, frame, control, import_id)
            touched = Touched(
                hotspots=frame is not None,
                areas=frame is not None or control is not None,
                months=tuple(written.months),
                ping_files=tuple(written.ping_files),
            )
            refresh(cursor, touched, rules)
            cursor.execute(
                "UPDATE import_log SET finished_at = clock_timestamp(), months = %s::date[],"
                " rows = %s WHERE import_id = %s",
                (sorted(set(written.months)), written.rows, import_id),
            )
            cursor.execute("UPDATE store_state SET version = version + 1")
    return written.lines


def _kind(staged: Staged, frame: gpd.GeoDataFrame | None, control: object) -> str:
    """What the import holds, as its log names it ('hotspots+crimes'); refused when nothing."""
    present = (
        ("hotspots", frame is not None),
        ("crimes", bool(staged.crimes)),
        ("patrols", staged.patrols is not None),
        ("control", control is not None),
        ("pings", bool(staged.pings)),
    )
    kind = "+".join(name for name, given in present if given)
    if not kind:
        raise HotspotDataError("nothing to import")
    return kind


def _sources(staged: Staged) -> list[str]:
    """The names of the files the import came from, sorted."""
    return sorted(
        {p.source for p in staged.crimes}
        | ({staged.hotspots.source} if staged.hotspots else set())
        | ({staged.patrols.source} if staged.patrols else set())
        | {p.source for p in staged.pings}
    )


def _refuse_unless_open(cursor, url: str, into_empty: bool) -> None:
    """Refuse (under the lock) a copy into a store that holds a dataset, and any import into a
    copy of the generated sample."""
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


def _write(
    cursor,
    staged: Staged,
    frame: gpd.GeoDataFrame | None,
    control: gpd.GeoDataFrame | None,
    import_id: int,
) -> _Written:
    """Write hotspots, control areas, the patrol log, each month of crimes and the ping files."""
    written = _Written()
    if frame is not None:
        write_hotspots(cursor, frame, import_id, staged.patrols is None)
        written.lines.append(f"hotspots: {len(frame)} outlines (replaced ones kept in history)")
    if control is not None:
        write_areas(cursor, "control_areas", control, import_id)
        written.lines.append(f"control areas: {len(control)}")
    if staged.patrols is not None:
        write_patrols(cursor, staged.patrols, import_id)
        written.lines.append(f"patrols: {count_text(len(staged.patrols.frame), 'visit')}")
        written.rows += len(staged.patrols.frame)
    for part in sorted(staged.crimes, key=lambda p: p.key):
        replaced = write_crime_part(cursor, part, import_id)
        written.months.append(f"{part.month}-01")
        written.rows += part.rows
        verb = "replaced" if replaced else "added"
        written.lines.append(
            f"crimes {part.month} {part.force}: {verb}, {count_text(part.rows, 'row')}"
        )
    if staged.pings:
        if staged.ping_key is not None:
            keep_key(cursor, staged.ping_key)
        lines, written.ping_files = write_ping_files(cursor, staged.pings, import_id)
        written.lines.extend(lines)
        written.rows += sum(p.rows for p in staged.pings)
    return written


def pg_plan(staged: Staged, url: str) -> ImportPlan:
    """What committing `staged` to the store would do as it is now: one change per hotspot
    layer, month and force, and patrol log, and the months whose rows it replaces."""
    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        held = {
            (f"{month:%Y-%m}", force)
            for month, force in connection.execute("SELECT month, reported_by FROM crime_files")
        }
        hotspots, visits = connection.execute(
            "SELECT (SELECT count(*) FROM hotspots), (SELECT count(*) FROM patrols)"
        ).fetchone()
    changes = []
    if staged.hotspots is not None:
        what = count_text(len(staged.hotspots.frame), "hotspot") + (
            f"; the {hotspots:,} held go to the history" if hotspots else ""
        )
        changes.append(Change("replace" if hotspots else "add", "hotspots", what))
    for part in sorted(staged.crimes, key=lambda p: p.key):
        action = "replace" if (part.month, part.force) in held else "add"
        what = f"{count_text(part.rows, 'row')} from {part.source}"
        changes.append(Change(action, f"crimes {part.month} {part.force}", what))
    if staged.patrols is not None:
        note = f"; replaces the whole patrol log of {count_text(visits, 'visit')}" if visits else ""
        what = f"{count_text(len(staged.patrols.frame), 'visit')}{note}"
        changes.append(Change("replace" if visits else "add", "patrols", what))
    return ImportPlan(
        tuple(changes),
        crimes_written=tuple((part.canonical, part.data) for part in staged.crimes),
        months_replaced=tuple(
            sorted({pd.Period(part.month, freq="M").ordinal for part in staged.crimes})
        ),
    )


def _client(who: Actor | None) -> str:
    """Who ran the import on which machine (the database role is logged beside it): the
    operating-system account, never a name from the environment, after the app's signed-in
    user when there is one."""
    here = f"{os_user()}@{socket.gethostname()} pid {os.getpid()}"
    return here if who is None else f"{who.name} ({who.how}) via {here}"


def _stored_hotspots(staged: Staged) -> gpd.GeoDataFrame | None:
    """The staged hotspots as the folder store would read them back (its GeoJSON), so both stores
    hold the same coordinates."""
    if staged.hotspots is None:
        return None
    with tempfile.TemporaryDirectory(prefix="hotspot-pg-") as tmp:
        path = Path(tmp) / HOTSPOT_FILE
        path.write_bytes(staged.hotspots.data)
        return read_hotspots(path)
