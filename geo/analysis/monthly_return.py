"""The monthly return: per hotspot and in total, what patrols did in one month and what happened.

Funded hotspot programmes report monthly: patrol hours (by type), visits, arrests, stop and
searches, uses of ASB powers, people spoken to, missing people found, and ASB and all crime
against the same month a year earlier. The return is one table with plain-English column names,
headed by the month and the sources its figures come from, written as CSV or Excel.

- Patrol hours and visits come from GPS pings when the dataset has them, else the patrol log;
  outcomes always come from the patrol log. GPS roles are typed as patrols are: police officers
  and PCSOs are uniformed, wardens are partners, plain clothes is plain clothes.
- An outcome the patrol log does not record is left blank, not 0; so are crime counts for a month
  the crime data does not cover, and a change against a month with no reports.
- The total row adds up patrols; its crimes are counted once even where hotspots overlap.
- A change on a small baseline says nothing: the return marks it as the app does, by the same
  rule (geo.analysis.stats.too_few_flags), in a column beside the ASB change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo.analysis.context import EvaluationContext
from geo.analysis.figures import change_pct, hotspot_table, sum_in_period
from geo.analysis.outcomes import OUTCOME_LABELS
from geo.analysis.patrol_source import GPS, LOG
from geo.analysis.stats import TOO_FEW_BEFORE, TOO_FEW_REASON, too_few_flags
from geo.period import Period
from geo.schema import PATROL_TYPES
from geo.words import count_text

if TYPE_CHECKING:
    from geo.analysis.dataset import Dataset

TOTAL_LABEL = "All hotspots"
TYPE_NOT_GIVEN = "type not recorded"
OUTCOMES = OUTCOME_LABELS
"""Patrol log columns and their names in the return, in the order they appear."""
COUNTS = {
    "asb_after": "ASB reports",
    "asb_before": "ASB reports, same month last year",
    "asb_change_pct": "ASB change (%)",
    "crime_after": "All crimes",
    "crime_before": "All crimes, same month last year",
    "crime_change_pct": "All crime change (%)",
}
TOO_FEW = "Too few ASB reports to tell"
"""The column marking an ASB change on too small a base to tell anything ('yes' / 'no')."""
COUNT_COLUMNS = (
    "Visits", *OUTCOMES.values(), COUNTS["asb_after"], COUNTS["asb_before"],
    COUNTS["crime_after"], COUNTS["crime_before"],
)  # fmt: skip
"""Columns of whole numbers."""
PERCENT_COLUMNS = (COUNTS["asb_change_pct"], COUNTS["crime_change_pct"])
"""Columns of % changes (in percent: 200.0 is +200%)."""


def column_kind(column: str) -> str:
    """What a column of the return holds, for a file to format it: 'hours', 'count', 'percent'
    or 'text'."""
    if column.startswith("Patrol hours"):
        return "hours"
    if column in COUNT_COLUMNS:
        return "count"
    return "percent" if column in PERCENT_COLUMNS else "text"


@dataclass(frozen=True)
class MonthlyReturn:
    """The return for one month: heading lines (label, value) and the table."""

    month: pd.Period
    heading: list[tuple[str, str]]
    table: pd.DataFrame

    def cells(self) -> list[list[object]]:
        """Every row of the file: heading, a blank row, the column names, the table (missing
        values as empty cells, numbers as numbers)."""
        rows: list[list[object]] = [[label, value] for label, value in self.heading]
        rows.append([])
        rows.append(list(self.table.columns))
        for record in self.table.itertuples(index=False):
            rows.append([_cell(value) for value in record])
        return rows


def _cell(value: object) -> object:
    """A table value as a cell: missing is blank, floats to two decimals, numbers as numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return round(float(value), 2)
    return value


