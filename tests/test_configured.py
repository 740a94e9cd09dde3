"""geo.app.configured: where the dataset is, the ring width and the GPS visit rules, as the
settings say."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.app.configured import (
    DEFAULT_FOLDER,
    data_folder,
    data_location,
    data_store,
    ring_width,
)
from geo.counting.areas import RING_M
from geo.errors import HotspotDataError
from geo.store.folder.store import FolderStore
from geo.store.postgres.store import PostgresStore


def test_the_folder_comes_from_hotspot_data_else_the_sample(monkeypatch, tmp_path):
    monkeypatch.delenv("HOTSPOT_DATA", raising=False)
    assert data_folder() == Path(data_location()) == DEFAULT_FOLDER
    assert data_store() == FolderStore(DEFAULT_FOLDER)
    monkeypatch.setenv("HOTSPOT_DATA", str(tmp_path))
    assert data_folder() == Path(data_location()) == tmp_path
    assert data_store() == FolderStore(tmp_path)
    monkeypatch.setenv("HOTSPOT_DATA", "postgresql://app@db.example.org/hotspots")
    assert data_location() == "postgresql://app@db.example.org/hotspots"
    assert data_store() == PostgresStore("postgresql://app@db.example.org/hotspots")


def test_the_ring_width_comes_from_hotspot_ring_m_within_limits(monkeypatch):
    monkeypatch.delenv("HOTSPOT_RING_M", raising=False)
    assert ring_width() == RING_M
    for text, width in (("10", 10), ("350", 350), ("5000", 5000)):
        monkeypatch.setenv("HOTSPOT_RING_M", text)
        assert ring_width() == width
    for text in ("9", "5001", "-5", "2e2", "200 m", "abc"):
        monkeypatch.setenv("HOTSPOT_RING_M", text)
        with pytest.raises(HotspotDataError, match=f"HOTSPOT_RING_M is '{text}'; give a width"):
            ring_width()
