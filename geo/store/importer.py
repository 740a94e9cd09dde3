"""Bring a user's files into a dataset folder: check everything first, then commit atomically.

Two steps, used alike by the data page and by `python -m geo import`:

1. `check(folder, hotspots=…, crimes=…, patrols=…)` reads and validates the files with the same
   readers the app uses and returns a `Staged` import: the content to be written, normalised, and
   the findings (errors that block the import; warnings such as repaired polygons or rows without
   coordinates, which are counted and reported, never guessed). It writes nothing anywhere but the
   system's temporary folder.
2. `commit(staged, folder)` takes a lock, checks the staged content against the dataset as it is
   at that moment, writes every new file aside (a hidden folder next to the dataset folder, on the
   same file system), records what it is about to do in a journal, and then moves the files in
   with renames. If anything fails, or the process dies half-way, the journal puts back what was
   there (at once, or at the start of the next import). Every commit, and every refusal (by the
   checks of step 1 or at this step), is appended to the folder's audit log (geo.store.audit)
   with who made it.

What goes where:
- Hotspots become `hotspots.geojson` (WGS84; columns hotspot_id, name, town, started); the other
  hotspot formats in the folder are removed, so exactly one hotspot file is read.
- Crimes are kept one file per month and force ("Reported by"), as police.uk's archive lays them
  out: `crimes/YYYY-MM/YYYY-MM-<force>-street.csv`. A month and force that the dataset already
  holds, wherever its file is, is replaced, never counted twice. A file holding several months or
  forces is split by month and force.
- The patrol log replaces `patrols.csv` whole (a log exported from a duty system is the full log).

Encodings: UTF-8, with or without a byte-order mark, is read; anything else (Windows-1252 from
Excel, UTF-16) is refused with a message saying to re-save the file as "CSV UTF-8".
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import pandas as pd
import pyproj

from geo.access import Actor, os_user
from geo.errors import HotspotDataError
from geo.io.crimes import STREET_FILE, street_files_in
from geo.io.hotspots import HotspotRead, read_hotspots, read_hotspots_checked
from geo.io.layer_guard import driver_for
from geo.io.patrols import log_problems, read_patrols
from geo.io.safezip import MAX_ENTRY_BYTES, MAX_EXPANDED_BYTES, MAX_MEMBERS, SafeZip, open_zip
from geo.io.sandbox import TIME_LIMIT_S, run_isolated
from geo.store.audit import IMPORTED, REFUSED, AuditLog, FileRecord, entry, file_record
from geo.store.crime_months import (
    CRIME_FOLDER,
    CrimePart,
    ExistingCrimeFile,
    crime_parts,
    existing_crime_files,
    same_rows,
    slug_for,
    split_checked,
)
from geo.store.dataset import HOTSPOT_FILES, SAMPLE_MARKER, find_hotspot_file
from geo.store.folder_writes import (
    LOCK_TIMEOUT_S,
    Action,
    apply_actions,
    lock,
    recover,
)
from geo.store.pings_store import (
    KEY_FILE,
    StagedPings,
    key_mode,
    pseudonym_key,
    same_targets,
)
from geo.store.postgres import is_database_url
from geo.words import count_text

MAX_UPLOAD_BYTES = MAX_ENTRY_BYTES
"""The largest single file accepted (the page's `server.maxUploadSize` is the same 200 MB)."""
HOTSPOT_FILE = "hotspots.geojson"
PATROL_FILE = "patrols.csv"
SKIPPED_PINGS = "skipped (no position)"
"""The column of a ping file's rows that no figure counts, for want of a position."""
PING_CHECK_SECONDS_PER_MB = 1.0
"""Time a ping file's check may take per MB, beyond the sandbox's TIME_LIMIT_S (a 200 MB file
gets 260 s, over twenty times what such a check takes on two busy cores)."""

Progress = Callable[[float, str], None]
"""Told (fraction done, what is being read) while files are read."""


# ---------------------------------------------------------------------------------------------
# What a check returns


@dataclass(frozen=True)
class InputFile:
    """A file to import: where it is now, and the name to use for it in messages."""

    path: Path
    name: str

    @classmethod
    def of(cls, path: str | Path) -> InputFile:
        return cls(Path(path), str(path))


@dataclass(frozen=True)
class Finding:
    """One thing found while checking: an `error` blocks the import, a `warning` does not."""

    level: str
    file: str
    message: str
    row: int | None = None
    column: str | None = None

    @classmethod
    def from_error(cls, exc: HotspotDataError, file: str | None = None) -> Finding:
        return cls("error", exc.path or file or "", exc.problem, exc.row, exc.column)

    def line(self) -> str:
        """The one-line form: file, row, column and message."""
        return str(HotspotDataError(self.message, path=self.file, row=self.row, column=self.column))


@dataclass(frozen=True)
class StagedHotspots:
    frame: gpd.GeoDataFrame
    data: bytes
    source: str
    crs: str


@dataclass(frozen=True)
class StagedPatrols:
    frame: pd.DataFrame
    data: bytes
    source: str


@dataclass
class Staged:
    """Checked, normalised content waiting to be committed, and what the checks found."""

    hotspots: StagedHotspots | None = None
    crimes: list[CrimePart] = field(default_factory=list)
    patrols: StagedPatrols | None = None
    findings: list[Finding] = field(default_factory=list)
    inputs: list[FileRecord] = field(default_factory=list)
    """The files given, with their checksums, for the audit log."""
    pings: list[StagedPings] = field(default_factory=list)
    ping_key: tuple[bytes, bool] | None = None
    kinds: list[str] = field(default_factory=list)
    """What kinds of file were given ('hotspots', 'crimes', 'patrols', 'pings'), for the log."""

    @property
    def kind(self) -> str:
        """The kinds of file given, as the audit log names the import: 'hotspots, patrols'."""
        return ", ".join(self.kinds)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level != "error"]

    @property
    def empty(self) -> bool:
        return self.hotspots is None and not self.crimes and self.patrols is None and not self.pings

    def refusal(self) -> HotspotDataError | None:
        """The first error as one line, saying how many more there are; None when none."""
        if not self.errors:
            return None
        first, more = self.errors[0], len(self.errors) - 1
        message = first.message + (f" (and {count_text(more, 'more problem')})" if more else "")
        return HotspotDataError(message, path=first.file, row=first.row, column=first.column)

    def raise_first(self) -> None:
        """Raise the first error as one line, saying how many more there are."""
        refusal = self.refusal()
        if refusal is not None:
            raise refusal

    def findings_table(self) -> pd.DataFrame:
        """Every finding as a row: level, file, row, column, problem."""
        return pd.DataFrame(
            [
                {
                    "level": f.level,
                    "file": f.file,
                    "row": f.row,
                    "column": f.column or "",
                    "problem": f.message,
                }
                for f in self.findings
            ],
            columns=["level", "file", "row", "column", "problem"],
        ).astype({"row": "Int64"})

    def crimes_table(self) -> pd.DataFrame:
        """One row per month and force to be imported."""
        return pd.DataFrame(
            [
                {
                    "month": p.month,
                    "force": p.force,
                    "rows": p.rows,
                    "asb": p.asb,
                    "no_location": p.no_location,
                    "from": p.source,
                }
                for p in sorted(self.crimes, key=lambda p: p.key)
            ],
            columns=["month", "force", "rows", "asb", "no_location", "from"],
        )

    def pings_table(self) -> pd.DataFrame:
        """One row per ping file to be stored: the pings the figures count, those skipped for
        want of a position, officers, and when (officer ids are never listed)."""
        return pd.DataFrame(
            [
                {"file": p.source, "stored as": p.target, "pings": p.counted,
                 SKIPPED_PINGS: p.skipped, "officers": p.officers,
                 "first": f"{p.first:%Y-%m-%d}", "last": f"{p.last:%Y-%m-%d}"}
                for p in self.pings
            ],
            columns=["file", "stored as", "pings", SKIPPED_PINGS, "officers", "first", "last"],
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Checking


def check(
    folder: str | Path,
    hotspots: InputFile | None = None,
    crimes: Sequence[InputFile] = (),
    patrols: InputFile | None = None,
    progress: Progress | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    pings: Sequence[InputFile] = (),
) -> Staged:
    """Check files for import into `folder` (or a database: the checks against what it holds
    are made when committing); every problem becomes a finding, nothing is raised."""
    database = is_database_url(folder)
    folder = folder if database else Path(folder)
    staged = Staged()
    given = [f for f in (hotspots, *crimes, patrols, *pings) if f is not None]
    staged.inputs = [file_record(f.name, f.path) for f in given]
    staged.kinds = _kinds(hotspots=[hotspots], crimes=crimes, patrols=[patrols], pings=pings)
    say = progress or (lambda _fraction, _text: None)
    if not database:
        _collect(staged, lambda: check_target(folder), str(folder))
    if hotspots is not None:
        say(0.0, f"Reading {hotspots.name}")
        result = _collect(staged, lambda: check_hotspots(hotspots, max_bytes), hotspots.name)
        if result is not None:
            staged.hotspots, found = result
            staged.findings.extend(found)
            if patrols is None and not database:
                staged.findings.extend(_existing_patrols_against(folder, staged.hotspots))
    if crimes:
        parts, found = check_crimes(crimes, progress=say, max_bytes=max_bytes)
        staged.crimes = parts
        staged.findings.extend(found)
    if patrols is not None:
        say(1.0, f"Reading {patrols.name}")
        ids = (
            None
            if database and hotspots is None
            else _hotspot_ids_for_patrols(folder, hotspots, staged, patrols)
        )
        result = _collect(staged, lambda: check_patrols(patrols, ids, max_bytes), patrols.name)
        if result is not None:
            staged.patrols = result
            staged.findings.extend(
                Finding("warning", patrols.name, detail, row=rows[0])
                for detail, rows in log_problems(result.frame)[["detail", "rows"]].values
            )
    if pings:
        key = None
        if database:
            key = _collect(staged, lambda: database_ping_key(str(folder)), "the database")
        if key is not None or not database:
            check_pings(staged, folder, pings, say, max_bytes, key)
    if staged.empty and not staged.errors:
        staged.findings.append(Finding("error", str(folder), "no files were given to import"))
    return staged


def _kinds(**given: Sequence[object]) -> list[str]:
    """The kinds of which at least one file was given."""
    return [kind for kind, files in given.items() if any(f is not None for f in files)]


def database_ping_key(url: str) -> tuple[bytes, bool]:
    """A database store's pseudonym key (made on its first ping import), never a folder's."""
    from geo.store.pg_pings import database_key
    from geo.store.postgres import check_schema, connect

    with connect(url) as connection:
        check_schema(connection, url)
        return database_key(connection)


def check_pings(
    staged: Staged,
    folder: Path | str,
    files: Sequence[InputFile],
    say: Progress,
    max_bytes: int,
    key: tuple[bytes, bool] | None = None,
) -> None:
    """Check GPS ping files; each becomes a pseudonymised file to store, or an error finding.
    The pseudonym key is the folder's (pseudonym_key) unless given (a database's)."""
    key = key or _collect(staged, lambda: pseudonym_key(Path(folder)), str(folder))
    if key is None:
        return
    staged.ping_key = key
    for number, file in enumerate(files):
        say(number / len(files), f"Reading {file.name}")

        def step(file: InputFile = file, number: int = number) -> StagedPings:
            check_size(file, max_bytes)
            with _relabelled(file):
                return check_ping_file_isolated(
                    file, key[0], lambda done, text: say((number + done) / len(files), text)
                )

        result = _collect(staged, step, file.name)
        if result is not None:
            staged.pings.append(result)
            staged.findings.extend(Finding("warning", file.name, note) for note in result.notes)
    for earlier, later in same_targets(staged.pings):
        staged.findings.append(
            Finding(
                "error",
                later.source,
                f"would be stored as {later.target}, like {earlier.source}; rename one of them",
            )
        )


def check_ping_file_isolated(file: InputFile, key: bytes, progress: Progress) -> StagedPings:
    """Check one ping file in the sandbox's child process (see geo.io.sandbox), with a time
    limit that grows with the file (PING_CHECK_SECONDS_PER_MB)."""
    size_mb = file.path.stat().st_size / 1024**2
    with tempfile.TemporaryDirectory(prefix="hotspot-pings-") as tmp:
        out = Path(tmp) / "pseudonymised.csv"
        staged = run_isolated(
            "geo.store.pings_store:check_ping_file_into", str(file.path), file.name, key,
            str(out), label=file.name, progress=progress,
            time_limit=TIME_LIMIT_S + size_mb * PING_CHECK_SECONDS_PER_MB,
        )  # fmt: skip
        return replace(staged, data=out.read_bytes())


def _collect(staged: Staged, step: Callable, file: str):
    """Run one check; a problem becomes an error finding instead of stopping the rest."""
    try:
        with _unexpected_as_error(file):
            return step()
    except HotspotDataError as exc:
        staged.findings.append(Finding.from_error(exc, file))
        return None


@contextmanager
def _unexpected_as_error(file: str) -> Iterator[None]:
    """A file that trips a library (GDAL, pyarrow, pandas) in a way the readers did not foresee is
    still refused with a message naming it, never a traceback."""
    try:
        yield
    except HotspotDataError:
        raise
    except Exception as exc:  # untrusted input: any failure of a library is a refusal
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise HotspotDataError(
            f"cannot be read ({type(exc).__name__}{': ' + detail if detail else ''})", path=file
        ) from exc


Upload = tuple[str, bytes]
"""An uploaded file: the name it had on the user's computer, and its bytes."""


def check_uploads(
    folder: str | Path,
    hotspots: Upload | None = None,
    crimes: Sequence[Upload] = (),
    patrols: Upload | None = None,
    progress: Progress | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    pings: Sequence[Upload] = (),
) -> Staged:
    """`check` for uploads: each is written to a private temporary folder under its own name
    (messages use the name the user knows), checked, and the temporary copies removed."""
    staged = Staged()
    with tempfile.TemporaryDirectory(prefix="hotspot-upload-") as tmp:
        saved: dict[str, InputFile | list[InputFile] | None] = {}
        kinds = (("hotspots", [hotspots]), ("crimes", crimes), ("patrols", [patrols]),
                 ("pings", pings))  # fmt: skip
        for key, uploads in kinds:
            files = []
            for index, upload in enumerate(u for u in uploads if u is not None):
                name, data = upload
                if len(data) > max_bytes:
                    digest = hashlib.sha256(data).hexdigest()
                    staged.inputs.append(FileRecord(name, digest, len(data)))
                    staged.findings.append(
                        Finding(
                            "error",
                            name,
                            f"is {len(data) / 1024**2:.0f} MB; uploads over "
                            f"{max_bytes / 1024**2:.0f} MB are refused (split it into months)",
                        )
                    )
                    continue
                place = Path(tmp) / key / str(index)
                place.mkdir(parents=True)
                path = place / _safe_name(name)
                path.write_bytes(data)
                files.append(InputFile(path, name))
            saved[key] = files if key in ("crimes", "pings") else (files[0] if files else None)
        checked = check(
            folder,
            hotspots=saved["hotspots"],
            crimes=saved["crimes"],
            patrols=saved["patrols"],
            progress=progress,
            max_bytes=max_bytes,
            pings=saved["pings"],
        )
    checked.findings[:0] = staged.findings
    checked.inputs[:0] = staged.inputs
    checked.kinds = _kinds(hotspots=[hotspots], crimes=crimes, patrols=[patrols], pings=pings)
    if staged.findings:  # a refused upload is a problem even if the rest is fine
        checked.findings = [
            f for f in checked.findings if f.message != "no files were given to import"
        ]
    return checked


def _safe_name(name: str) -> str:
    """A file name for a temporary copy: no folders, no control characters, suffix kept."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .") or "upload"
    return base[-120:]


def check_target(folder: Path) -> None:
    """The dataset folder must be a folder (or not exist yet) that an import may change."""
    if folder.exists() and not folder.is_dir():
        raise HotspotDataError("is not a folder; give the dataset folder", path=folder)
    if (folder / SAMPLE_MARKER).is_file():
        raise HotspotDataError(
            f"is the generated sample dataset (it holds {SAMPLE_MARKER}), which imports do not "
            f"change; to use a copy of it as your own, delete {SAMPLE_MARKER} from the copy, or "
            "set HOTSPOT_DATA (or --data) to your own dataset folder",
            path=folder,
        )
    place = folder if folder.exists() else folder.resolve().parent
    if not place.is_dir() or not os.access(place, os.W_OK):
        where = "it" if place == folder else f"its parent folder {place.name}"
        raise HotspotDataError(
            f"cannot be changed: {where} is missing or not writable (an import writes its files "
            "into the dataset folder first, hidden, then moves them into place)",
            path=folder,
        )


def check_size(file: InputFile, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse missing files and files over the size cap before reading them."""
    if not file.path.exists():
        raise HotspotDataError("file not found", path=file.name)
    size = file.path.stat().st_size if file.path.is_file() else 0
    if size > max_bytes:
        raise HotspotDataError(
            f"is {size / 1024**2:.0f} MB; files over {max_bytes / 1024**2:.0f} MB are refused "
            "(split it, e.g. into months)",
            path=file.name,
        )
    if file.path.is_file() and size == 0:
        raise HotspotDataError("the file is empty", path=file.name)


def check_hotspots(
    file: InputFile, max_bytes: int = MAX_UPLOAD_BYTES
) -> tuple[StagedHotspots, list[Finding]]:
    """Read and validate a hotspot file; return it as the GeoJSON to store, and findings."""
    check_size(file, max_bytes)
    with _relabelled(file):
        read, data = run_isolated(
            "geo.store.importer:hotspot_content",
            file.path,
            label=file.name,
            driver=driver_for(file.path),
        )
    findings = [
        Finding(
            "warning",
            file.name,
            "the polygon was invalid (it crosses itself or is badly formed) and has been "
            "repaired; check its shape on the map",
            row=row,
            column="geometry",
        )
        for row in read.repaired
    ]
    return StagedHotspots(read.frame, data, file.name, _crs_label(read.declared_crs)), findings


def hotspot_content(path: Path) -> tuple[HotspotRead, bytes]:
    """A hotspot file read and validated, and the GeoJSON to store (run in a limited child)."""
    read = read_hotspots_checked(path)
    return read, _geojson_bytes(read.frame)


def _crs_label(code: str | None) -> str:
    """'EPSG:27700 (OSGB36 / British National Grid)' for the preview's caption."""
    if not code:
        return ""
    try:
        return f"{code} ({pyproj.CRS.from_user_input(code).name})"
    except pyproj.exceptions.CRSError:
        return str(code)


def _geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """The hotspots as the GeoJSON that will be stored, checked by reading it back."""
    out = frame.copy()
    out["started"] = [d.strftime("%Y-%m-%d") if pd.notna(d) else None for d in frame["started"]]
    with tempfile.TemporaryDirectory(prefix="hotspot-import-") as tmp:
        path = Path(tmp) / HOTSPOT_FILE
        out.to_file(path, driver="GeoJSON", engine="pyogrio")
        back = read_hotspots(path)
        if list(back["hotspot_id"]) != list(frame["hotspot_id"]):
            raise HotspotDataError("could not be converted to GeoJSON faithfully")
        return path.read_bytes()


def check_patrols(
    file: InputFile, hotspot_ids: Iterable[str] | None, max_bytes: int = MAX_UPLOAD_BYTES
) -> StagedPatrols:
    """Read and validate a patrol log against the hotspot ids it may name."""
    check_size(file, max_bytes)
    with _relabelled(file):
        frame = read_patrols(file.path, list(hotspot_ids) if hotspot_ids is not None else None)
    if frame.empty:
        raise HotspotDataError("holds no visits, only a header", path=file.name)
    return StagedPatrols(frame, file.path.read_bytes(), file.name)


def _hotspot_ids_for_patrols(
    folder: Path, hotspots: InputFile | None, staged: Staged, patrols: InputFile
) -> list[str] | None:
    """The ids a patrol log may name: the hotspots imported with it, else the dataset's."""
    if hotspots is not None:
        return list(staged.hotspots.frame["hotspot_id"]) if staged.hotspots else None
    try:
        return list(read_hotspots(find_hotspot_file(folder))["hotspot_id"])
    except HotspotDataError as exc:
        staged.findings.append(
            Finding(
                "error",
                patrols.name,
                f"cannot be checked against the dataset's hotspots ({exc}); import hotspots "
                "together with the patrol log",
            )
        )
        return None


def _existing_patrols_against(folder: Path, hotspots: StagedHotspots) -> list[Finding]:
    """New hotspots must still cover every hotspot_id the dataset's patrol log names."""
    path = folder / PATROL_FILE
    if not path.is_file():
        return []
    try:
        existing = read_patrols(path)
    except HotspotDataError as exc:
        return [Finding("warning", str(path), f"the dataset's patrol log cannot be read: {exc}")]
    missing = sorted(set(existing["hotspot_id"]) - set(hotspots.frame["hotspot_id"]))
    if not missing:
        return []
    shown = ", ".join(f"'{m}'" for m in missing[:5]) + (" …" if len(missing) > 5 else "")
    return [
        Finding(
            "error",
            hotspots.source,
            f"lacks {count_text(len(missing), 'hotspot id')} that the dataset's patrol log "
            f"names ({shown}); "
            "import a patrol log that matches, together with these hotspots",
            column="hotspot_id",
        )
    ]


@contextmanager
def _relabelled(file: InputFile) -> Iterator[None]:
    """Name the file as the user knows it (an upload's own name, not its temporary path)."""
    try:
        yield
    except HotspotDataError as exc:
        where = (exc.path or file.name).replace(str(file.path), file.name)
        problem = exc.problem.replace(str(file.path), file.name)
        raise HotspotDataError(problem, path=where, row=exc.row, column=exc.column) from exc


# Crimes


def check_crimes(
    files: Sequence[InputFile],
    progress: Progress | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_members: int = MAX_MEMBERS,
    max_expanded: int = MAX_EXPANDED_BYTES,
) -> tuple[list[CrimePart], list[Finding]]:
    """Read every police.uk street file (CSVs, folders, archive zips) into month-and-force parts.

    Each file is checked on its own, so one bad file does not hide problems in the others.
    """
    say = progress or (lambda _fraction, _text: None)
    findings: list[Finding] = []
    parts: dict[tuple[str, str], CrimePart] = {}
    for index, file in enumerate(files):
        try:
            with _unexpected_as_error(file.name):
                sources = list(_crime_sources(file, max_bytes, max_members, max_expanded))
        except HotspotDataError as exc:
            findings.append(Finding.from_error(exc, file.name))
            continue
        for number, (label, name, read) in enumerate(sources):
            say((index + number / max(len(sources), 1)) / len(files), f"Reading {label}")
            try:
                with _unexpected_as_error(label):
                    for part in crime_parts(read(), label, name):
                        _add_part(parts, part, findings)
            except HotspotDataError as exc:
                findings.append(Finding.from_error(exc, label))
    say(1.0, "Crime files read")
    for part in sorted(parts.values(), key=lambda p: p.key):
        if part.no_location:
            findings.append(
                Finding(
                    "warning",
                    part.source,
                    f"{part.no_location:,} of {part.rows:,} rows of {part.month} have no "
                    "coordinates: they count in the force totals but are not placed in any hotspot",
                    column="Longitude",
                )
            )
    return list(parts.values()), findings


def _crime_sources(
    file: InputFile, max_bytes: int, max_members: int, max_expanded: int
) -> Iterator[tuple[str, str, Callable[[], bytes]]]:
    """(label, file name, reader) for each street file in a CSV, a folder or a police.uk zip."""
    if file.path.is_dir():
        found = street_files_in(file.path)
        if not found:
            raise HotspotDataError("the folder holds no police.uk *-street.csv files", file.name)
        for path in found:
            inner = InputFile(path, file.name + str(path)[len(str(file.path)) :])
            check_size(inner, max_bytes)
            yield inner.name, path.name, inner.path.read_bytes
        return
    check_size(file, max_bytes)
    if file.path.suffix.lower() == ".zip" or _looks_like_zip(file.path):
        archive = open_zip(
            file.path,
            file.name,
            max_members,
            max_expanded,
            read=lambda n: bool(STREET_FILE.search(n)),
        )
        names = [n for n in archive.names if STREET_FILE.search(n)]
        if not names:
            raise HotspotDataError(
                "the zip holds no police.uk *-street.csv files (outcomes and stop-and-search "
                "files are not used)",
                path=file.name,
            )
        for name in names:
            yield f"{file.name}!{name}", Path(name.replace("\\", "/")).name, _reader(archive, name)
        return
    yield file.name, Path(file.name).name, file.path.read_bytes


def _reader(archive: SafeZip, name: str) -> Callable[[], bytes]:
    return lambda: archive.read(name)


def _looks_like_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _add_part(
    parts: dict[tuple[str, str], CrimePart], part: CrimePart, findings: list[Finding]
) -> None:
    """Keep one part per month and force: the same rows twice are imported once; different
    rows for the same month and force are an error (which one is right?)."""
    earlier = parts.get(part.key)
    if earlier is None:
        parts[part.key] = part
        return
    if same_rows(earlier.data, part.data):
        findings.append(
            Finding(
                "warning",
                part.source,
                f"holds the same {part.month} rows of {part.force or 'an unnamed force'} as "
                f"{earlier.source}; they are imported once",
            )
        )
        return
    findings.append(
        Finding(
            "error",
            part.source,
            f"{part.month} of {part.force or 'an unnamed force'} is also in {earlier.source}, "
            "with different rows; import only one of them",
            column="Month",
        )
    )


# ---------------------------------------------------------------------------------------------
# What the dataset already holds


# ---------------------------------------------------------------------------------------------
# Planning and committing


def plan(staged: Staged, folder: Path) -> list[Action]:
    """The changes that committing `staged` would make to `folder` as it is now."""
    folder = Path(folder)
    actions: list[Action] = []
    if staged.hotspots is not None:
        count = len(staged.hotspots.frame)
        actions.append(Action(HOTSPOT_FILE, staged.hotspots.data, count_text(count, "hotspot")))
        for name in HOTSPOT_FILES:
            if name != HOTSPOT_FILE and (folder / name).is_file():
                actions.append(Action(name, None, f"replaced by {HOTSPOT_FILE}"))
    if staged.crimes:
        actions.extend(_crime_actions(staged.crimes, folder))
    if staged.patrols is not None:
        visits = len(staged.patrols.frame)
        before = _visits_in(folder / PATROL_FILE)
        note = (
            f"; replaces the whole patrol log of {count_text(before, 'visit')}"
            if before is not None
            else ""
        )
        actions.append(
            Action(PATROL_FILE, staged.patrols.data, f"{count_text(visits, 'visit')}{note}")
        )
    for item in staged.pings:  # pseudonyms are still personal data: owner-only, like the key
        note = "; replaces the file of that name" if (folder / item.target).is_file() else ""
        actions.append(Action(item.target, item.data, item.what() + note, private=True))
    if staged.pings and staged.ping_key is not None and staged.ping_key[1]:
        actions.append(
            Action(KEY_FILE, staged.ping_key[0], "the key for officer pseudonyms", private=True)
        )
    return actions


def plan_table(staged: Staged, folder: Path) -> pd.DataFrame:
    """What committing would do, one row per file: action, file, what."""
    if is_database_url(folder):
        from geo.store.pg_writes import plan_rows_pg

        return pd.DataFrame(plan_rows_pg(staged, str(folder)), columns=["action", "file", "what"])
    folder = Path(folder)
    rows = [
        {
            "action": "remove"
            if a.data is None
            else ("replace" if (folder / a.path).exists() else "add"),
            "file": a.path,
            "what": a.what,
        }
        for a in plan(staged, folder)
    ]
    return pd.DataFrame(rows, columns=["action", "file", "what"])


def _visits_in(path: Path) -> int | None:
    if not path.is_file():
        return None
    try:
        return len(read_patrols(path))
    except HotspotDataError:
        return 0


def _crime_actions(parts: list[CrimePart], folder: Path) -> list[Action]:
    """Write each part; remove or split the existing files that hold the same months and forces.

    A month and force is identified by its rows (Month, Reported by), not by file names, so a
    month already present under any name or folder is found and replaced.
    """
    incoming = {p.key: p for p in parts}
    existing = existing_crime_files(folder)
    overlapping: list[ExistingCrimeFile] = []
    for old in existing:
        if old.problem and not _claimed_by_name(old.path, parts):
            raise HotspotDataError(
                f"the dataset's crime file {old.path} cannot be read ({old.problem}); "
                "fix or remove it before importing, so no month is counted twice",
                path=folder,
            )
        if old.problem or set(old.keys) & set(incoming):
            overlapping.append(old)
    replaced_paths = {old.path for old in overlapping}
    taken = {old.path for old in existing} - replaced_paths  # files that stay as they are
    actions: list[Action] = []
    for key, part in sorted(incoming.items()):
        olds = [o for o in overlapping if key in o.keys]
        in_place = len(olds) == 1 and set(olds[0].keys) == {key}
        target = _free_name(olds[0].path if in_place else part.canonical, taken)
        taken.add(target)
        replaced = sum(o.keys[key] for o in olds)
        note = f"; replaces {count_text(replaced, 'row')} already there" if olds else ""
        actions.append(
            Action(
                target,
                part.data,
                f"{part.month} {part.force}: {count_text(part.rows, 'row')}{note}",
            )
        )
    for old in overlapping:
        kept = {k: n for k, n in old.keys.items() if k not in incoming}
        if kept:
            content = (folder / old.path).read_bytes()
            for (month, force), data in split_checked(content, old.path, kept).items():
                slug = slug_for(month, force, Path(old.path).name)
                target = _free_name(f"{CRIME_FOLDER}/{month}/{month}-{slug}-street.csv", taken)
                taken.add(target)
                actions.append(Action(target, data, f"{month} {force}: kept, from {old.path}"))
        if old.path not in taken:
            actions.append(Action(old.path, None, "its months are replaced by the import"))
    return actions


def _claimed_by_name(path: str, parts: list[CrimePart]) -> bool:
    """An unreadable existing file that police.uk's naming ties to a month being imported."""
    name = Path(path).name
    return any(path == p.canonical or name == Path(p.canonical).name for p in parts)


def _free_name(target: str, taken: set[str]) -> str:
    if target not in taken:
        return target
    stem = target.removesuffix("-street.csv")
    n = 2
    while f"{stem}-{n}-street.csv" in taken:
        n += 1
    return f"{stem}-{n}-street.csv"


@dataclass(frozen=True)
class CommitResult:
    """What a commit changed, one line per file."""

    folder: Path
    lines: list[str]


def commit(
    staged: Staged,
    folder: str | Path,
    lock_timeout: float = LOCK_TIMEOUT_S,
    who: Actor | None = None,
) -> CommitResult:
    """Write `staged` into `folder` atomically, under a lock, and log it in the folder's audit log
    as made by `who` (default: this process's account); raise HotspotDataError and leave the
    folder as it was if anything is wrong (a refusal is logged too, one by the checks included)."""
    actor = who or Actor(os_user(), "python")
    if staged.errors or staged.empty:
        _refuse(staged, folder, actor)
    if is_database_url(folder):
        from geo.store.pg_writes import commit_pg

        return CommitResult(folder, commit_pg(staged, str(folder), who=actor))
    check_target(Path(folder))
    rows = staged_rows(staged)
    with AuditLog(Path(folder)) as log:
        try:
            result = _commit(staged, folder, lock_timeout)
        except HotspotDataError as exc:
            log.write(entry(actor, REFUSED, staged.inputs, rows, [str(exc)], staged.kind))
            raise
        try:
            log.write(entry(actor, IMPORTED, staged.inputs, rows, result.lines, staged.kind))
        except (OSError, HotspotDataError) as exc:
            result.lines.append(f"warning: the audit log could not be written ({exc})")
    return result


def _refuse(staged: Staged, folder: str | Path, actor: Actor) -> NoReturn:
    """Raise the first problem the checks found, logged first (who, what kind, which files, why)
    when `folder` is a dataset folder an import may change. A database store is not logged: its
    import_log holds the imports written, and a refused one writes nothing."""
    refusal = staged.refusal() or HotspotDataError("nothing to import")
    if is_database_url(folder) or not _may_change(Path(folder)):
        raise refusal
    try:
        with AuditLog(Path(folder)) as log:
            rows = staged_rows(staged)
            log.write(entry(actor, REFUSED, staged.inputs, rows, [str(refusal)], staged.kind))
    except (OSError, HotspotDataError) as exc:
        raise HotspotDataError(
            f"{refusal.problem} (and the refusal could not be logged: {exc})",
            path=refusal.path,
            row=refusal.row,
            column=refusal.column,
        ) from exc
    raise refusal


def _may_change(folder: Path) -> bool:
    """Whether `folder` is one an import may change (so one to log in): not the sample."""
    try:
        check_target(folder)
    except HotspotDataError:
        return False
    return True


def staged_rows(staged: Staged) -> dict[str, int]:
    """How many hotspots, crime rows and patrol visits an import holds (for the audit log)."""
    rows = {}
    if staged.hotspots is not None:
        rows["hotspots"] = len(staged.hotspots.frame)
    if staged.crimes:
        rows["crime rows"] = sum(p.rows for p in staged.crimes)
    if staged.patrols is not None:
        rows["patrol visits"] = len(staged.patrols.frame)
    return rows


def _commit(staged: Staged, folder: str | Path, lock_timeout: float) -> CommitResult:
    """The commit itself: checks against the folder as it is now, then the locked writes."""
    folder = Path(folder)
    check_target(folder)
    real = folder.resolve()
    with lock(real, lock_timeout):
        undone = recover(real)
        if staged.hotspots is not None and staged.patrols is None:
            problems = _existing_patrols_against(real, staged.hotspots)
            if any(p.level == "error" for p in problems):
                Staged(findings=problems).raise_first()
        if staged.patrols is not None and staged.hotspots is None:
            ids = set(read_hotspots(find_hotspot_file(real))["hotspot_id"])
            unknown = sorted(set(staged.patrols.frame["hotspot_id"]) - ids)
            if unknown:
                raise HotspotDataError(
                    f"names hotspot_id '{unknown[0]}', which the dataset's hotspots lack",
                    path=staged.patrols.source,
                    column="hotspot_id",
                )
        if staged.pings and staged.ping_key is not None:
            if pseudonym_key(real)[0] != staged.ping_key[0] and not staged.ping_key[1]:
                raise HotspotDataError(
                    "the pseudonym key changed while the files were checked; import again",
                    path=folder,
                )
            if staged.ping_key[1] and (real / KEY_FILE).exists():
                raise HotspotDataError(
                    "another import made the pseudonym key meanwhile; import again", path=folder
                )
        actions = plan(staged, real)
        apply_actions(actions, real)
        key_mode(real / KEY_FILE)
    return CommitResult(
        folder,
        undone
        + [f"{'removed' if a.data is None else 'wrote'} {a.path}: {a.what}" for a in actions],
    )


# ---------------------------------------------------------------------------------------------
# The command line's entry


def import_files(
    folder: str | Path,
    kind: str,
    paths: Sequence[str | Path],
    progress: Progress | None = None,
    who: Actor | None = None,
) -> tuple[Staged, CommitResult]:
    """Check and commit files of one kind (`hotspots`, `crimes`, `patrols` or `pings`), logged
    as made by `who` (default: this account, from the command line); raise HotspotDataError,
    with the folder unchanged, when anything is wrong."""
    files = [InputFile.of(p) for p in paths]
    if kind in ("hotspots", "patrols") and len(files) != 1:
        raise HotspotDataError(f"give exactly one {kind} file (got {len(files)})")
    if kind == "hotspots":
        staged = check(folder, hotspots=files[0], progress=progress)
    elif kind == "patrols":
        staged = check(folder, patrols=files[0], progress=progress)
    elif kind == "crimes":
        staged = check(folder, crimes=files, progress=progress)
    elif kind == "pings":
        staged = check(folder, pings=files, progress=progress)
    else:
        raise HotspotDataError(
            f"'{kind}' is not something to import: hotspots, crimes, patrols or pings"
        )
    return staged, commit(staged, folder, who=who or Actor(os_user(), "command line"))
