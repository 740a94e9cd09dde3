"""`python -m geo db copy`: a whole dataset from a folder into an empty database, or back.

Into the database, the folder's files go through the same checks as any import, in one
transaction. Out of it, a new folder is written aside and renamed into place: hotspots (and
control areas) as GeoJSON, the patrol log as the file that was imported, one police.uk street
file per month and force, rows in their original order, and the GPS ping files as stored
(pseudonymised) with the key of the pseudonyms.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path
from typing import Protocol

from geo.counting.visits import VisitRules
from geo.errors import HotspotDataError
from geo.io.hotspots import read_hotspots
from geo.schema import POLICE_UK_HEADER
from geo.store.folder.pings import key_mode, stored_ping_files
from geo.store.imports.crimes import check_crimes
from geo.store.imports.hotspots import geojson_bytes
from geo.store.imports.patrols import check_patrols
from geo.store.imports.pings import check_ping_file
from geo.store.imports.staged import InputFile, Staged, StagedPings
from geo.store.layout import (
    CONTROL_FILE,
    CRIME_FOLDER,
    HOTSPOT_FILE,
    KEY_FILE,
    PATROL_FILE,
    PING_FOLDER,
    SAMPLE_MARKER,
    find_hotspot_file,
)
from geo.store.postgres.commit import commit_pg
from geo.store.postgres.connection import check_schema, connect, redacted
from geo.store.postgres.reading import outlines
from geo.words import count_text


class CopyTarget(Protocol):
    """A store a whole dataset is copied into: it takes in a folder or a database."""

    def copy_from_folder(self, folder: Path, rules: VisitRules) -> list[str]:
        """Take in the whole dataset of `folder`."""

    def copy_from_database(self, url: str) -> list[str]:
        """Take in the whole dataset of the database at `url`."""


def folder_to_database(folder: Path, url: str, rules: VisitRules) -> list[str]:
    """Copy a dataset folder into an empty, upgraded database (all or nothing), its GPS visits
    built under `rules`."""
    if not folder.is_dir():
        raise HotspotDataError("dataset folder not found", path=folder)
    hotspots = read_hotspots(find_hotspot_file(folder))
    control_path = folder / CONTROL_FILE
    control = read_hotspots(control_path) if control_path.is_file() else None
    staged = Staged()
    crimes = folder / CRIME_FOLDER
    if crimes.is_dir():
        staged.crimes, staged.findings = check_crimes([InputFile.of(crimes)])
    patrol_path = folder / PATROL_FILE
    if patrol_path.is_file():
        staged.patrols = check_patrols(InputFile.of(patrol_path), list(hotspots["hotspot_id"]))
    staged.pings, staged.ping_key = _stored_pings(folder)
    marker = folder / SAMPLE_MARKER
    note = marker.read_text(encoding="utf-8") if marker.is_file() else None
    return commit_pg(
        staged, url, rules, control=control, hotspots=hotspots, sample_note=note, into_empty=True
    )


def _stored_pings(folder: Path) -> tuple[list[StagedPings], tuple[bytes, bool] | None]:
    """The folder's ping files as stored (already pseudonymised: kept byte for byte, checked by the
    reader the app uses), and its pseudonym key file, to be kept by the database."""
    files = stored_ping_files(folder)
    key_path = folder / KEY_FILE
    key = (key_path.read_bytes(), True) if key_path.is_file() else None
    staged = []
    for path in files:
        name = path.relative_to(folder).as_posix()
        checked = check_ping_file(path, name, b"only the totals are kept of this check")
        staged.append(dataclasses.replace(checked, target=name, data=path.read_bytes()))
    return staged, key


def database_to_folder(url: str, folder: Path) -> list[str]:
    """Write the database's dataset as a new folder (refused if the folder holds anything)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise HotspotDataError("exists and is not empty; give a new folder", path=folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-copy-", dir=folder.parent))
    try:
        lines = _write_folder(url, work)
        if folder.exists():
            folder.rmdir()
        os.replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return lines


def _write_folder(url: str, work: Path) -> list[str]:
    """Every table of the store as dataset files under `work`, read in one snapshot."""
    lines = []
    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        hotspots = outlines(connection, "hotspots")
        if hotspots.empty:
            raise HotspotDataError("holds no hotspots to copy", path=redacted(url))
        (work / HOTSPOT_FILE).write_bytes(geojson_bytes(hotspots))
        lines.append(f"wrote {HOTSPOT_FILE}: {count_text(len(hotspots), 'hotspot')}")
        control = outlines(connection, "control_areas")
        if not control.empty:
            (work / CONTROL_FILE).write_bytes(geojson_bytes(control))
            lines.append(f"wrote {CONTROL_FILE}: {count_text(len(control), 'area')}")
        note = connection.execute("SELECT sample_note FROM store_state").fetchone()[0]
        if note is not None:
            (work / SAMPLE_MARKER).write_text(note, encoding="utf-8")
            lines.append(f"wrote {SAMPLE_MARKER}: a copy of the generated sample")
        patrol = connection.execute("SELECT data FROM patrol_file").fetchone()
        if patrol is not None:
            (work / PATROL_FILE).write_bytes(bytes(patrol[0]))
            lines.append(f"wrote {PATROL_FILE}")
        for label, name, data in connection.execute(
            "SELECT to_char(month, 'YYYY-MM'), name, data FROM ping_files"
            ' ORDER BY month, name COLLATE "C"'
        ):
            path = work / PING_FOLDER / label / f"{name}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes(data))
            lines.append(f"wrote {path.relative_to(work)}")
        key = connection.execute("SELECT key FROM pseudonym_key").fetchone()
        if key is not None:
            (work / KEY_FILE).write_bytes(bytes(key[0]))
            key_mode(work / KEY_FILE)
            lines.append(f"wrote {KEY_FILE}: the key for officer pseudonyms (owner only)")
        files = connection.execute(
            "SELECT to_char(month, 'YYYY-MM'), month, reported_by, slug, rows"
            " FROM crime_files ORDER BY month, reported_by"
        ).fetchall()
        for label, month, force, slug, rows in files:
            path = work / CRIME_FOLDER / label / f"{label}-{slug}-street.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_crime_file(connection, path, month, force)
            lines.append(f"wrote {path.relative_to(work)}: {count_text(rows, 'row')}")
    return lines


def _write_crime_file(connection, path: Path, month, force: str) -> None:
    """One month of one force as a police.uk street file, rows in their original order (empty
    values unquoted, as police.uk writes them)."""
    query = (
        "COPY (SELECT NULLIF(crime_id, ''), to_char(month, 'YYYY-MM'), reported_by,"
        " NULLIF(falls_within, ''), NULLIF(longitude, ''), NULLIF(latitude, ''),"
        " NULLIF(location, ''), NULLIF(lsoa_code, ''), NULLIF(lsoa_name, ''), crime_type,"
        " NULLIF(last_outcome, ''), NULLIF(context, '') FROM crimes"
        " WHERE month = {} AND reported_by = {} ORDER BY row_no) TO STDOUT (FORMAT csv)"
    )
    from psycopg import sql

    statement = sql.SQL(query).format(sql.Literal(month), sql.Literal(force))
    with path.open("wb") as out, connection.cursor().copy(statement) as copy:
        out.write((",".join(POLICE_UK_HEADER) + "\n").encode())
        for block in copy:
            out.write(block)
