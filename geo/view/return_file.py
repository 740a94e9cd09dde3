"""The monthly return (geo.analysis.monthly_return) as a file: CSV or an Excel workbook.

Text a spreadsheet would run as a formula (a hotspot named `=HYPERLINK(…)`) is neutralised in both.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from geo.analysis.monthly_return import MonthlyReturn, column_kind
from geo.errors import HotspotDataError
from geo.view.export import neutralise_formula

SUFFIXES = (".csv", ".xlsx")


def _safe_cells(result: MonthlyReturn) -> list[list[object]]:
    return [[neutralise_formula(value) for value in row] for row in result.cells()]


def return_csv(result: MonthlyReturn) -> bytes:
    """The return as UTF-8 CSV (with a byte-order mark, so Excel reads it as UTF-8)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(_safe_cells(result))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


NUMBER_FORMATS = {"count": "#,##0", "percent": "0.0%", "hours": "#,##0.0"}
"""Excel number formats by column kind (geo.analysis.monthly_return.column_kind): whole counts
with thousands separators, changes as percentages with one decimal, hours with one decimal."""
WIDEST = 48
"""Widest column, in characters; longer text wraps or runs into the empty cells beside it."""
HEADER_WORDS = 16
"""Characters of a column name on one line before it wraps (the names are long phrases)."""
LABEL_CHARS = 28
"""Characters of a heading label (in the first column, above the ids) on one line; longer
labels wrap rather than widen the id column."""


def return_xlsx(result: MonthlyReturn) -> bytes:
    """The return as an Excel workbook of one sheet: heading and column names in bold, numbers
    formatted by kind, columns as wide as what they hold, and everything down to the column
    names frozen, so they stay in view."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"Return {result.month}"
    cells = _safe_cells(result)
    header_row = len(result.heading) + 2
    kinds = [column_kind(str(name)) for name in result.table.columns]
    for number, row in enumerate(cells, start=1):
        if number > header_row:
            row = [_xlsx_value(value, kind) for value, kind in zip(row, kinds)]
        sheet.append(row)
    for cell in [*sheet[header_row], *sheet["A"][: len(result.heading)]]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, kind in enumerate(kinds, start=1):
        column = [sheet.cell(row, index) for row in range(header_row + 1, sheet.max_row + 1)]
        if kind in NUMBER_FORMATS:
            for cell in column:
                cell.number_format = NUMBER_FORMATS[kind]
        letter = sheet.cell(header_row, index).column_letter
        sheet.column_dimensions[letter].width = _width(
            str(sheet.cell(header_row, index).value),
            [_shown(cell.value, kind) for cell in column],
            [str(label)[:LABEL_CHARS] for label, _ in result.heading] if index == 1 else [],
        )
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: object, kind: str) -> object:
    """A table cell for Excel: a % change as the fraction a percentage format shows."""
    if kind == "percent" and isinstance(value, int | float):
        return value / 100
    return value


def _shown(value: object, kind: str) -> str:
    """A cell as its number format shows it, to size its column."""
    if value in (None, ""):
        return ""
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "hours":
        return f"{value:,.1f}"
    if kind == "percent":
        return f"{value:.1%}"
    return str(value)


def _width(header: str, shown: list[str], heading: list[str]) -> float:
    """A column's width in characters: its widest value (or heading label, in the first
    column), and its name wrapped to about HEADER_WORDS characters a line, within WIDEST."""
    name = max([min(len(header), HEADER_WORDS), *(len(word) for word in header.split())])
    return min(max([name, *(len(text) for text in [*shown, *heading])]) + 2, WIDEST)


def write_return(result: MonthlyReturn, path: str | Path) -> None:
    """Write the return as CSV or Excel, by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise HotspotDataError("give a file name ending in .csv or .xlsx for the return", path=path)
    data = return_csv(result) if suffix == ".csv" else return_xlsx(result)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise HotspotDataError(f"cannot be written ({exc.strerror})", path=path) from exc
