"""The patrol log: officer hours, local time across clock changes, refusals naming the cell; the
optional outcome columns, times with offsets taken as the instants they are, the repeated autumn
hour, and problems (visits entered twice, overlapping visits) reported rather than summed."""

import math
from pathlib import Path

import pytest

from geo.errors import HotspotDataError
from geo.io.patrols import log_problems, read_patrols
from geo.schema import OUTCOME_COLUMNS
from tests.helpers import write_patrols

GOOD = ("A", "2025-03-01T18:00", "2025-03-01T18:45", 2, 0, 5)


def test_officer_hours_are_duration_times_officers(tmp_path):
    patrols = read_patrols(write_patrols(tmp_path / "p.csv", [GOOD]), ["A"])
    assert patrols["hours"].tolist() == [1.5]


def test_visit_across_the_spring_clock_change_counts_real_time(tmp_path):
    # 00:30 → 02:30 local on 30 March 2025 is one real hour: clocks jump from 01:00 to 02:00.
    row = ("A", "2025-03-30T00:30", "2025-03-30T02:30", 1, 0, 0)
    patrols = read_patrols(write_patrols(tmp_path / "p.csv", [row]), ["A"])
    assert patrols["hours"].tolist() == [1.0]


def test_times_with_offsets_are_converted_to_local(tmp_path):
    row = ("A", "2025-07-01T17:00:00+00:00", "2025-07-01T19:00:00+01:00", 1, 0, 0)
    patrols = read_patrols(write_patrols(tmp_path / "p.csv", [row]), ["A"])
    assert patrols["hours"].tolist() == [1.0]
    assert str(patrols["start"].iloc[0]) == "2025-07-01 18:00:00"


@pytest.mark.parametrize(
    "row,where",
    [
        (("A", "yesterday", "2025-03-01T18:45", 1, 0, 0), r"row 3, column 'start'"),
        (("A", "2025-03-01T18:00", "2025-03-01T17:00", 1, 0, 0), r"row 3, column 'end'.*before"),
        (("A", "2025-03-01T18:00", "2025-03-01T18:30", 0, 0, 0), r"row 3, column 'officers'"),
        (("A", "2025-03-01T18:00", "2025-03-01T18:30", 1, -1, 0), r"row 3, column 'arrests'"),
        (("A", "2025-03-01T18:00", "2025-03-01T18:30", 1, 0, 2.5), r"row 3, column 'engagements'"),
        (
            ("A", "2025-03-01T18:00", "2025-03-01T18:30", "11e999", 0, 0),
            r"row 3, column 'officers'",
        ),
        (
            ("Z", "2025-03-01T18:00", "2025-03-01T18:30", 1, 0, 0),
            r"row 3, column 'hotspot_id'.*'Z'",
        ),
    ],
)
def test_bad_rows_are_named(tmp_path, row, where):
    path = write_patrols(tmp_path / "p.csv", [GOOD, row])
    with pytest.raises(HotspotDataError, match=where):
        read_patrols(path, ["A"])


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("hotspot_id,start,end,officers\nA,2025-03-01T18:00,2025-03-01T19:00,1\n")
    with pytest.raises(HotspotDataError, match="arrests"):
        read_patrols(path, ["A"])


HEADER = "hotspot_id,start,end,officers,arrests,engagements"


def _log(tmp_path: Path, header: str, *rows: str) -> Path:
    path = tmp_path / "patrols.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_offsets_are_instants(tmp_path):
    # 27 Oct 2024: clocks go back at 02:00 BST. 00:30+01:00 to 01:30+01:00 is one hour (the
    # log read it as two), and 01:30+01:00 to 01:30+00:00 is one hour (it was refused).
    path = _log(
        tmp_path, HEADER,
        "A,2024-10-27T00:30+01:00,2024-10-27T01:30+01:00,1,0,0",
        "A,2024-10-27T01:30+01:00,2024-10-27T01:30+00:00,2,0,0",
        "A,2024-10-27T01:50,2024-10-27T01:10+00:00,1,0,0",
    )  # fmt: skip
    log = read_patrols(path)
    assert log["hours"].tolist() == pytest.approx([1.0, 2.0, 20 / 60])
    assert log["ambiguous"].tolist() == [False, False, True]


