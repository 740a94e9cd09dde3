"""The patrol log, richer and stricter: optional outcome columns, times with offsets taken as the
instants they are, the repeated autumn hour, and problems reported rather than summed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from geo.errors import HotspotDataError
from geo.io.patrols import OUTCOME_COLUMNS, log_problems, read_patrols

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


def test_the_quality_report_lists_patrol_log_problems(tmp_path):
    from geo.store.dataset import load_dataset
    from geo.store.quality import quality_report
    from tests.test_pings_import import _dataset

    folder = _dataset(tmp_path / "data")
    (folder / "patrols.csv").write_text(
        HEADER + ",officer_id\n"
        "A,2025-10-06T18:00,2025-10-06T19:00,1,0,2,PC1\n"
        "A,2025-10-06T18:00,2025-10-06T19:00,1,0,2,PC1\n"
        "B,2025-10-06T18:30,2025-10-06T18:45,1,0,0,PC1\n"
        "B,2025-10-26T01:30,2025-10-26T01:50,1,0,0,PC2\n"
    )
    summary = quality_report(load_dataset(folder)).summary().set_index("check")
    twice = summary.loc["Patrol log visits entered twice (both count until one is removed)"]
    assert twice["count"] == 1 and "rows 2, 3" in twice["detail"]
    assert summary.loc["One officer's patrol visits overlapping in time", "count"] == 1
    assert summary.loc["Patrol times in the hour repeated when the clocks go back", "count"] == 1


def test_import_warns_of_patrol_log_problems(tmp_path):
    from geo.store.importer import InputFile, check
    from tests.test_pings_import import _dataset

    folder = _dataset(tmp_path / "data")
    path = _log(
        tmp_path, HEADER,
        "A,2025-10-06T18:00,2025-10-06T19:00,1,0,2",
        "A,2025-10-06T18:00,2025-10-06T19:00,1,0,2",
    )  # fmt: skip
    staged = check(folder, patrols=InputFile.of(path))
    assert not staged.errors
    assert any("same visit" in w.message and w.row == 2 for w in staged.warnings)
