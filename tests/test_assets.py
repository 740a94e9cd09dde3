"""Leaflet served by the app itself: copied once per version into the static folder."""

import xstatic.pkg.leaflet as xstatic_leaflet

from geo.view.assets import LEAFLET_FILES, vendor_leaflet


def test_leaflet_is_copied_with_its_version(tmp_path):
    target = vendor_leaflet(tmp_path / "static")
    assert target == tmp_path / "static" / "vendor" / "leaflet"
    assert all((target / name).exists() for name in LEAFLET_FILES)
    assert (target / "leaflet.js").read_text().startswith(("/*", "!", "(function"))
    assert (target / "VERSION").read_text() == xstatic_leaflet.VERSION
    assert not (target.parent / "leaflet.tmp").exists()


def test_a_second_call_keeps_the_copy_and_a_stale_one_is_replaced(tmp_path):
    target = vendor_leaflet(tmp_path)
    marker = target / "kept.txt"
    marker.write_text("same version: left alone")
    assert vendor_leaflet(tmp_path) == target and marker.exists()
    (target / "VERSION").write_text("0.0.1")
    (target / "leaflet.js").write_text("old")
    vendor_leaflet(tmp_path)
    assert not marker.exists()  # a copy of another version is replaced whole
    assert (target / "leaflet.js").read_text() != "old"
    assert (target / "VERSION").read_text() == xstatic_leaflet.VERSION
