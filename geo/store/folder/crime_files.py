"""The police.uk street files a dataset folder holds, with the months and forces in each: what an
import into the folder replaces, and months of a force held in more than one file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.errors import HotspotDataError
from geo.io.crimes import CrimeSource, read_crime_data, street_files_in
from geo.store.crime_months import key_columns
from geo.store.layout import CRIME_FOLDER


@dataclass(frozen=True)
class ExistingCrimeFile:
    """A street file already in the dataset: its path (relative) and the month-and-force keys it
    holds with their row counts, or the problem that stops it being read."""

    path: str
    keys: dict[tuple[str, str], int]
    problem: str = ""


def existing_crime_files(folder: Path) -> list[ExistingCrimeFile]:
    """Every street file under `folder/crimes`, with the months and forces in it."""
    crimes = folder / CRIME_FOLDER
    if not crimes.is_dir():
        return []
    found = []
    for path in street_files_in(crimes):
        relative = path.relative_to(folder).as_posix()
        try:
            data = path.read_bytes()
            read_crime_data(data, CrimeSource(path))
            table = key_columns(data, str(path))
        except (HotspotDataError, OSError) as exc:
            found.append(ExistingCrimeFile(relative, {}, str(exc)))
            continue
        frame = pd.DataFrame(
            {
                "month": table.column("Month").to_pylist(),
                "force": [f.strip() for f in table.column("Reported by").to_pylist()],
            }
        )
        counts = frame.groupby(["month", "force"]).size()
        found.append(ExistingCrimeFile(relative, {k: int(v) for k, v in counts.items()}))
    return found


def duplicate_crime_months(folder: Path) -> pd.DataFrame:
    """Months of a force held in more than one file of the dataset (they would count twice)."""
    holders: dict[tuple[str, str], list[str]] = {}
    for existing in existing_crime_files(folder):
        for key in existing.keys:
            holders.setdefault(key, []).append(existing.path)
    rows = [
        {"month": m, "force": f, "files": ", ".join(paths)}
        for (m, f), paths in sorted(holders.items())
        if len(paths) > 1
    ]
    return pd.DataFrame(rows, columns=["month", "force", "files"])
