"""The monthly return (geo.analysis.monthly_return) as a file: CSV or an Excel workbook.

Text a spreadsheet would run as a formula (a hotspot named `=HYPERLINK(…)`) is neutralised in both.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from geo.analysis.monthly_return import MonthlyReturn
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


def return_xlsx(result: MonthlyReturn) -> bytes:
    """The return as an Excel workbook of one sheet, heading and column names in bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"Return {result.month}"
    for row in _safe_cells(result):
        sheet.append(row)
    header_row = len(result.heading) + 2
    for cell in [*sheet[header_row], *sheet["A"][: len(result.heading)]]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
