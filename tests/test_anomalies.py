"""Anomalous months per crime type: found on the real Derbyshire files, not found in clean data,
and left out of both years of the figures by default."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.analysis.anomalies import MISSING, Anomaly, Exclusions, find_anomalies
from geo.analysis.context import EvaluationContext
from geo.analysis.figures import change_pct, hotspot_table, programme_figures
from geo.app.load import load_dataset
from geo.counting.aggregate import count_crimes
from geo.counting.type_counts import type_month_counts
from geo.io.crimes import (
    read_crimes,
)
from geo.io.hotspots import read_hotspots
from geo.period import Period
from geo.schema import ASB
from tests.flagged_data import three_year_dataset
from tests.helpers import square_hotspots, write_street_csv

DERBYSHIRE = Path("police-uk") / "derbyshire"


@pytest.fixture(scope="module")
def derbyshire(shared_data):
    """The real files read by the project, and the same files read row by row with csv."""
    folder = shared_data / DERBYSHIRE
    crimes = read_crimes([folder])
    asb = Counter()
    asb_rows = {}
    for path in sorted(folder.glob("*-street.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [tuple(r) for r in csv.reader(handle)][1:]
        for row in rows:
            if row[9] == ASB:
                asb[row[1]] += 1
        asb_rows[path.name[:7]] = [r for r in rows if r[9] == ASB]
    return crimes, asb, asb_rows


def test_real_months_flagged_are_november_without_asb_and_february_doubled(derbyshire):
    crimes, _, asb_rows = derbyshire
    found = find_anomalies(type_month_counts(crimes))
    assert {(str(a.month), a.crime_type) for a in found} == {
        ("2024-02", ASB),
        ("2024-11", ASB),
    }
    february = next(a for a in found if str(a.month) == "2024-02")
    rows = asb_rows["2024-02"]
    duplicates = len(rows) - len(set(rows))
    assert f"{duplicates / len(rows):.0%} of rows are exact duplicates" in february.what
    assert "none recorded" in next(a for a in found if str(a.month) == "2024-11").what


def test_no_false_flags_on_the_other_real_months(derbyshire):
    crimes, _, _ = derbyshire
    counts = type_month_counts(crimes)
    judged = len(counts.groupby(["month", "crime_type"])) + 1  # + November's absent ASB
    flagged = find_anomalies(counts)
    false_flags = [a for a in flagged if (str(a.month), a.crime_type) not in {
        ("2024-02", ASB), ("2024-11", ASB)}]  # fmt: skip
    assert judged > 300 and false_flags == []


def test_forcewide_asb_change_leaves_flagged_months_out_of_both_years(derbyshire, tmp_path):
    crimes, asb, _ = derbyshire
    hotspots = read_hotspots(
        square_hotspots(tmp_path / "h.geojson", {"X": (-1.5, 52.9, -1.4, 53.0)})
    )
    counts = count_crimes(crimes, hotspots)
    anomalies = tuple(find_anomalies(type_month_counts(crimes)))
    period = Period.parse("2024-01:2024-12")
    table = hotspot_table(
        hotspots, counts, None, EvaluationContext.of(period, hotspots, Exclusions(anomalies))
    )

    def figures(keep: bool):
        exclusions = Exclusions(anomalies, keep_flagged=keep)
        return programme_figures(
            table, counts, EvaluationContext.of(period, None, exclusions), patrol_log=False
        )

    def expected(months: list[str]) -> float:  # counted from the csv rows, not by the project
        after = sum(asb[f"2024-{m}"] for m in months)
        before = sum(asb[f"2023-{m}"] for m in months)
        return 100 * (after - before) / before

    every = [f"{m:02d}" for m in range(1, 13)]
    kept = [m for m in every if m not in ("02", "11")]
    left_out, counted = figures(keep=False), figures(keep=True)
    assert left_out.force_asb_change_pct == pytest.approx(expected(kept))
    assert counted.force_asb_change_pct == pytest.approx(expected(every))
    assert left_out.asb_left_out == ["2023-02", "2023-11", "2024-02", "2024-11"]
    assert counted.asb_left_out == []
    assert left_out.force_asb_change_pct != pytest.approx(counted.force_asb_change_pct)


def test_the_sample_has_no_flagged_month(sample_dir):
    assert load_dataset(sample_dir).anomalies == ()


def _counts(series: dict[str, np.ndarray], duplicates: dict[str, np.ndarray] | None = None):
    months = pd.period_range("2023-01", periods=24, freq="M").asi8
    frames = []
    for kind, rows in series.items():
        dups = duplicates[kind] if duplicates else np.zeros(len(rows), dtype=int)
        frames.append(pd.DataFrame({"month": months, "crime_type": kind, "rows": rows,
                                    "duplicates": dups}))  # fmt: skip
    out = pd.concat(frames)
    return out[out["rows"] > 0]


def test_clean_seasonal_counts_are_rarely_flagged():
    rng = np.random.default_rng(7)
    season = 1 + 0.3 * np.sin(np.arange(24) * 2 * np.pi / 12)
    series, dups = {}, {}
    for index in range(60):
        level = [20, 60, 300, 1500][index % 4]
        rows = rng.poisson(level * season)
        series[f"type {index}"] = rows
        dups[f"type {index}"] = rng.binomial(rows, 0.25)
    flagged = find_anomalies(_counts(series, dups))
    assert len(flagged) / (60 * 24) < 0.005


def test_absent_halved_and_duplicated_months_are_flagged():
    base = np.full(24, 1000)
    absent, halved, doubled = base.copy(), base.copy(), base.copy()
    absent[10], halved[5], doubled[15] = 0, 480, 2000
    dups = {"absent": base // 4, "halved": base // 4, "doubled": base // 4}
    dups["doubled"] = dups["doubled"].copy()
    dups["doubled"][15] = 1250
    found = {(a.crime_type, str(a.month)): a.what for a in find_anomalies(
        _counts({"absent": absent, "halved": halved, "doubled": doubled}, dups))}  # fmt: skip
    assert set(found) == {("absent", "2023-11"), ("halved", "2023-06"), ("doubled", "2024-04")}
    assert "none recorded" in found[("absent", "2023-11")]
    assert "exact duplicates" in found[("doubled", "2024-04")]


def test_a_flag_is_labelled_by_its_month_and_a_short_crime_type():
    month = pd.Period("2024-11", freq="M")
    assert Anomaly(month, ASB, "none recorded").label() == "2024-11 ASB"
    assert Anomaly(month, "Burglary", "halved").label() == "2024-11 Burglary"
    assert Anomaly(month, MISSING, "no rows").label() == "2024-11 all crime types"


def test_a_month_without_any_rows_is_a_gap_and_never_counted(tmp_path):
    rows = [(m, 0.5, 50.5, ASB) for m in ("2023-01", "2023-02", "2023-03") for _ in range(30)]
    rows += [(m, 0.5, 50.5, ASB) for m in ("2024-01", "2024-03") for _ in range(30)]
    rows += [(m, 0.5, 50.5, "Burglary") for m in ("2023-04", "2023-12") for _ in range(5)]
    write_street_csv(tmp_path / "c" / "x-street.csv", rows)
    crimes = read_crimes([tmp_path / "c"])
    hotspots = read_hotspots(square_hotspots(tmp_path / "h.geojson", {"A": (0, 50, 1, 51)}))
    found = find_anomalies(type_month_counts(crimes))
    assert ("2024-02", MISSING) in {(str(a.month), a.crime_type) for a in found}
    counts = count_crimes(crimes, hotspots)
    period = Period.parse("2024-01:2024-03")
    for keep in (False, True):  # a gap is left out even when flagged months are kept
        context = EvaluationContext.of(period, hotspots, Exclusions(tuple(found), keep))
        table = hotspot_table(hotspots, counts, None, context)
        assert table.loc[0, ["asb_before", "asb_after"]].tolist() == [60, 60]
        assert table.loc[0, "asb_change_pct"] == change_pct(60, 60) == 0


def test_duplicate_counts_survive_the_parquet_cache(tmp_path):
    folder = three_year_dataset(tmp_path / "data")
    first = load_dataset(folder)
    assert (folder / ".cache" / "crimes").is_dir()
    again = load_dataset(folder)  # read from the cache this time
    pd.testing.assert_frame_equal(first.type_counts, again.type_counts)
    counts = again.type_counts
    asb = counts["crime_type"] == ASB  # identical rows; each burglary has its own crime ID
    assert (counts.loc[asb, "duplicates"] == counts.loc[asb, "rows"] - 1).all()
    assert (counts.loc[~asb, "duplicates"] == 0).all() and (~asb).sum() == 36
    assert [(str(a.month), a.crime_type) for a in again.anomalies] == [("2024-03", ASB)]


def _halved(crimes, month: str, seed: int = 0):
    """The crime rows with half of `month`'s ASB rows removed at random."""
    ordinal = pd.Period(month, "M").ordinal
    rows = np.flatnonzero(
        (crimes["crime_type"] == ASB).to_numpy() & (crimes["month"].to_numpy() == ordinal)
    )
    gone = np.random.default_rng(seed).choice(rows, len(rows) // 2, replace=False)
    return crimes.drop(crimes.index[gone])


def test_a_month_that_lost_half_its_asb_is_flagged_against_the_year_before(shared_data):
    """Seasons hide a loss among neighbouring months (3 of 22 such months were flagged by the
    neighbours alone); against the same month a year before, 2024's are found. The published
    files gain no flag."""
    crimes = read_crimes([shared_data / "police-uk" / "derbyshire"])
    published = find_anomalies(type_month_counts(crimes))
    assert {(str(a.month), a.crime_type) for a in published} == {
        ("2024-02", ASB), ("2024-11", ASB),
    }  # fmt: skip
    held_out = ("2024-03", "2024-06", "2024-09", "2024-12")
    found = [
        any(
            str(a.month) == month and a.crime_type == ASB
            for a in find_anomalies(type_month_counts(_halved(crimes, month)))
        )
        for month in held_out
    ]
    assert sum(found) >= 3, dict(zip(held_out, found))


def test_a_real_rise_on_the_year_before_is_not_flagged():
    months = pd.period_range("2023-01", "2024-12", freq="M")
    counts = pd.DataFrame(
        {
            "month": months.asi8,
            "crime_type": "Vehicle crime",
            "rows": [300 + 40 * (m.month % 3) for m in months[:12]]
            + [270 + 36 * (m.month % 3) for m in months[12:18]]
            + [400]
            + [270 + 36 * (m.month % 3) for m in months[19:]],
            "duplicates": 0,
        }
    )
    assert find_anomalies(counts) == []


def test_a_count_of_one_crime_type_leaves_out_its_own_flags_and_gaps_unless_kept():
    march, april, may = (pd.Period(m, freq="M") for m in ("2024-03", "2024-04", "2024-05"))
    anomalies = (
        Anomaly(march, ASB, "absent"),
        Anomaly(april, "Burglary", "absent"),
        Anomaly(may, MISSING, "no rows"),
    )
    assert Exclusions(anomalies).months_of_type(ASB) == {march.ordinal, may.ordinal}
    assert Exclusions(anomalies).months_of_type("Burglary") == {april.ordinal, may.ordinal}
    assert Exclusions(anomalies, keep_flagged=True).months_of_type(ASB) == {may.ordinal}
