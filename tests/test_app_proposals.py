"""Proposed hotspots under AppTest: the map page's layer for importers (hidden by default, sent
once, a download), and the data page's action adding chosen ones through the ordinary import."""

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.app.load import load_dataset
from geo.io.hotspots import read_hotspots
from geo.store.folder.audit import read_entries
from geo.view.proposal_layer import LAYER_NAME
from tests.helpers import run_data_page, run_map_page, shown


def _frame_args(at) -> dict:
    (frame,) = at.get("component_instance")
    return json.loads(frame.proto.json_args)


def test_the_layer_is_hidden_until_asked_for_then_sent_once(monkeypatch, sample_dir):
    at = run_map_page(monkeypatch, sample_dir, town="Derby")
    args = _frame_args(at)
    assert args["proposals"] is None and args["proposals_key"] == ""  # nothing computed yet
    assert at.checkbox(key="show_proposals").value is False
    at.checkbox(key="show_proposals").check().run()
    assert not at.exception
    args = _frame_args(at)
    places = json.loads(args["proposals"])["places"]
    assert args["proposals_shown"] and args["proposals_key"] and places
    assert LAYER_NAME in args["legend"] and "dashed" in args["legend"]
    # the frame says it holds outlines and proposals: a colouring change sends neither again
    at.session_state["map"] = {"geometry": args["geometry_key"], "proposals": args["proposals_key"]}
    at.radio(key="metric").set_value("hours").run()
    again = _frame_args(at)
    assert again["proposals"] is None and again["geometry"] is None
    assert again["proposals_key"] == args["proposals_key"] and again["proposals_shown"]
    at.checkbox(key="show_proposals").uncheck().run()
    hidden = _frame_args(at)
    assert not hidden["proposals_shown"] and LAYER_NAME not in hidden["legend"]


def test_the_layer_comes_with_a_table_and_a_download_of_the_towns_proposals(
    monkeypatch, sample_dir
):
    at = run_map_page(monkeypatch, sample_dir, town="Derby")
    at.checkbox(key="show_proposals").check().run()
    assert LAYER_NAME in [h.value for h in at.header]
    (table,) = [d.value for d in at.dataframe if "incidents" in d.value.columns]
    places = json.loads(_frame_args(at)["proposals"])["places"]
    derby = [row[0] for row in places if row[3] == "Derby"]
    assert sorted(table["hotspot_id"]) == sorted(derby) and len(derby) < len(places)
    labels = [b.proto.label for b in at.get("download_button")]
    assert f"Download {LAYER_NAME.lower()} (GeoJSON)" in labels


def test_shown_proposals_are_in_the_address_and_a_link_shows_them(monkeypatch, sample_dir):
    at = run_map_page(monkeypatch, sample_dir, town="Derby")
    assert "proposals" not in at.query_params
    at.checkbox(key="show_proposals").check().run()
    assert at.query_params["proposals"] == "shown"
    linked = run_map_page(monkeypatch, sample_dir, town="Derby", proposals="shown")
    assert linked.checkbox(key="show_proposals").value is True
    assert _frame_args(linked)["proposals_shown"]


def test_a_viewer_has_no_proposals_layer(monkeypatch, sample_dir):
    import pages._access
    from geo.access import visitor_without_signin

    viewer = visitor_without_signin(local=False)
    monkeypatch.setattr(pages._access, "current_visitor", lambda: viewer)
    at = run_map_page(monkeypatch, sample_dir)
    assert not at.exception
    assert not [c for c in at.checkbox if c.key == "show_proposals"]
    assert _frame_args(at)["proposals_key"] == ""


@pytest.fixture
def own(sample_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "own"
    shutil.copytree(sample_dir, folder, ignore=shutil.ignore_patterns(".cache", "SAMPLE.md"))
    return folder


def _tick(at: AppTest, rows: list[int]) -> None:
    """Tick the Add box of `rows` in the table of proposals, as a click in the table does."""
    (editor,) = [d for d in at.dataframe if d.proto.editing_mode]
    key = editor.proto.id.split("-", 2)[2]  # $$ID-<hash>-<the widget's key>
    at.session_state[key] = {
        "edited_rows": {row: {"add": True} for row in rows}, "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    at.run()


def test_chosen_proposals_are_added_after_the_current_hotspots_and_logged(monkeypatch, own):
    before = load_dataset(own).hotspots
    at = run_data_page(monkeypatch, own)
    at.button(key="propose").click().run()
    assert not at.exception
    (editor,) = [d for d in at.dataframe if d.proto.editing_mode]
    proposals = editor.value
    assert at.button(key="check-proposals").disabled  # nothing ticked yet
    _tick(at, [0, 2])
    at.button(key="check-proposals").click().run()
    assert not at.exception and not at.error
    (plan,) = [d.value for d in at.dataframe if d.value.columns[0] == "action"]
    assert plan.to_dict(orient="records") == [
        {"action": "replace", "file": "hotspots.geojson", "what": f"{len(before) + 2} hotspots"}
    ]
    at.button(key="commit-proposals").click().run()
    assert not at.exception
    assert any("Imported." in shown(s.value) for s in at.success)
    after = read_hotspots(own / "hotspots.geojson")
    assert list(after["hotspot_id"]) == [*before["hotspot_id"], *proposals["added_as"].iloc[[0, 2]]]
    assert list(after["name"].iloc[-2:]) == list(proposals["name"].iloc[[0, 2]])
    entries, _ = read_entries(own)
    assert entries[0]["result"] == "imported" and entries[0]["kind"] == "hotspots"
    assert entries[0]["files"][0]["name"].startswith("hotspots-and-2-proposed-")
    (log,) = [d.value for d in at.dataframe if d.value.columns[0] == "time"]
    assert log["files"].iloc[0] == entries[0]["files"][0]["name"]  # on the page at once


def test_the_sample_says_what_blocks_adding_and_changes_nothing(monkeypatch, sample_dir):
    before = (sample_dir / "hotspots.geojson").read_bytes()
    at = run_data_page(monkeypatch, sample_dir)
    at.button(key="propose").click().run()
    _tick(at, [0])
    at.button(key="check-proposals").click().run()
    assert not at.exception
    assert any("Nothing is added" in shown(e.value) for e in at.error)
    (findings,) = [d.value for d in at.dataframe if {"file", "problem"} <= set(d.value.columns)]
    assert any("generated sample dataset" in p for p in findings["problem"])
    assert not [b for b in at.button if b.key == "commit-proposals"]
    assert (sample_dir / "hotspots.geojson").read_bytes() == before


def test_a_visitor_who_may_not_change_the_data_is_told_so(monkeypatch, own):
    import pages._access

    monkeypatch.setattr(pages._access, "change_refusal", lambda _visitor: "Sign in to import.")
    at = run_data_page(monkeypatch, own)
    assert not [b for b in at.button if b.key == "propose"]
    assert any("for those who may change the data" in c.value for c in at.caption)
