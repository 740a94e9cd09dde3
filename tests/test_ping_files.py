"""geo.counting.ping_files: ping files read into visits a file at a time, the hotspots' index built
beside the first."""

from __future__ import annotations

import numpy as np
import pytest

from geo.analysis.gps_dosage import gps_dosage
from geo.counting.ping_files import visits_from_files
from geo.counting.visits import HotspotIndex
from geo.period import Period
from tests.pings_helpers import at, every, hotspots, stay, write_pings

OCTOBER = Period.parse("2025-10:2025-10")


def test_ambiguous_local_time_read_as_first_occurrence_and_counted(tmp_path):
    times = every("2025-10-26T01:30:00", "2025-10-26T01:40:00")  # local, in the repeated hour
    write_pings(tmp_path / "p.csv", stay("o1", at(0), times))
    result = visits_from_files([tmp_path], hotspots(["A"]))
    assert result.stats.ambiguous == len(times)
    assert result.visits["start"].iloc[0] == int(
        np.datetime64("2025-10-26T00:30:00", "s").astype(int)
    )
    assert any("repeated" in note for note in result.stats.notes())


def test_visits_join_across_files(tmp_path):
    rows = stay("o1", at(0), every("2025-10-31T23:50:00Z", "2025-11-01T00:10:00Z"))
    write_pings(tmp_path / "2025-10.csv", rows[:10])
    write_pings(tmp_path / "2025-11.csv", rows[10:])
    result = visits_from_files([tmp_path], hotspots(["A"]))
    assert len(result.visits) == 1
    assert gps_dosage(result, OCTOBER).iloc[0]["officer_minutes"] == pytest.approx(20)


def test_a_reading_begun_before_gives_the_same_visits_and_must_be_of_those_files(tmp_path):
    from geo.io.pings import PingFilesReader, ping_files_in

    rows = stay("o1", at(0), every("2025-10-31T23:50:00Z", "2025-11-01T00:10:00Z"))
    write_pings(tmp_path / "2025-10.csv", rows[:10])
    write_pings(tmp_path / "2025-11.csv", rows[10:])
    files = ping_files_in([tmp_path])
    begun = visits_from_files([tmp_path], hotspots(["A"]), reader=PingFilesReader(files))
    assert begun.visits.equals(visits_from_files([tmp_path], hotspots(["A"])).visits)
    assert begun.stats.files == 2 and len(begun.visits) == 1
    with pytest.raises(ValueError, match="other files"):
        visits_from_files([tmp_path], hotspots(["A"]), reader=PingFilesReader(files[:1]))


def test_the_index_built_beside_the_first_file_gives_the_same_visits(tmp_path):
    from concurrent.futures import Future

    from geo.counting.ping_files import file_counting_pings
    from geo.counting.visits import VisitRules

    rows = stay("o1", at(0), every("2025-10-06T10:00:00Z", "2025-10-06T10:30:00Z"))
    path = write_pings(tmp_path / "p.csv", rows)
    index = HotspotIndex.build(hotspots(["A"]), 20.0)
    waiting: Future = Future()
    waiting.set_result(index)
    now, later = (file_counting_pings(path, i, VisitRules()) for i in (index, waiting))
    assert np.array_equal(now[0].seconds, later[0].seconds) and len(now[0].seconds) == 31
    with pytest.raises(ValueError, match="hotspots unreadable"):
        failed: Future = Future()
        failed.set_exception(ValueError("hotspots unreadable"))
        file_counting_pings(path, failed, VisitRules())
