"""Proposals written for `geo import hotspots`: on their own, and added to the current hotspots
through the ordinary import (the current ones unchanged, the patrol log's ids all kept)."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from geo.analysis.proposals import ProposalRules, Proposals, propose
from geo.app.imports import import_files
from geo.app.load import dataset_version, load_dataset
from geo.app.proposals import dataset_source
from geo.cli import main
from geo.errors import HotspotDataError
from geo.io.hotspot_layers import free_ids, layer_geojson, with_proposals
from geo.io.hotspots import read_hotspots
from geo.store.folder.audit import read_entries
from geo.store.imports.check import check
from geo.store.imports.staged import InputFile

PERIOD = "2025-10:2026-09"


@pytest.fixture
def own(sample_dir: Path, tmp_path: Path) -> Path:
    """A copy of the sample as a user's own dataset (imports may change it)."""
    folder = tmp_path / "own"
    shutil.copytree(sample_dir, folder, ignore=shutil.ignore_patterns(".cache", "SAMPLE.md"))
    return folder


@pytest.fixture(scope="module")
def proposals(sample_dir: Path) -> Proposals:
    return propose(dataset_source(sample_dir), None, PERIOD, ProposalRules(places=5))


def test_a_taken_id_gets_the_first_free_suffix():
    assert free_ids(["P01", "P02"], {"P01", "P01-2"}) == ["P01-3", "P02"]
    assert free_ids(["P01", "P01"], set()) == ["P01", "P01-2"]


def test_the_proposals_file_reads_as_a_hotspot_file_unchanged(proposals, tmp_path):
    path = tmp_path / "proposed.geojson"
    path.write_bytes(layer_geojson(proposals.frame))
    read = read_hotspots(path)
    assert list(read["hotspot_id"]) == list(proposals.frame["hotspot_id"])
    assert list(read["name"]) == list(proposals.frame["name"])
    assert list(read["town"]) == list(proposals.frame["town"])
    staged = check(tmp_path / "new", hotspots=InputFile.of(path))  # a programme starting out
    assert staged.errors == [] and len(staged.hotspots.frame) == len(proposals.frame)


def test_added_proposals_follow_the_current_hotspots_unchanged(own, proposals):
    current = load_dataset(own).hotspots
    chosen = proposals.frame.iloc[[0, 2]]
    both = with_proposals(current, chosen, date(2027, 1, 1))
    assert len(both) == len(current) + 2
    kept = both.iloc[: len(current)]
    assert list(kept["hotspot_id"]) == list(current["hotspot_id"])
    assert list(kept["name"]) == list(current["name"])
    assert all(a.equals_exact(b, 1e-9) for a, b in zip(kept.geometry, current.geometry))
    added = both.iloc[len(current) :]
    assert list(added["hotspot_id"]) == list(chosen["hotspot_id"])
    assert set(added["started"]) == {"2027-01-01"}


def test_an_id_already_taken_is_added_with_a_suffix(own, proposals):
    current = load_dataset(own).hotspots.copy()
    current.loc[0, "hotspot_id"] = str(proposals.frame["hotspot_id"].iloc[0])
    both = with_proposals(current, proposals.frame.iloc[:1], date(2027, 1, 1))
    assert both["hotspot_id"].iloc[-1] == f"{proposals.frame['hotspot_id'].iloc[0]}-2"
    assert both["hotspot_id"].is_unique


def test_nothing_chosen_is_refused_saying_what_to_do(own, proposals):
    with pytest.raises(HotspotDataError, match="tick the ones to add"):
        with_proposals(load_dataset(own).hotspots, proposals.frame.iloc[:0], date(2027, 1, 1))


def test_added_through_the_ordinary_import_the_patrol_log_still_matches(own, proposals, tmp_path):
    before = load_dataset(own)
    both = with_proposals(before.hotspots, proposals.frame.iloc[:3], date(2027, 1, 1))
    path = tmp_path / "hotspots-and-3-proposed.geojson"
    path.write_bytes(layer_geojson(both))
    staged, committed = import_files(own, "hotspots", [path])
    assert staged.errors == [] and committed.lines
    after = load_dataset(own)
    assert len(after.hotspots) == len(before.hotspots) + 3
    assert set(before.hotspots["hotspot_id"]) < set(after.hotspots["hotspot_id"])
    assert len(after.patrols) == len(before.patrols)  # the patrol log is as it was
    entries, _ = read_entries(own)
    assert entries[0]["result"] == "imported" and entries[0]["files"][0]["name"] == str(path)
    assert entries[0]["rows"] == {"hotspots": len(before.hotspots) + 3}


def test_the_proposals_alone_would_replace_hotspots_the_patrol_log_names(own, proposals, tmp_path):
    path = tmp_path / "proposed.geojson"
    path.write_bytes(layer_geojson(proposals.frame))
    with pytest.raises(HotspotDataError, match="patrol log names"):
        import_files(own, "hotspots", [path])


def test_import_append_adds_a_file_after_the_current_hotspots_unchanged(
    own, proposals, tmp_path, capsys
):
    path = tmp_path / "proposed.geojson"
    path.write_bytes(layer_geojson(proposals.frame.iloc[:2]))
    before = load_dataset(own)
    assert main(["import", "--data", str(own), "hotspots", "--append", str(path)]) == 0
    after = load_dataset(own)
    kept = after.hotspots.iloc[: len(before.hotspots)]
    assert list(kept["hotspot_id"]) == list(before.hotspots["hotspot_id"])
    assert all(a.equals_exact(b, 1e-9) for a, b in zip(kept.geometry, before.hotspots.geometry))
    added = list(after.hotspots["hotspot_id"].iloc[len(before.hotspots) :])
    assert added == list(proposals.frame["hotspot_id"].iloc[:2])
    assert len(after.patrols) == len(before.patrols)
    capsys.readouterr()
    assert main(["import", "--data", str(own), "hotspots", "--append", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"hotspot_id {added[0]} is taken; added as {added[0]}-2" in err
    assert list(load_dataset(own).hotspots["hotspot_id"].iloc[-2:]) == [f"{i}-2" for i in added]


def test_import_append_of_anything_but_one_hotspot_file_changes_nothing(own, tmp_path, capsys):
    crimes = sorted((own / "crimes").rglob("*.csv"))[0]
    version = dataset_version(own)
    assert main(["import", "--data", str(own), "crimes", "--append", str(crimes)]) == 2
    assert (
        main(["import", "--data", str(own), "hotspots", "--append", str(tmp_path / "no.geojson")])
        == 2
    )
    err = capsys.readouterr().err
    assert "--append adds one hotspot file" in err and "no.geojson: file not found" in err
    assert dataset_version(own) == version
