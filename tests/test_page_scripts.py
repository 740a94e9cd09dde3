"""Scripts the pages run in the browser: they carry no page text."""

import pytest

from geo.view.page_scripts import HEADER_CLEARANCE_PX, fit_to_window_js, scroll_into_view_js


def test_scroll_script_carries_no_page_text():
    script = scroll_into_view_js("map-row", "</script><script>alert(1)</script>")
    assert "alert" not in script and script.count("<script") == 1
    assert ".st-key-map-row" in script


def test_each_request_is_a_new_script_and_keys_must_be_plain():
    first, again = scroll_into_view_js("map-row", "HS-1"), scroll_into_view_js("map-row", "HS-2")
    assert first != again  # a new element each time, so it runs again
    assert scroll_into_view_js("map-row", "HS-1") == first
    assert f"{HEADER_CLEARANCE_PX}px" in first
    with pytest.raises(ValueError, match="plain identifier"):
        scroll_into_view_js("map-row'); alert(1); ('", "HS-1")


def test_the_fit_script_names_its_frame_and_bounds_and_keys_must_be_plain():
    script = fit_to_window_js("map-row", 320, 620)
    assert ".st-key-map-row iframe" in script and script.count("<script") == 1
    assert "Math.min(620, Math.max(320," in script
    with pytest.raises(ValueError, match="plain identifier"):
        fit_to_window_js("map-row iframe, body", 320, 620)
