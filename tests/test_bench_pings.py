"""tools.bench_pings: the bench's generated GPS pings, read by the app's own ping reader."""

import numpy as np

from geo.analysis.gps_dosage import gps_dosage
from geo.counting.ping_files import visits_from_files
from geo.period import Period
from tools.bench import _hotspot_frame, _hotspot_shapes, _town_centres
from tools.bench_pings import PingSize, write_pings


def _hotspots():
    rng = np.random.default_rng(1)
    towns = _town_centres(rng, 3)
    return _hotspot_shapes(rng, towns, 30), towns


def test_generated_pings_read_and_some_fall_in_hotspots(tmp_path):
    shapes, towns = _hotspots()
    size = PingSize(30_000, 2, 10)
    folder = write_pings(tmp_path / "pings", size, shapes, towns, 2)
    assert len(list(folder.glob("*.csv"))) == 2
    result = visits_from_files([folder], _hotspot_frame(shapes, towns))
    assert result.stats.rows == size.rows
    table = gps_dosage(result, Period.parse(size.period))
    assert table["visits"].sum() > 0 and (table["officer_minutes"] > 0).mean() > 0.3


def test_the_same_seed_gives_the_same_pings_and_another_seed_others(tmp_path):
    shapes, towns = _hotspots()
    size = PingSize(5_000, 1, 4)
    first, again, other = (
        write_pings(tmp_path / name, size, shapes, towns, seed)
        for name, seed in (("a", 7), ("b", 7), ("c", 8))
    )
    read = [sorted(p.read_bytes() for p in f.glob("*.csv")) for f in (first, again, other)]
    assert read[0] == read[1] and read[0] != read[2]