def monthly_return(dataset: Dataset, month: pd.Period) -> MonthlyReturn:
    """The return of `dataset` for `month` (per hotspot, then the total row)."""
    period = Period(month, month)
    base = hotspot_table(
        dataset.hotspots,
        dataset.counts,
        dataset.patrols,
        EvaluationContext.of(period, dataset.hotspots),
    )
    patrols = _month_patrols(dataset.patrols, month)
    ids = base["hotspot_id"]
    table = pd.DataFrame(
        {"Hotspot ID": ids, "Hotspot": base["name"], "Town": base["town"]}
    ).reset_index(drop=True)
    table["Patrol hours"] = base["officer_hours"].to_numpy(dtype=float)
    by_type = _hours_by_type(patrols, ids)
    typed = _any_typed(dataset.patrols)
    for column in by_type.columns:
        known = typed or column == TYPE_NOT_GIVEN
        table[f"Patrol hours: {column}"] = by_type[column].to_numpy() if known else np.nan
    table["Visits"] = base["visits"].to_numpy()
    log_columns = set(dataset.patrol_rows.columns) if dataset.patrol_rows is not None else set()
    has_log = dataset.patrol_rows is not None and len(dataset.patrol_rows) > 0
    for column, label in OUTCOMES.items():
        recorded = has_log and column in log_columns and _recorded(dataset.patrol_rows, column)
        sums = patrols.groupby("hotspot_id")[column].sum(min_count=1) if recorded else None
        table[label] = (
            sums.reindex(ids).fillna(0).to_numpy()
            if sums is not None
            else np.full(len(ids), np.nan)
        )
    covered = {str(m) for m in dataset.counts.months}
    have_now, have_before = str(month) in covered, str(month - 12) in covered
    for column, label in COUNTS.items():
        needs = {"after": have_now, "before": have_before, "change_pct": have_now and have_before}
        values = base[column] if needs[column.split("_", 1)[1]] else pd.Series(np.nan, base.index)
        kind = "Float64" if column.endswith("pct") else "Int64"
        table[label] = pd.array(values.to_numpy(dtype=float), dtype="Float64").astype(kind)
    marks = _too_few_marks(base["asb_before"].to_numpy(dtype=float)) if have_before else np.nan
    table.insert(table.columns.get_loc(COUNTS["asb_change_pct"]) + 1, TOO_FEW, marks)
    patrolled = _patrol_data_covers(dataset.patrols, month)
    if not patrolled:
        start = list(table.columns).index("Patrol hours")
        for column in table.columns[
            start : list(table.columns).index(OUTCOMES["drugs_seized"]) + 1
        ]:
            table[column] = np.nan
    table = pd.concat([table, _total_row(table, dataset, period, have_now, have_before)])
    table = table.astype({column: "Float64" for column in COUNT_COLUMNS}).astype(
        {column: "Int64" for column in COUNT_COLUMNS}
    )
    heading = _heading(dataset, month, have_now, have_before, patrolled)
    return MonthlyReturn(month, heading, table.reset_index(drop=True))


def _too_few_marks(before: np.ndarray) -> np.ndarray:
    """'yes' where an ASB baseline is too small for its change to tell anything, as the app
    flags it (stats.too_few_flags), else 'no'."""
    return np.where(too_few_flags(before), "yes", "no").astype(object)


def _patrol_data_covers(patrols: pd.DataFrame, month: pd.Period) -> bool:
    """Whether the month lies within the months the patrol data (GPS or log) spans."""
    months = patrols["month"]
    return bool(len(months)) and int(months.min()) <= month.ordinal <= int(months.max())


def _any_typed(patrols: pd.DataFrame) -> bool:
    """Whether any patrol in the dataset has a type (else typed hours are not recorded)."""
    return "patrol_type" in patrols.columns and bool(
        (patrols["patrol_type"].fillna("") != "").any()
    )


def _recorded(log: pd.DataFrame, column: str) -> bool:
    """Whether the patrol log records this outcome (the column is there, in some row)."""
    return column in log.columns and bool(log[column].notna().any())


