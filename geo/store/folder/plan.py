"""What an import writes into a dataset folder, file by file, against the folder as it is now:
hotspots become `hotspots.geojson` (other hotspot formats removed, so exactly one is read); each
month and force of crimes is written where police.uk's archive puts it, replacing the month and
force wherever the folder held it (a file holding other months too is split, keeping them); the
patrol log replaces `patrols.csv` whole; ping files and a new pseudonym key are written
owner-only.
"""

from __future__ import annotations

from pathlib import Path

from geo.errors import HotspotDataError
from geo.io.patrols import read_patrols
from geo.store.crime_months import CrimePart, slug_for, split_checked
from geo.store.folder.crime_files import ExistingCrimeFile, existing_crime_files
from geo.store.folder.writes import Action
from geo.store.imports.changes import Change, ImportPlan
from geo.store.imports.staged import Staged
from geo.store.layout import CRIME_FOLDER, HOTSPOT_FILE, HOTSPOT_FILES, KEY_FILE, PATROL_FILE
from geo.words import count_text


def folder_actions(staged: Staged, folder: Path) -> list[Action]:
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


def folder_plan(staged: Staged, folder: Path) -> ImportPlan:
    """What committing `staged` would do to `folder` as it is now: one change per file, the
    street files it writes and those it rewrites or removes."""
    actions = folder_actions(staged, folder)
    changes = tuple(
        Change(
            "remove" if a.data is None else ("replace" if (folder / a.path).exists() else "add"),
            a.path,
            a.what,
        )
        for a in actions
    )
    crimes = [a for a in actions if a.path.startswith(f"{CRIME_FOLDER}/")]
    return ImportPlan(
        changes,
        crimes_written=tuple((a.path, a.data) for a in crimes if a.data is not None),
        files_replaced=tuple(folder / a.path for a in crimes if (folder / a.path).is_file()),
    )
