"""The counting-ping cache: a ping file is read once until it, the hotspots or the rules change."""

from __future__ import annotations

import pytest

from geo.app.imports import import_files
from geo.app.load import load_dataset
from geo.store.pseudonyms import KEY_ENV
from tests.pings_helpers import hotspots, ping_file


def test_counting_pings_are_cached_per_file(tmp_path, ping_folder, monkeypatch):
    import geo.io.pings as pings_module
    from geo.app.load import dataset_version

    monkeypatch.delenv(KEY_ENV, raising=False)
    import_files(ping_folder, "pings", [ping_file(tmp_path / "in" / "october.csv")])
    version = dataset_version(ping_folder)
    first = load_dataset(ping_folder)
    assert list((ping_folder / ".cache" / "pings").rglob("*.parquet"))
    assert dataset_version(ping_folder) == version

    def no_reading(*_args, **_kwargs):
        raise AssertionError("the ping file was read again")

    monkeypatch.setattr(pings_module, "read_pings", no_reading)
    second = load_dataset(ping_folder)
    assert second.gps.visits.equals(first.gps.visits)
    assert second.gps.stats == first.gps.stats
    # other hotspots: the cache no longer fits, and the file is read again
    moved = hotspots(["A", "B"]).to_crs("EPSG:4326")
    moved["geometry"] = moved.translate(0.001, 0)
    moved.to_file(ping_folder / "hotspots.geojson", driver="GeoJSON")
    with pytest.raises(AssertionError, match="read again"):
        load_dataset(ping_folder)
