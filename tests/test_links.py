"""The map page's view in its address: links, Back and Forward (geo.view.links)."""

from __future__ import annotations

from geo.period import Period
from geo.view.links import ALL_TOWNS, NO_HOTSPOT, View, query_for, view_from_query

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
DEFAULT = Period.parse("2025-01:2025-12")


def _view(query: dict) -> tuple[View, list[str]]:
    return view_from_query(
        query, metrics=["asb", "hours"], towns=["Heanor"], months=MONTHS, hotspots=["HS-1"],
        default_period=DEFAULT,
    )  # fmt: skip


def test_an_empty_address_is_the_default_view():
    view, notes = _view({})
    assert view == View("asb", ALL_TOWNS, ("2025-01", "2025-12"), NO_HOTSPOT) and notes == []


def test_a_view_survives_its_own_query():
    view = View("hours", "Heanor", ("2025-03", "2025-08"), "HS-1")
    assert _view(query_for(view)) == (view, [])


def test_unknown_values_fall_back_and_a_bad_period_is_reported():
    view, notes = _view(
        {"metric": "<script>", "town": "Atlantis", "hotspot": "HS-9", "period": "2024-99:x"}
    )
    assert view == View("asb", ALL_TOWNS, ("2025-01", "2025-12"), NO_HOTSPOT)
    assert len(notes) == 1 and notes[0].startswith("Ignoring the period in the link")
    view, notes = _view({"period": "2019-01:2019-02"})
    assert view.period == ("2025-01", "2025-12") and "has no data" in notes[0]


def test_shown_proposals_are_kept_in_the_address_and_hidden_ones_left_out():
    shown = View("asb", ALL_TOWNS, ("2025-01", "2025-12"), NO_HOTSPOT, proposals=True)
    assert query_for(shown)["proposals"] == "shown" and _view(query_for(shown)) == (shown, [])
    assert _view({"proposals": "1"})[0].proposals is False  # only the word the page writes


def test_all_towns_and_no_hotspot_stay_out_of_the_address():
    query = query_for(View("asb", ALL_TOWNS, ("2025-01", "2025-12"), NO_HOTSPOT))
    assert query == {"metric": "asb", "period": "2025-01:2025-12"}


def test_a_default_period_outside_the_data_is_moved_inside_it():
    view, _ = view_from_query(
        {}, metrics=["asb"], towns=[], months=["2023-03", "2023-04", "2024-02"], hotspots=[],
        default_period=Period.parse("2023-02:2024-01"),
    )  # fmt: skip
    assert view.period == ("2023-03", "2023-04")
