"""The monthly return as a file: CSV or Excel by suffix, opened back, formulas never live."""

from __future__ import annotations

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from geo.analysis.monthly_return import MonthlyReturn
from geo.errors import HotspotDataError
from geo.view.return_file import return_csv, return_xlsx, write_return


@pytest.fixture
def result() -> MonthlyReturn:
    table = pd.DataFrame(
        {"Hotspot": ["Market Place", '=HYPERLINK("http://x")'], "Patrol hours": [1.5, np.nan],
         "Arrests": pd.array([2, None], dtype="Int64")}
    )  # fmt: skip
    return MonthlyReturn(pd.Period("2025-10", "M"), [("Month", "October 2025")], table)


def test_csv_opens_back_with_blanks_for_missing_and_text_kept_as_text(result):
    rows = list(csv.reader(io.StringIO(return_csv(result).decode("utf-8-sig"))))
    assert rows[0] == ["Month", "October 2025"] and rows[1] == []
    assert rows[2] == ["Hotspot", "Patrol hours", "Arrests"]
    assert rows[3] == ["Market Place", "1.5", "2"]
    assert rows[4][0].startswith("'=") and rows[4][1:] == ["", ""]  # missing is blank, not 0


def test_xlsx_opens_back_with_numbers_as_numbers_and_no_formula(result):
    sheet = openpyxl.load_workbook(io.BytesIO(return_xlsx(result))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[2] == ["Hotspot", "Patrol hours", "Arrests"]
    assert values[3] == ["Market Place", 1.5, 2] and values[4][1:] == [None, None]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.title == "Return 2025-10"


def test_the_suffix_chooses_the_format_and_others_are_refused(result, tmp_path):
    write_return(result, tmp_path / "r.CSV")
    assert (tmp_path / "r.CSV").read_bytes() == return_csv(result)
    write_return(result, tmp_path / "r.xlsx")
    assert (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"
    with pytest.raises(HotspotDataError, match=r"\.csv or \.xlsx"):
        write_return(result, tmp_path / "r.pdf")
    with pytest.raises(HotspotDataError, match="cannot be written"):
        write_return(result, tmp_path / "no such folder" / "r.csv")
