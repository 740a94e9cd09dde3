"""Month-by-month playback on the map page and the wall under AppTest: what the link asks for,
what the map frame is sent, and a hostile `play` value refused with a note."""

import json
import re

import pytest

from geo.view.playback import DEFAULT_SECONDS, PLAY_RULE
from geo.view.scales import asb_change_scale, month_change_scale
from tests.helpers import run_map_page, shown


def _frame_args(at) -> dict:
    """What the page sent the map frame in its last run."""
    (frame,) = at.get("component_instance")
    return json.loads(frame.proto.json_args)


def _param(at, name: str) -> str | None:
    """The page's address parameter `name` after its last run."""
    value = at.query_params.get(name)
    return value[-1] if isinstance(value, list) else value


def _months(args: dict) -> list[str]:
    return [month[0] for month in json.loads(args["play"])["months"]]


def test_a_link_with_play_sends_every_month_of_the_period_at_its_seconds(monkeypatch, sample_dir):
    at = run_map_page(monkeypatch, sample_dir, play="5", period="2026-01:2026-06")
    assert not at.exception
    args = _frame_args(at)
    assert args["play_key"] and args["play_options"]["seconds"] == 5
    assert _months(args) == [
        "January 2026", "February 2026", "March 2026", "April 2026", "May 2026", "June 2026",
    ]  # fmt: skip
    assert month_change_scale().title in args["legend"]
    assert asb_change_scale().title not in args["legend"]
    assert at.toggle(key="play_on").value is True
    assert _param(at, "play") == "5"


def test_the_months_are_sent_once_and_a_change_keeps_the_playback(monkeypatch, sample_dir):
    at = run_map_page(monkeypatch, sample_dir, play="5")
    args = _frame_args(at)
    # the frame says it holds the outlines and the months (as the browser's frame reports)
    at.session_state["map"] = {"geometry": args["geometry_key"], "playback": args["play_key"]}
    at.selectbox(key="town").set_value("Heanor").run()
    assert not at.exception
    again = _frame_args(at)
    assert again["play"] is None and again["geometry"] is None  # nothing sent twice
    assert again["play_key"] == args["play_key"] and again["play_options"]["seconds"] == 5
    assert _param(at, "play") == "5" and _param(at, "town") == "Heanor"
    assert any("coloured by each month's ASB" in c.value for c in at.sidebar.caption)


def test_the_toggle_plays_at_the_default_speed_and_stops(monkeypatch, sample_dir):
    at = run_map_page(monkeypatch, sample_dir)
    assert _frame_args(at)["play_key"] == ""
    at.toggle(key="play_on").set_value(True).run()
    args = _frame_args(at)
    assert args["play_key"] and args["play_options"]["seconds"] == DEFAULT_SECONDS
    assert _param(at, "play") == str(DEFAULT_SECONDS)
    at.toggle(key="play_on").set_value(False).run()
    args = _frame_args(at)
    assert args["play_key"] == "" and "play" not in at.query_params
    assert asb_change_scale().title in args["legend"]


@pytest.mark.parametrize("value", ["fast", "-3", "0.5", "<b>9</b>", "1000"])
def test_a_bad_play_value_is_refused_with_a_note_and_the_map_shows_the_period(
    monkeypatch, sample_dir, value
):
    at = run_map_page(monkeypatch, sample_dir, play=value)
    assert not at.exception
    notes = [w.value for w in at.warning if "Ignoring play=" in shown(w.value)]
    assert len(notes) == 1 and PLAY_RULE in shown(notes[0])
    assert not re.search(r"(?<!\\)[<>*_`]", notes[0])  # every markup character escaped
    assert _frame_args(at)["play_key"] == ""
    assert at.toggle(key="play_on").value is False


def _wall(monkeypatch, folder, **query):
    """The wall opened by a link with `query` (the map page, run first, keeps no address)."""
    at = run_map_page(monkeypatch, folder)
    at.query_params.clear()
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    return at


def test_the_wall_plays_the_months_with_its_legend(monkeypatch, sample_dir):
    at = _wall(monkeypatch, sample_dir, play="4")
    args = _frame_args(at)
    assert args["play_key"] and args["play_options"]["seconds"] == 4 and args["options"]["wall"]
    assert len(_months(args)) == 12
    html = " ".join(e.proto.body for e in at.get("html"))
    assert f"{month_change_scale().title}:" in html and "not known" in html


def test_the_wall_says_why_it_ignores_a_bad_play_value(monkeypatch, sample_dir):
    at = _wall(monkeypatch, sample_dir, play="<img src=x onerror=y>")
    assert _frame_args(at)["play_key"] == ""
    html = " ".join(e.proto.body for e in at.get("html"))
    assert "Ignoring play=&lt;img src=x onerror=y&gt;" in html and "<img" not in html
    assert f"{asb_change_scale().title}:" in html  # the period's legend, as without play
