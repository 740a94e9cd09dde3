"""What the data page adds to a check (geo.view.import_check): months flagged once the import is
committed, counted as the commit leaves the dataset; findings rows; and the check's count of
pings without a position."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.app.load import load_dataset
from geo.store.imports.staged import SKIPPED_PINGS
from geo.store.imports.uploads import check_uploads
from geo.store.interface import open_store
from geo.view.import_check import findings_shown, flags_after_import, type_counts_after
from tests.check_months import (
    MONTHS,
    month_of_crime,
    street_file,
    three_month_dataset,
    without_asb,
)
from tests.helpers import IN_A


@pytest.fixture
def three_months(tmp_path):
    return three_month_dataset(tmp_path / "data")


def _flags(folder, uploads: list[tuple[str, bytes]]):
    dataset = load_dataset(folder)
    staged = check_uploads(folder, crimes=uploads)
    assert not staged.errors
    return flags_after_import(staged, folder, dataset.type_counts, dataset.anomalies)


def test_a_month_that_replaces_one_is_counted_in_its_place(three_months):
    march = three_months / "crimes" / "2024-03" / "2024-03-test-street.csv"
    flags = _flags(three_months, [(march.name, without_asb(march))])
    assert [a.label() for a in flags.new] == ["2024-03 ASB"]
    assert flags.summary() == "1 month will be flagged as anomalous"
    dataset = load_dataset(three_months)
    staged = check_uploads(three_months, crimes=[(march.name, without_asb(march))])
    after = type_counts_after(open_store(three_months).plan(staged), dataset.type_counts)
    march_ordinal = pd.Period("2024-03", freq="M").ordinal
    assert set(after.loc[after["month"] == march_ordinal, "crime_type"]) == {"Burglary"}
    assert len(after) == 2 * len(MONTHS) - 1  # the other months as they are


def test_another_forces_rows_of_a_month_are_added_not_replacing(three_months):
    march = three_months / "crimes" / "2024-03" / "2024-03-test-street.csv"
    other = march.read_bytes().replace(b"Test Constabulary", b"Other Police")
    flags = _flags(three_months, [("other-street.csv", other)])
    assert [a.label() for a in flags.new] == ["2024-03 ASB", "2024-03 Burglary"]  # doubled


def test_a_fixed_month_clears_its_flag(three_months, tmp_path):
    march = three_months / "crimes" / "2024-03" / "2024-03-test-street.csv"
    good = march.read_bytes()
    march.write_bytes(without_asb(march))
    assert [a.label() for a in load_dataset(three_months).anomalies] == ["2024-03 ASB"]
    flags = _flags(three_months, [(march.name, good)])
    assert flags.new == () and [a.label() for a in flags.cleared] == ["2024-03 ASB"]


def test_an_ordinary_new_month_flags_nothing(three_months, tmp_path):
    april = street_file(tmp_path, "2024-04", month_of_crime("2024-04"))
    flags = _flags(three_months, [(april.name, april.read_bytes())])
    assert flags.new == () and flags.summary() == ""


def test_pings_without_a_position_are_counted_apart_by_the_check(three_months):
    lines = ["officer_id,timestamp,longitude,latitude"]
    lines += [f"PC 1,2024-01-02T10:{m:02d}:00Z,{IN_A[0]},{IN_A[1]}" for m in range(5)]
    lines += ["PC 1,2024-01-02T11:00:00Z,,", "PC 1,2024-01-02T11:01:00Z, , "]
    staged = check_uploads(three_months, pings=[("p.csv", ("\n".join(lines) + "\n").encode())])
    (item,) = staged.pings
    assert (item.rows, item.skipped, item.counted) == (7, 2, 5)
    assert item.what() == "5 pings of 1 officer, 02 Jan 2024; 2 pings without a position"
    table = staged.pings_table()
    assert table[["pings", SKIPPED_PINGS]].values.tolist() == [[5, 2]]


def test_a_finding_about_a_whole_file_has_a_blank_row():
    table = pd.DataFrame(
        {"level": ["warning", "error"], "file": ["a.csv", "b.csv"], "row": [None, 7]}
    ).astype({"row": "Int64"})
    assert findings_shown(table)["row"].tolist() == ["", "7"]
