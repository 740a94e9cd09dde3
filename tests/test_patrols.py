"""The patrol log: officer hours, local time across clock changes, and refusals naming the cell."""

import pytest

from geo.errors import HotspotDataError
from geo.io.patrols import read_patrols
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
