"""The map page under AppTest: figures on screen, widgets, query parameters, bad data folders."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from geo.analysis.figures import programme_figures
from geo.analysis.programme import programme_evaluation
from geo.app.load import load_dataset
from geo.view.briefing import LARGEST_FALL_LABEL, MEAN_LABEL, headlines, percent
from tests.helpers import run_map_page, shown

_app = run_map_page


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_page_shows_programme_figures_and_says_sample(monkeypatch, sample_dir):
    at = _app(monkeypatch, sample_dir)
    assert not at.exception
    metrics = _metrics(at)
    dataset = load_dataset(sample_dir)  # what the page shows is what geo computes for the period
    period = dataset.default_period
    table = dataset.table(period)
    figures = programme_figures(
        table, dataset.counts, dataset.context(period), patrol_log=dataset.patrol_log
    )
    assert metrics["Arrests"] == f"{figures.arrests:,.0f}"
    assert metrics["Officer patrol hours"] == f"{figures.officer_hours:,.0f}"
    assert metrics["People spoken to"] == f"{figures.engagements:,.0f}"
    assert metrics[MEAN_LABEL] == percent(figures.asb_mean_change_pct)
    assert metrics[LARGEST_FALL_LABEL] == percent(figures.asb_largest_reduction_pct)
    assert metrics["All crime in hotspots"] == percent(figures.crime_change_pct)
    evaluation = programme_evaluation(table, dataset.counts, dataset.areas, dataset.context(period))
    for item in headlines(figures, evaluation)[1:]:  # the figures after the verdict, as made
        assert metrics[item.label] == item.value, item.label
    assert any("Sample data" in info.value for info in at.info)
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == len(table)


def test_metric_and_town_go_into_the_query(monkeypatch, sample_dir):
    at = _app(monkeypatch, sample_dir)
    at.sidebar.radio(key="metric").set_value("hours").run()
    at.sidebar.selectbox(key="town").set_value("Heanor").run()
    assert at.query_params["metric"] == "hours"
    assert at.query_params["town"] == "Heanor"
    assert set(at.dataframe[0].value["town"]) == {"Heanor"}


def test_link_opens_the_same_view_with_a_selected_hotspot(monkeypatch, sample_dir):
    first = _app(monkeypatch, sample_dir)
    hotspot = first.dataframe[0].value["hotspot_id"].iloc[0]
    at = _app(monkeypatch, sample_dir, metric="hours", period="2025-12:2026-06", hotspot=hotspot)
    assert not at.exception
    assert at.sidebar.radio(key="metric").value == "hours"
    assert at.sidebar.select_slider(key="period").value == ("2025-12", "2026-06")
    assert at.sidebar.selectbox(key="hotspot").value == hotspot
    detail = _metrics(at)
    assert "People spoken to" in detail and "ASB, last year → this" in detail
    assert at.query_params["hotspot"] == hotspot


def test_a_hotspots_change_has_a_minus_sign_and_the_colour_of_a_fall(monkeypatch, sample_dir):
    from geo.words import MINUS

    first = _app(monkeypatch, sample_dir)
    table = first.dataframe[0].value
    fell = table.loc[table["asb_change_shown"].idxmin()]
    at = _app(monkeypatch, sample_dir, hotspot=fell["hotspot_id"])
    (change,) = [m for m in at.metric if m.label == "ASB, last year → this"]
    assert change.proto.delta.startswith(MINUS) and "-" not in change.proto.delta
    assert change.proto.delta == f"{MINUS}{abs(fell['asb_change_shown']):.1f}%"
    assert change.proto.color == change.proto.MetricColor.GREEN
    assert change.proto.direction == change.proto.MetricDirection.DOWN


def test_bad_link_values_fall_back_to_defaults(monkeypatch, sample_dir):
    at = _app(monkeypatch, sample_dir, metric="nonsense", town="Atlantis", period="2024-99:x")
    assert not at.exception
    assert at.sidebar.radio(key="metric").value == "asb"
    assert any("Ignoring the period" in w.value for w in at.warning)


def test_unreadable_dataset_gives_a_message_not_a_traceback(monkeypatch, tmp_path):
    (tmp_path / "hotspots.geojson").write_text("not json at all")
    (tmp_path / "crimes").mkdir()
    at = _app(monkeypatch, tmp_path)
    assert not at.exception
    assert len(at.error) == 1 and "hotspots.geojson" in shown(at.error[0].value)


def test_missing_dataset_folder_says_how_to_fix(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "nowhere")
    assert "HOTSPOT_DATA" in shown(at.error[0].value)


def test_markdown_in_a_name_is_shown_as_written(monkeypatch, sample_dir, tmp_path):
    import json
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(sample_dir, folder)
    path = folder / "hotspots.geojson"
    data = json.loads(path.read_text())
    first = data["features"][0]["properties"]
    first["name"] = "*Star* _street_"
    path.write_text(json.dumps(data))
    at = _app(monkeypatch, folder, hotspot=first["hotspot_id"])
    assert not at.exception
    assert any(r"\*Star\* \_street\_" in header.value for header in at.header)


def test_page_says_where_patrol_hours_come_from_and_offers_the_monthly_return(
    monkeypatch, sample_dir
):
    at = _app(monkeypatch, sample_dir)
    assert not at.exception
    assert any("the patrol log" in caption.value for caption in at.caption)
    labels = [element.proto.label for element in at.get("download_button")]
    assert any(label.startswith("Monthly return for ") for label in labels), labels


def test_recorded_outcomes_are_shown_per_hotspot_and_for_the_programme(
    monkeypatch, sample_dir, tmp_path
):
    from geo.analysis.outcomes import OUTCOME_LABELS, outcome_totals, programme_outcomes
    from tests.helpers import with_outcome_columns

    columns = ("stop_searches", "drugs_seized")
    folder = with_outcome_columns(sample_dir, tmp_path / "data", columns)
    dataset = load_dataset(folder)
    period = dataset.default_period
    chosen = dataset.table(period)["hotspot_id"].iloc[0]
    at = _app(monkeypatch, folder, hotspot=chosen)
    assert not at.exception
    captions = [shown(caption.value) for caption in at.caption]
    programme = programme_outcomes(dataset.patrol_rows, period, columns=columns)
    line = "During patrols: " + " · ".join(f"{o.label} {o.value()}" for o in programme)
    assert line in captions
    totals = outcome_totals(dataset.patrol_rows, period, [chosen], columns, by_hotspot=True)
    own = " · ".join(
        "{} {}".format(OUTCOME_LABELS[c], "—" if totals.isna().loc[chosen, c] else
                       f"{totals.loc[chosen, c]:,.0f}") for c in columns
    )  # fmt: skip
    assert f"During patrols: {own}" in captions  # the chosen hotspot's, beside the map
    grid = at.dataframe[0].value.set_index("hotspot_id")
    assert "missing_found" not in grid.columns and "notes" not in grid.columns
    every = outcome_totals(dataset.patrol_rows, period, list(grid.index), columns, by_hotspot=True)
    for column in columns:
        assert grid[column].equals(every[column].rename_axis(grid.index.name)), column
    assert not any("NOTE-NEVER" in text for text in captions)


def test_a_log_without_optional_outcomes_shows_no_outcome_line(monkeypatch, sample_dir):
    at = _app(monkeypatch, sample_dir)
    assert not any(caption.value.startswith("During patrols") for caption in at.caption)
    assert "stop_searches" not in at.dataframe[0].value.columns


def test_a_programme_of_hotspots_all_too_few_to_tell_is_worded_so(monkeypatch, tmp_path):
    from tests.helpers import too_few_dataset

    folder = too_few_dataset(tmp_path / "data")  # a baseline, but too few reports to tell
    at = _app(monkeypatch, folder)
    assert not at.exception
    metrics = _metrics(at)
    assert metrics[MEAN_LABEL] == "too few to tell"  # not "no baseline": there is one
    assert metrics[LARGEST_FALL_LABEL] == "none could be ranked"
    caption = " ".join(shown(c.value) for c in at.caption)
    assert "at none" not in caption
    assert "2 hotspots had too few ASB reports to tell; they are left out" in caption


def test_the_hotspot_table_holds_its_numbers_as_they_are_shown(monkeypatch, sample_dir):
    """A screen reader reads the grid's values: −32.6%, not −32.58426966292135."""
    from geo.view.grid import shown_decimals
    from pages._sections import TABLE_COLUMNS

    table = _app(monkeypatch, sample_dir).dataframe[0].value
    change = table["asb_change_shown"].dropna()
    assert len(change) and (change * 10 == (change * 10).round()).all(), change.tolist()
    for column in table.select_dtypes("float").columns:
        decimals = shown_decimals(TABLE_COLUMNS.get(column))
        values = table[column].dropna()
        assert decimals is not None and values.equals(values.round(decimals)), column


def test_the_page_explains_too_few_to_tell_with_its_number(monkeypatch, sample_dir):
    """The rule the table's "Too few to tell" column follows, with its number and its reason,
    under the table: the words the code generates (stats.TOO_FEW_RULE), not a copy."""
    from geo.analysis.stats import TOO_FEW_RULE

    at = _app(monkeypatch, sample_dir)
    explained = " ".join(m.value for m in at.markdown)
    assert f"**Too few to tell**: {TOO_FEW_RULE}" in explained
