"""The dataset as the app loads it (geo.app.load, from a folder's files: geo.store.folder.load and
geo.store.layout): finding and versioning its files, loading it once, and what the loaded dataset
knows about itself (geo.analysis.dataset)."""

from __future__ import annotations

import os

import pytest

from geo.analysis.context import EvaluationContext
from geo.analysis.figures import hotspot_table
from geo.analysis.patrol_source import LOG, NONE
from geo.app.imports import import_files
from geo.app.load import dataset_version, load_dataset
from geo.errors import HotspotDataError
from geo.period import Period
from geo.store.interface import open_store
from geo.store.layout import CONTROL_FILE, HOTSPOT_FILES, SAMPLE_MARKER, find_hotspot_file
from geo.store.pseudonyms import KEY_ENV
from tests.helpers import A, B, small_dataset, square_hotspots
from tests.pings_helpers import PING_MONTH, ping_file


def test_the_hotspot_file_is_found_in_the_order_of_the_accepted_formats(tmp_path):
    for name in reversed(HOTSPOT_FILES):
        (tmp_path / name).write_text("")
        assert find_hotspot_file(tmp_path) == tmp_path / name
    for name in HOTSPOT_FILES:
        (tmp_path / name).unlink()
    with pytest.raises(HotspotDataError, match="no hotspot file; expected one of hotspots.geojson"):
        find_hotspot_file(tmp_path)


def test_the_version_changes_with_any_file_but_not_hidden_ones(dataset):
    versions = [dataset_version(dataset)]
    (dataset / ".cache").mkdir()
    (dataset / ".cache" / "x.parquet").write_bytes(b"cache")
    (dataset / ".screen-tokens.json").write_text("{}")
    assert dataset_version(dataset) == versions[0]
    patrols = dataset / "patrols.csv"
    stat = patrols.stat()
    patrols.write_text(patrols.read_text() + "\n")
    os.utime(patrols, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # one byte more, same time
    versions.append(dataset_version(dataset))
    os.utime(patrols, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched only
    versions.append(dataset_version(dataset))
    (dataset / "crimes" / "2024-01" / "note.txt").write_text("x")
    versions.append(dataset_version(dataset))
    (dataset / "crimes" / "2024-01" / "note.txt").unlink()
    assert dataset_version(dataset) == versions[-2]
    assert len(set(versions)) == 4


def test_loading_uses_the_ring_width_and_a_control_file(dataset, monkeypatch):
    monkeypatch.setenv("HOTSPOT_RING_M", "350")
    loaded = load_dataset(dataset)
    assert loaded.areas.ring_m == 350
    assert loaded.areas.control_source.endswith("their 350 m rings")
    square_hotspots(dataset / CONTROL_FILE, {"C": (-1.50, 52.90, -1.40, 53.00)})
    assert load_dataset(dataset).areas.control_source == "the control areas supplied"


def test_a_missing_folder_or_one_without_crime_files_is_refused_by_name(tmp_path, dataset):
    with pytest.raises(HotspotDataError, match="dataset folder not found") as caught:
        load_dataset(tmp_path / "nowhere")
    assert caught.value.path == str(tmp_path / "nowhere")
    for part in sorted((dataset / "crimes").rglob("*-street.csv")):
        part.rename(part.with_suffix(".txt"))
    with pytest.raises(HotspotDataError, match=r"holds no police.uk \*-street.csv files"):
        load_dataset(dataset)


def test_the_dataset_knows_it_has_no_log(dataset):
    with_log = load_dataset(dataset)
    assert with_log.patrol_log is True and with_log.patrol_source == LOG
    (dataset / "patrols.csv").unlink()
    without = load_dataset(dataset)
    assert without.patrol_log is False and without.patrols_or_none is None
    assert without.patrol_rows is None and without.patrol_source == NONE


def test_the_sample_marker_towns_and_the_default_period(tmp_path):
    folder = small_dataset(tmp_path / "data")
    square_hotspots(
        folder / "hotspots.geojson", {"A": A, "B": B, "C": A}, towns=["Ripley", "", "Alfreton"]
    )
    loaded = load_dataset(folder)
    assert loaded.is_sample is False and loaded.towns == ["Alfreton", "Ripley"]
    (folder / SAMPLE_MARKER).write_text("generated")
    assert load_dataset(folder).is_sample is True
    # January 2024 only: no month has its year-earlier baseline, so the latest twelve months
    assert loaded.last_month == Period.parse("2024-01:2024-01").end
    assert loaded.default_period == Period.latest_year(loaded.last_month)
    with pytest.raises(HotspotDataError, match="2040-01"):
        loaded.check_period(Period.parse("2040-01:2040-12"))


def test_a_folder_path_given_as_text_loads_like_a_path(dataset):
    assert load_dataset(str(dataset)).store == load_dataset(dataset).store == open_store(dataset)


def test_the_app_rules_come_from_the_environment(tmp_path, ping_folder, monkeypatch):
    from geo.app.configured import visit_rules

    monkeypatch.delenv(KEY_ENV, raising=False)
    import_files(ping_folder, "pings", [ping_file(tmp_path / "in" / "october.csv")])
    period = Period.parse(PING_MONTH)
    monkeypatch.setenv("HOTSPOT_PING_MIN_VISIT_MIN", "0.5")
    assert visit_rules().min_visit_min == 0.5
    dataset = load_dataset(ping_folder)
    table = hotspot_table(
        dataset.hotspots,
        dataset.counts,
        dataset.patrols,
        EvaluationContext.of(period, dataset.hotspots),
    )
    assert table.set_index("hotspot_id").loc["B", "visits"] == 1  # the 1-minute stop counts now
    assert "under 0.5 minutes" in dataset.patrol_source_sentence
    monkeypatch.setenv("HOTSPOT_PING_MAX_GAP_MIN", "soon")
    with pytest.raises(HotspotDataError, match="HOTSPOT_PING_MAX_GAP_MIN"):
        visit_rules()
    monkeypatch.setenv("HOTSPOT_PING_MAX_GAP_MIN", "-1")
    with pytest.raises(HotspotDataError, match="HOTSPOT_PING_MAX_GAP_MIN"):
        visit_rules()


def test_the_rules_sentence_names_each_setting_the_database_overrides():
    from geo.analysis.dataset import rules_set_by_imports
    from geo.counting.visits import VisitRules

    said = rules_set_by_imports(VisitRules(), VisitRules(tolerance_m=35, max_gap_min=7.5))
    assert "HOTSPOT_PING_TOLERANCE_M is 35 here, 20 there" in said
    assert "HOTSPOT_PING_MAX_GAP_MIN is 7.5 here, 5 there" in said
    assert "ACCURACY" not in said and "whoever imports" in said
