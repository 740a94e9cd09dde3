"""The monthly return, written as CSV and Excel, opened back with the csv module and openpyxl, and
checked against figures worked out here from the input rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from geo.analysis.monthly_return import monthly_return
from geo.analysis.stats import TOO_FEW_BEFORE
from geo.app.imports import import_files
from geo.app.load import load_dataset
from geo.cli import main
from geo.period import parse_month
from geo.store.pseudonyms import KEY_ENV
from geo.view.return_file import return_csv, return_xlsx
from tests.helpers import write_street_csv
from tests.pings_helpers import at, every, hotspots, stay, write_pings

BUSY = 4 * (TOO_FEW_BEFORE // 4 + 1)
"""ASB reports of the busy hotspot a year earlier: enough to tell, and a multiple of 4 (−25%)."""

OCTOBER = parse_month("2025-10")
ASB = "Anti-social behaviour"


def _dataset(folder: Path) -> Path:
    folder.mkdir()
    frame = hotspots(["A", "B"]).to_crs("EPSG:4326")
    frame.loc[1, "name"] = '=HYPERLINK("http://x")'  # hostile text must not become a formula
    frame.to_file(folder / "hotspots.geojson", driver="GeoJSON")
    now = [("2025-10", *at(0), ASB)] * 3 + [("2025-10", *at(0), "Burglary")] * 2
    now += [("2025-10", *at(1), ASB)] + [("2025-10", *at(5, 500, 500), ASB)] * 4  # outside both
    before = [("2024-10", *at(0), ASB)] * 4 + [("2024-10", *at(1), "Drugs")] * 2
    write_street_csv(folder / "crimes" / "2025-10" / "2025-10-test-street.csv", now)
    write_street_csv(folder / "crimes" / "2024-10" / "2024-10-test-street.csv", before)
    (folder / "patrols.csv").write_text(
        "hotspot_id,start,end,officers,arrests,engagements,patrol_type,stop_searches,notes\n"
        "A,2025-10-03T18:00,2025-10-03T19:30,2,1,10,uniformed,2,quiet\n"
        "A,2025-10-26T01:30+01:00,2025-10-26T01:30+00:00,1,0,3,plain clothes,,\n"
        "B,2025-10-31T23:30,2025-11-01T00:30,1,2,4,,1,\n"
        "B,2025-11-02T10:00,2025-11-02T11:00,1,5,5,partner,0,\n"
    )
    return folder


@pytest.fixture
def folder(tmp_path) -> Path:
    return _dataset(tmp_path / "data")


def _csv_table(data: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    blank = rows.index([])
    heading = {r[0]: r[1] for r in rows[:blank]}
    header = rows[blank + 1]
    return heading, [dict(zip(header, r, strict=True)) for r in rows[blank + 2 :]]


def test_csv_return_against_hand_worked_figures(folder):
    heading, rows = _csv_table(return_csv(monthly_return(load_dataset(folder), OCTOBER)))
    assert heading["Month"] == "October 2025" and heading["Compared with"] == "October 2024"
    assert heading["Patrol hours and visits"] == "the patrol log"
    by_id = {r["Hotspot ID"]: r for r in rows}
    a, b, total = by_id["A"], rows[1], rows[2]
    assert b["Hotspot"].startswith("'=")  # neutralised
    assert float(a["Patrol hours"]) == pytest.approx(1.5 * 2 + 1.0)  # 1 real hour at the change
    assert float(a["Patrol hours: uniformed"]) == pytest.approx(3.0)
    assert float(a["Patrol hours: plain clothes"]) == pytest.approx(1.0)
    assert (a["Visits"], a["Arrests"], a["People spoken to"], a["Stop and searches"]) == (
        "2", "1", "13", "2",
    )  # fmt: skip
    assert a["Missing people found"] == "" and a["Drug seizures"] == ""  # not in the log
    assert (a["ASB reports"], a["ASB reports, same month last year"]) == ("3", "4")
    assert float(a["ASB change (%)"]) == pytest.approx(-25.0)
    assert (a["All crimes"], a["All crimes, same month last year"]) == ("5", "4")
    assert float(b["Patrol hours: type not recorded"]) == pytest.approx(1.0)
    assert (b["Visits"], b["Arrests"], b["ASB reports"], b["All crimes, same month last year"]) == (
        "1", "2", "1", "2",
    )  # fmt: skip
    assert b["ASB change (%)"] == ""  # no ASB a year before: no percentage
    assert total["Hotspot"] == "All hotspots"
    assert float(total["Patrol hours"]) == pytest.approx(5.0)
    assert (total["Visits"], total["Arrests"], total["ASB reports"], total["All crimes"]) == (
        "3", "3", "4", "6",
    )  # fmt: skip
    assert float(total["ASB change (%)"]) == pytest.approx(0.0)


def test_xlsx_return_opens_with_the_same_values(folder):
    result = monthly_return(load_dataset(folder), OCTOBER)
    book = openpyxl.load_workbook(io.BytesIO(return_xlsx(result)))
    sheet = book.active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    blank = next(i for i, r in enumerate(values) if all(v is None for v in r))
    header = values[blank + 1]
    rows = [dict(zip(header, r, strict=True)) for r in values[blank + 2 :]]
    assert values[1][:2] == ["Month", "October 2025"]
    assert rows[0]["Patrol hours"] == pytest.approx(4.0)
    assert rows[0]["ASB reports"] == 3 and rows[0]["Missing people found"] is None
    assert rows[1]["Hotspot"].startswith("'=")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert rows[2]["All crimes"] == 6


def test_a_month_outside_the_data_is_blank_not_zero(folder):
    _heading, rows = _csv_table(
        return_csv(monthly_return(load_dataset(folder), parse_month("2025-06")))
    )
    assert all(rows[0][c] == "" for c in ("Patrol hours", "Visits", "Arrests", "ASB reports"))
    assert "do not cover" in _heading["ASB and all crime"]


def test_gps_hours_by_type(folder, tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    rows = stay("o1", at(0), every("2025-10-06T10:00:00Z", "2025-10-06T10:30:00Z"), role="PCSO")
    rows += stay("o2", at(0), every("2025-10-06T12:00:00Z", "2025-10-06T12:10:00Z"), role="warden")
    import_files(folder, "pings", [write_pings(tmp_path / "in" / "oct.csv", rows)])
    heading, table = _csv_table(return_csv(monthly_return(load_dataset(folder), OCTOBER)))
    assert heading["Patrol hours and visits"] == "GPS pings (1 file)"
    a = table[0]
    assert float(a["Patrol hours"]) == pytest.approx(40 / 60, abs=0.005)  # two decimals
    assert float(a["Patrol hours: uniformed"]) == pytest.approx(0.5)
    assert float(a["Patrol hours: partner"]) == pytest.approx(10 / 60, abs=0.005)
    assert (a["Visits"], a["Arrests"], a["People spoken to"]) == ("2", "1", "13")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_command_line(folder, tmp_path, suffix):
    out = tmp_path / f"return{suffix}"
    assert main(["return", "--data", str(folder), "--month", "2025-10", "--out", str(out)]) == 0
    assert out.stat().st_size > 0


def test_command_line_refuses_plainly(folder, tmp_path, capsys):
    args = ["return", "--data", str(folder), "--out", str(tmp_path / "r.csv")]
    assert main([*args, "--month", "October"]) == 2
    assert "not a month" in capsys.readouterr().err
    assert main(["return", "--data", str(folder), "--month", "2025-10", "--out", "r.pdf"]) == 2
    assert ".csv or .xlsx" in capsys.readouterr().err


@pytest.fixture
def tiny_and_busy(tmp_path) -> Path:
    """Hotspot A with 2 ASB reports in October 2024 and 6 in October 2025 (+200%), B with BUSY
    (enough to tell) and three quarters of that (−25%), and a patrol log of 1,250 visits to A."""
    folder = tmp_path / "data"
    folder.mkdir()
    hotspots(["A", "B"]).to_crs("EPSG:4326").to_file(folder / "hotspots.geojson")
    write_street_csv(
        folder / "crimes" / "2024-10" / "2024-10-test-street.csv",
        [("2024-10", *at(0), ASB)] * 2 + [("2024-10", *at(1), ASB)] * BUSY,
    )
    write_street_csv(
        folder / "crimes" / "2025-10" / "2025-10-test-street.csv",
        [("2025-10", *at(0), ASB)] * 6 + [("2025-10", *at(1), ASB)] * (BUSY * 3 // 4),
    )
    visits = "".join(
        f"A,2025-10-{1 + i % 28:02d}T{8 + i % 12:02d}:00,2025-10-{1 + i % 28:02d}T"
        f"{8 + i % 12:02d}:45,1,0,1\n"
        for i in range(1250)
    )
    (folder / "patrols.csv").write_text(
        "hotspot_id,start,end,officers,arrests,engagements\n" + visits
    )
    return folder


def test_a_change_on_too_few_reports_is_marked_as_the_app_marks_it(tiny_and_busy):
    from geo.analysis.monthly_return import TOO_FEW
    from geo.analysis.stats import too_few_flags

    heading, rows = _csv_table(return_csv(monthly_return(load_dataset(tiny_and_busy), OCTOBER)))
    a, b, total = rows
    assert (a["ASB reports, same month last year"], a["ASB reports"]) == ("2", "6")
    assert float(a["ASB change (%)"]) == pytest.approx(200.0) and a[TOO_FEW] == "yes"
    assert float(b["ASB change (%)"]) == pytest.approx(-25.0) and b[TOO_FEW] == "no"
    assert total[TOO_FEW] == "no"  # BUSY + 2 reports a year earlier
    assert [r[TOO_FEW] == "yes" for r in rows] == list(too_few_flags([2, BUSY, BUSY + 2]))
    assert list(rows[0]).index(TOO_FEW) == list(rows[0]).index("ASB change (%)") + 1
    assert TOO_FEW in heading


def test_a_month_without_its_baseline_marks_nothing(tiny_and_busy):
    from geo.analysis.monthly_return import TOO_FEW

    _heading, rows = _csv_table(
        return_csv(monthly_return(load_dataset(tiny_and_busy), parse_month("2024-10")))
    )
    assert all(row[TOO_FEW] == "" for row in rows)  # no October 2023: not known, not "no"


def test_xlsx_formats_numbers_sizes_columns_and_freezes_the_header(tiny_and_busy):
    from geo.view.return_file import WIDEST

    result = monthly_return(load_dataset(tiny_and_busy), OCTOBER)
    sheet = openpyxl.load_workbook(io.BytesIO(return_xlsx(result))).active
    header_row = len(result.heading) + 2
    header = [cell.value for cell in sheet[header_row]]
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert all(cell.alignment.wrap_text and cell.font.bold for cell in sheet[header_row])
    first = {name: sheet.cell(header_row + 1, i + 1) for i, name in enumerate(header)}
    total = {name: sheet.cell(header_row + 3, i + 1) for i, name in enumerate(header)}
    assert total["Hotspot"].value == "All hotspots"
    assert (first["Visits"].value, first["Visits"].number_format) == (1250, "#,##0")
    for name in ("Arrests", "People spoken to", "ASB reports", "All crimes, same month last year"):
        assert first[name].number_format == "#,##0", name
    assert first["ASB change (%)"].value == pytest.approx(2.0)  # +200%, as Excel holds it
    assert first["ASB change (%)"].number_format == "0.0%"
    assert total["All crime change (%)"].number_format == "0.0%"
    assert first["Patrol hours"].value == pytest.approx(937.5)
    for name in ("Patrol hours", "Patrol hours: type not recorded"):
        assert first[name].number_format == "#,##0.0", name
    assert first["Hotspot"].number_format == "General"
    for index, name in enumerate(header, start=1):
        letter = sheet.cell(header_row, index).column_letter
        width = sheet.column_dimensions[letter].width
        longest = max(len(word) for word in name.split())
        assert longest + 2 <= width <= WIDEST, name