def _month_patrols(patrols: pd.DataFrame, month: pd.Period) -> pd.DataFrame:
    """Patrol rows (GPS visits and log rows) starting in the month."""
    return patrols[patrols["month"] == month.ordinal]


def _hours_by_type(patrols: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Officer hours per hotspot and patrol type (columns: the types, then not recorded)."""
    types = patrols.get("patrol_type", pd.Series("", index=patrols.index)).fillna("")
    label = types.where(types != "", TYPE_NOT_GIVEN)
    hours = patrols.assign(type=label).pivot_table(
        index="hotspot_id", columns="type", values="hours", aggfunc="sum", fill_value=0.0
    )
    columns = [*PATROL_TYPES, TYPE_NOT_GIVEN]
    return hours.reindex(index=ids, columns=columns, fill_value=0.0).fillna(0.0)


def _total_row(
    table: pd.DataFrame, dataset: Dataset, period: Period, have_now: bool, have_before: bool
) -> pd.DataFrame:
    """The programme's total: patrols added up, crimes counted once across hotspots."""
    total = {"Hotspot ID": "", "Hotspot": TOTAL_LABEL, "Town": ""}
    for column in table.columns[3:]:
        if column in COUNTS.values() or column == TOO_FEW:
            continue
        values = table[column]
        total[column] = values.sum() if values.notna().any() else np.nan
    programme = dataset.counts.programme(table["Hotspot ID"])
    after = sum_in_period(programme.reset_index(), period, by=None)
    before = sum_in_period(programme.reset_index(), period.before, by=None)
    for kind in ("asb", "crime"):
        now = float(after[kind]) if have_now else np.nan
        then = float(before[kind]) if have_before else np.nan
        label = "ASB" if kind == "asb" else "All crime"
        total[COUNTS[f"{kind}_after"]] = now if have_now else pd.NA
        total[COUNTS[f"{kind}_before"]] = then if have_before else pd.NA
        change = float(change_pct(then, now)) if have_now and have_before else np.nan
        total[f"{label} change (%)"] = change
        if kind == "asb":
            total[TOO_FEW] = _too_few_marks(np.array([then]))[0] if have_before else np.nan
    return pd.DataFrame([total], columns=table.columns)


def _heading(
    dataset: Dataset, month: pd.Period, have_now: bool, have_before: bool, patrolled: bool
) -> list[tuple[str, str]]:
    """The lines above the table: what, when, and where every figure comes from."""
    crime_note = "police.uk street-level crime data"
    missing = [str(m) for m, have in ((month, have_now), (month - 12, have_before)) if not have]
    if missing:
        crime_note += f"; the data do not cover {' or '.join(missing)}, so those cells are blank"
    has_log = dataset.patrol_rows is not None and len(dataset.patrol_rows) > 0
    outcomes = "the patrol log" if has_log else "no patrol log: outcomes are blank"
    files = dataset.gps.stats.files if dataset.gps is not None else 0
    hours = {
        GPS: f"GPS pings ({count_text(files, 'file')})",
        LOG: "the patrol log",
    }.get(dataset.patrol_source, "no patrol data: hours are blank")
    if not patrolled and dataset.patrol_source in (GPS, LOG):
        hours += f"; it does not cover {month}, so patrol cells are blank"
    return [
        ("Hotspot patrols: monthly return", ""),
        ("Month", month.strftime("%B %Y")),
        ("Compared with", (month - 12).strftime("%B %Y")),
        ("Patrol hours and visits", hours),
        ("Arrests, stop and searches and other outcomes", outcomes),
        ("ASB and all crime", crime_note),
        (
            TOO_FEW,
            f"'yes' where the same month last year had fewer than {TOO_FEW_BEFORE} ASB reports: "
            f"{TOO_FEW_REASON}, so that ASB change says little (the rule the app uses)",
        ),
        ("Blank cells", "not recorded in the data (a blank is never a zero)"),
        ("Dataset", dataset.store.name),
    ]
