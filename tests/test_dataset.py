"""The dataset folder as loaded: the GPS visit rules the app takes from its environment."""

from __future__ import annotations

import pytest

from geo.analysis.figures import hotspot_table
from geo.errors import HotspotDataError
from geo.period import Period
from geo.store.dataset import load_dataset
from geo.store.importer import import_files
from geo.store.pings_store import KEY_ENV
from tests.pings_helpers import PING_MONTH, ping_file


def test_the_app_rules_come_from_the_environment(tmp_path, ping_folder, monkeypatch):
    from geo.store.dataset import visit_rules

    monkeypatch.delenv(KEY_ENV, raising=False)
    import_files(ping_folder, "pings", [ping_file(tmp_path / "in" / "october.csv")])
    period = Period.parse(PING_MONTH)
    monkeypatch.setenv("HOTSPOT_PING_MIN_VISIT_MIN", "0.5")
    assert visit_rules().min_visit_min == 0.5
    dataset = load_dataset(ping_folder)
    table = hotspot_table(dataset.hotspots, dataset.counts, dataset.patrols, period)
    assert table.set_index("hotspot_id").loc["B", "visits"] == 1  # the 1-minute stop counts now
    assert "under 0.5 minutes" in dataset.patrol_source_sentence
    monkeypatch.setenv("HOTSPOT_PING_MAX_GAP_MIN", "soon")
    with pytest.raises(HotspotDataError, match="HOTSPOT_PING_MAX_GAP_MIN"):
        visit_rules()
    monkeypatch.setenv("HOTSPOT_PING_MAX_GAP_MIN", "-1")
    with pytest.raises(HotspotDataError, match="HOTSPOT_PING_MAX_GAP_MIN"):
        visit_rules()
