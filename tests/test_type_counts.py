"""geo.counting.type_counts: rows and exact duplicates per month and crime type, file by file
or all at once."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from geo.analysis.anomalies import find_anomalies
from geo.counting.file_tally import tally_table
from geo.counting.type_counts import type_counts_frame, type_counts_of, type_month_counts
from geo.io.crimes import crime_columns, crimes_frame, find_crime_files, read_crime_file, read_files
from geo.schema import ASB
from tests.helpers import write_street_csv


def test_type_month_counts_are_rows_and_copies_per_month_and_type():
    rng = np.random.default_rng(3)
    kinds = np.array([ASB, "Burglary", "Drugs", "Robbery"])
    crimes = pd.DataFrame(
        {
            "month": rng.integers(648, 660, 2_000).astype(np.int32),
            "crime_type": pd.Categorical(kinds[rng.integers(0, 3, 2_000)], categories=kinds),
            "duplicate": rng.random(2_000) < 0.2,
        }
    )
    rows = Counter(zip(crimes["month"], crimes["crime_type"]))
    copies = Counter(
        k for k, d in zip(zip(crimes["month"], crimes["crime_type"]), crimes["duplicate"]) if d
    )
    counts = type_month_counts(crimes)
    keys = list(zip(counts["month"], counts["crime_type"]))
    assert keys == sorted(rows)  # month, then type; no row for Robbery, which has none
    assert counts["rows"].tolist() == [rows[k] for k in keys]
    assert counts["duplicates"].tolist() == [copies[k] for k in keys]


def test_type_counts_taken_file_by_file_add_up_to_those_of_every_row(tmp_path):
    """As `geo summary` takes them: the files' types numbered in one shared list, a month split
    over two files, a type first met in a later file. (Only the ASB rows are copies: other
    crimes carry a crime id each.)"""
    rows = {
        "2024-01-a-street.csv": [("2024-01", -1.4, 53.0, ASB)] * 3 + [("2024-01", -1.3, 53.0, ASB)],
        "2024-01-b-street.csv": [("2024-01", -1.4, 53.1, "Burglary")] * 2,
        "2024-02-a-street.csv": [("2024-02", -1.4, 53.0, "Drugs"), ("2024-02", -1.4, 53.0, ASB)],
    }
    for name, file_rows in rows.items():
        write_street_csv(tmp_path / name, file_rows)
    tables, problem = read_files(find_crime_files([tmp_path]), read_crime_file)
    names: dict[str, int] = {}
    parts = []
    for table in tables:
        columns = crime_columns(table, names)
        parts.append(
            type_counts_of(columns.month, columns.type_code, list(names), columns.duplicate)
        )
    summed = (
        pd.concat(parts)
        .groupby(["month", "crime_type"], as_index=False)[["rows", "duplicates"]]
        .sum()
    )
    whole = type_month_counts(crimes_frame(tables))
    key = ["month", "crime_type"]
    pd.testing.assert_frame_equal(
        summed.sort_values(key, ignore_index=True), whole.sort_values(key, ignore_index=True)
    )
    assert problem is None and whole["rows"].sum() == 8 and whole["duplicates"].sum() == 2
    assert find_anomalies(pd.concat(parts)) == find_anomalies(whole)
    tallied = type_counts_frame([tally_table(table).type_months for table in tables])
    by_file = tallied.groupby(key, as_index=False)[["rows", "duplicates"]].sum()
    pd.testing.assert_frame_equal(by_file, summed.sort_values(key, ignore_index=True))
