"""Checking police.uk street files for import: CSVs, folders of them and police.uk archive zips
(opened safely), each file read on its own into parts of one month and one force, so one bad file
does not hide problems in the others, and a month and force given twice is imported once (the
same rows) or refused (different rows)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from geo.errors import HotspotDataError
from geo.io.crimes import STREET_FILE, street_files_in
from geo.io.safezip import MAX_EXPANDED_BYTES, MAX_MEMBERS, SafeZip, open_zip
from geo.store.crime_months import CrimePart, crime_parts, same_rows
from geo.store.imports.files import MAX_UPLOAD_BYTES, check_size, unexpected_as_error
from geo.store.imports.staged import Finding, InputFile, Progress


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
            with unexpected_as_error(file.name):
                sources = list(_crime_sources(file, max_bytes, max_members, max_expanded))
        except HotspotDataError as exc:
            findings.append(Finding.from_error(exc, file.name))
            continue
        for number, (label, name, read) in enumerate(sources):
            say((index + number / max(len(sources), 1)) / len(files), f"Reading {label}")
            try:
                with unexpected_as_error(label):
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
