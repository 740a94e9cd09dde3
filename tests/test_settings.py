"""geo.settings: the one list of HOTSPOT_* settings, read in one place."""

from __future__ import annotations

import re

from geo.settings import SETTINGS, default_of, setting, settings_table
from tests.conftest import ROOT


def test_every_hotspot_variable_the_code_reads_is_declared_and_read_through_it():
    named = set()
    for path in [
        *(ROOT / "geo").rglob("*.py"),
        *(ROOT / "pages").rglob("*.py"),
        ROOT / "server.py",
    ]:
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"\"(HOTSPOT_[A-Z_]+)\"", text))
        if path.name != "settings.py":
            assert not re.search(r"environ(\.get)?\(\s*\"HOTSPOT_", text), path
    assert named <= {s.name for s in SETTINGS}


def test_a_setting_is_its_default_when_unset_or_blank(monkeypatch):
    monkeypatch.delenv("HOTSPOT_RING_M", raising=False)
    assert setting("HOTSPOT_RING_M") == default_of("HOTSPOT_RING_M") == "200"
    monkeypatch.setenv("HOTSPOT_RING_M", "  ")
    assert setting("HOTSPOT_RING_M") == "200"
    monkeypatch.setenv("HOTSPOT_RING_M", " 350 ")
    assert setting("HOTSPOT_RING_M") == "350"
    monkeypatch.setenv("HOTSPOT_PSEUDONYM_KEY", " spaced key ")
    assert setting("HOTSPOT_PSEUDONYM_KEY", strip=False) == " spaced key "


def test_the_documentation_lists_every_setting():
    table = settings_table()
    assert all(f"`{s.name}`" in table for s in SETTINGS)
    docs = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert "<!-- settings-table -->" in docs