def test_local_times_across_the_autumn_change_are_refused_when_they_go_backwards(tmp_path):
    path = _log(tmp_path, HEADER, "A,2024-10-27T01:50,2024-10-27T01:10,1,0,0")
    with pytest.raises(HotspotDataError, match="row 2, column 'end'.*before"):
        read_patrols(path)


def test_a_local_time_that_never_happened_is_refused(tmp_path):
    path = _log(tmp_path, HEADER, "A,2025-03-30T01:30,2025-03-30T03:00,1,0,0")
    with pytest.raises(HotspotDataError, match="row 2, column 'start'.*did not happen"):
        read_patrols(path)


def test_optional_columns(tmp_path):
    header = HEADER + ",patrol_type,stop_searches,asb_powers,notes"
    path = _log(
        tmp_path, header,
        "A,2025-03-01T18:00,2025-03-01T19:00,1,0,2,Plain Clothes,3,1,\"seen, then left\"",
        "A,2025-03-02T18:00,2025-03-02T19:00,1,0,2,,,0,",
    )  # fmt: skip
    log = read_patrols(path)
    assert log["patrol_type"].tolist() == ["plain clothes", ""]
    assert log["stop_searches"].tolist()[0] == 3 and math.isnan(log["stop_searches"].iloc[1])
    assert log["asb_powers"].tolist() == [1, 0]
    assert log["missing_found"].isna().all() and log["drugs_seized"].isna().all()
    assert log["notes"].tolist() == ["seen, then left", ""]
    assert set(OUTCOME_COLUMNS) <= set(log.columns)


@pytest.mark.parametrize(
    ("extra", "value", "column"),
    [("patrol_type", "undercover", "patrol_type"), ("stop_searches", "-1", "stop_searches"),
     ("drugs_seized", "2.5", "drugs_seized"), ("notes", "x" * 2001, "notes")],
)  # fmt: skip
def test_bad_optional_values_are_named(tmp_path, extra, value, column):
    path = _log(tmp_path, f"{HEADER},{extra}", f"A,2025-03-01T18:00,2025-03-01T19:00,1,0,2,{value}")
    with pytest.raises(HotspotDataError) as caught:
        read_patrols(path)
    assert (caught.value.row, caught.value.column) == (2, column)


def test_duplicates_overlaps_and_ambiguous_times_are_reported(tmp_path):
    path = _log(
        tmp_path, HEADER + ",officer_id",
        "A,2025-03-01T18:00,2025-03-01T19:00,1,0,2,PC1",
        "A,2025-03-01T18:00,2025-03-01T19:00,1,0,2,PC1",
        "B,2025-03-01T18:30,2025-03-01T18:45,1,0,0,PC1",
        "B,2025-03-01T19:00,2025-03-01T19:30,1,0,0,PC1",
        "B,2025-03-01T18:30,2025-03-01T18:45,1,0,0,PC2",
        "A,2025-10-26T01:20,2025-10-26T01:40,1,0,0,PC3",
    )  # fmt: skip
    problems = log_problems(read_patrols(path))
    by_kind = {kind: group["rows"].tolist() for kind, group in problems.groupby("problem")}
    assert by_kind["entered twice"] == [[2, 3]]
    # row 4 overlaps row 2 (row 3, its copy, is reported once, as entered twice); row 5 is
    # back to back with row 2, row 6 is another officer
    assert by_kind["one officer's visits overlap"] == [[2, 4]]
    assert by_kind["time in the repeated hour"] == [[7]]
    assert problems["detail"].str.contains("first occurrence").any()


def test_a_clean_log_has_no_problems(tmp_path):
    path = _log(tmp_path, HEADER, "A,2025-03-01T18:00,2025-03-01T19:00,2,0,2")
    assert log_problems(read_patrols(path)).empty
