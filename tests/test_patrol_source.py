"""Where patrol hours come from: GPS pings when the dataset has them, else the patrol log."""

from __future__ import annotations

from geo.analysis.context import EvaluationContext
from geo.analysis.figures import hotspot_table
from geo.analysis.patrol_source import LOG
from geo.app.imports import import_files
from geo.app.load import load_dataset
from geo.io.pings import pseudonymise
from geo.period import Period
from geo.store.layout import KEY_FILE
from geo.store.pseudonyms import KEY_ENV
from tests.helpers import evaluated_table
from tests.pings_helpers import PING_MONTH, ping_file


def test_without_pings_the_log_is_the_source(ping_folder):
    dataset = load_dataset(ping_folder)
    assert dataset.patrol_source == LOG
    table = hotspot_table(
        dataset.hotspots,
        dataset.counts,
        dataset.patrols,
        EvaluationContext.of(Period.parse(PING_MONTH), dataset.hotspots),
    )
    assert table.set_index("hotspot_id").loc["A", "officer_hours"] == 2.0


def test_pages_say_the_source_and_show_no_officer(tmp_path, ping_folder, monkeypatch):
    from geo.view.briefing import briefing_page

    monkeypatch.delenv(KEY_ENV, raising=False)
    import_files(ping_folder, "pings", [ping_file(tmp_path / "in" / "october.csv")])
    dataset = load_dataset(ping_folder)
    period = Period.parse(PING_MONTH)
    assert "patrol hours from GPS" in briefing_page(dataset, period).subtitle
    assert "within 20 m of its edge" in dataset.patrol_source_sentence
    shown = evaluated_table(dataset, period)
    key = (ping_folder / KEY_FILE).read_bytes()
    text = shown.to_csv()
    for officer in ("PC 123", "PC 456", *pseudonymise(["PC 123", "PC 456"], key)):
        assert officer not in text
    assert not {"officer", "officer_id"} & set(shown.columns)
