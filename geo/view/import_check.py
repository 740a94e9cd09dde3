"""What the data page says about a checked import before it is committed: the months that will
be flagged as anomalous (and what the figures then leave out), and the findings table as a
person reads it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from geo.analysis.anomalies import MISSING, Anomaly, find_anomalies
from geo.counting.type_counts import type_month_counts
from geo.errors import HotspotDataError
from geo.io.crimes import CrimeSource, crimes_frame, read_crime_data
from geo.schema import ASB
from geo.store.imports.changes import ImportPlan
from geo.store.imports.staged import Staged
from geo.store.interface import Store, as_store
from geo.words import count_text

COUNT_COLUMNS = ["month", "crime_type", "rows", "duplicates"]


def left_out_of(anomaly: Anomaly) -> str:
    """Which figures leave a flagged month out (geo.analysis.anomalies.flagged_months, gaps)."""
    if anomaly.crime_type == MISSING:
        return "left out of every figure, even when flagged months are counted"
    if anomaly.crime_type == ASB:
        return "left out of the ASB and the all-crime figures"
    return "left out of the all-crime figures"


@dataclass(frozen=True)
class ImportFlags:
    """Months flagged as anomalous once an import is committed, against those flagged now."""

    new: tuple[Anomaly, ...] = ()
    cleared: tuple[Anomaly, ...] = ()
    kept: int = 0
    """Months flagged now that stay flagged."""

    def summary(self) -> str:
        """'1 month will be flagged as anomalous' for the check's status line; '' for none."""
        if not self.new:
            return ""
        return f"{count_text(len(self.new), 'month')} will be flagged as anomalous"

    def lines(self) -> list[str]:
        """One plain line per newly flagged month: why, and what the figures leave out."""
        return [f"{a.line()}; {left_out_of(a)}" for a in self.new]


def flags_after_import(
    staged: Staged,
    store: Store | Path | str,
    current: pd.DataFrame | None,
    now: Sequence[Anomaly] = (),
) -> ImportFlags:
    """The months `find_anomalies` will flag once `staged` is committed to `store`, whose crime
    rows are counted now as `current` (geo.counting.type_counts) and flagged as `now`."""
    if not staged.crimes:
        return ImportFlags(kept=len(now))
    after = find_anomalies(type_counts_after(as_store(store).plan(staged), current))
    before = {(a.month, a.crime_type) for a in now}
    later = {(a.month, a.crime_type) for a in after}
    return ImportFlags(
        new=tuple(a for a in after if (a.month, a.crime_type) not in before),
        cleared=tuple(a for a in now if (a.month, a.crime_type) not in later),
        kept=len(before & later),
    )


def type_counts_after(plan: ImportPlan, current: pd.DataFrame | None) -> pd.DataFrame:
    """Rows and duplicate rows per month and crime type as committing leaves the dataset: the
    `current` counts, less those of the crime files the commit rewrites or removes (a folder's)
    or of the months whose rows it replaces (a database's, whose counts are not held per force
    here: there a month the upload holds is counted from the upload alone), plus those of the
    street files it writes."""
    if plan.months_replaced:
        months = current["month"].isin(plan.months_replaced) if current is not None else None
        gone = _empty_counts() if current is None else current[months]
    else:
        gone = _file_counts(list(plan.files_replaced))
    written = list(plan.crimes_written)
    removed = gone.assign(rows=-gone["rows"], duplicates=-gone["duplicates"])
    parts = [_empty_counts() if current is None else current, removed, _data_counts(written)]
    total = (
        pd.concat([p[COUNT_COLUMNS] for p in parts], ignore_index=True)
        .astype({"crime_type": str})
        .groupby(["month", "crime_type"], as_index=False, sort=True)[["rows", "duplicates"]]
        .sum()
    )
    return total[total["rows"] > 0].reset_index(drop=True)


def _empty_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype=object if c == "crime_type" else int) for c in COUNT_COLUMNS}
    )


def _data_counts(files: list[tuple[str, bytes]]) -> pd.DataFrame:
    """Type counts of street files given as (name, bytes)."""
    return _table_counts([read_crime_data(data, CrimeSource(Path(name))) for name, data in files])


def _file_counts(paths: list[Path]) -> pd.DataFrame:
    """Type counts of the dataset's street files at `paths`; an unreadable one, which the
    dataset could not count either, counts nothing."""
    tables = []
    for path in paths:
        try:
            tables.append(read_crime_data(path.read_bytes(), CrimeSource(path)))
        except (HotspotDataError, OSError):
            continue
    return _table_counts(tables)


def _table_counts(tables: list[pa.Table]) -> pd.DataFrame:
    return type_month_counts(crimes_frame(tables)) if tables else _empty_counts()


@dataclass(frozen=True)
class CheckNotes:
    """What the page adds to a check, worked out once when the files are checked."""

    flags: ImportFlags = field(default_factory=ImportFlags)


def check_notes(
    staged: Staged, store: Store, current: pd.DataFrame | None, now: Sequence[Anomaly]
) -> CheckNotes:
    """The notes for a check without errors (see CheckNotes); for one with errors, none."""
    if staged.errors:
        return CheckNotes()
    return CheckNotes(flags_after_import(staged, store, current, now))


def findings_shown(table: pd.DataFrame) -> pd.DataFrame:
    """Staged.findings_table as read: a finding about a whole file has a blank row, not None."""
    row = table["row"].astype("Int64")
    return table.assign(row=[("" if pd.isna(r) else str(int(r))) for r in row])
