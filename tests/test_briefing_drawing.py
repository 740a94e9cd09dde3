"""The briefing's drawing: the map fitted clear of its legend, names placed clear of both."""

import pytest

from geo.app.load import load_dataset
from geo.view.briefing import briefing_page
from tests.browser_support import ARTIFACTS


@pytest.mark.parametrize("town", [None, "Heanor", "Shirebrook", "Chesterfield"])
def test_no_hotspot_or_name_lies_under_the_legend(sample_dir, town):
    from matplotlib.text import Text

    from geo.view.briefing_drawing import draw, drawn_hotspots

    dataset = load_dataset(sample_dir)
    figure = draw(briefing_page(dataset, dataset.default_period, town))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = next(a for a in figure.axes if a.get_legend() is not None)
    legend = ax.get_legend().get_window_extent(renderer)
    frame = ax.get_window_extent(renderer)
    hotspots = drawn_hotspots(ax)
    expected = len(dataset.hotspots if town is None else dataset.hotspots.query("town == @town"))
    assert len(hotspots) >= expected
    for box in hotspots:
        assert not box.overlaps(legend), (town, box, legend)
        assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), (town, box)
    names = [Text.get_window_extent(text, renderer) for text in ax.texts]  # without leaders
    assert names
    for i, box in enumerate(names):
        assert not box.overlaps(legend) and frame.contains(box.x0, box.y0), ax.texts[i]
        assert frame.contains(box.x1, box.y1), ax.texts[i].get_text()
        assert not any(box.overlaps(other) for other in names[i + 1 :]), ax.texts[i].get_text()
    ARTIFACTS.mkdir(exist_ok=True)  # for a person to look at
    figure.savefig(ARTIFACTS / f"briefing-{town or 'all'}.png", facecolor=figure.get_facecolor())
    if town:  # a town: every hotspot named
        assert sorted(t.get_text() for t in ax.texts) == sorted(
            dataset.hotspots.query("town == @town")["name"]
        )


def test_drawn_extents_are_the_outlines_and_dots_in_pixels():
    import geopandas as gpd
    from matplotlib.figure import Figure
    from shapely.geometry import box

    from geo.view.briefing_drawing import drawn_hotspots

    figure = Figure(figsize=(4, 4), dpi=100)
    ax = figure.add_axes((0, 0, 1, 1))
    gpd.GeoSeries([box(10, 10, 30, 20)]).plot(ax=ax)
    ax.scatter([50], [50], s=400)  # a dot 20 points across
    ax.set_aspect("auto")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    outline, dot = drawn_hotspots(ax)
    assert outline.bounds == pytest.approx((40, 40, 80, 40))  # 4 px a unit: x0, y0, width, height
    radius = (10 + 1) * 100 / 72  # half of 20 points, one more for the edge, in pixels
    assert dot.bounds == pytest.approx((200 - radius, 200 - radius, 2 * radius, 2 * radius))


@pytest.mark.parametrize("length", [130, 400])
def test_the_note_at_the_foot_is_whole_within_the_page_or_cut_past_two_lines(sample_dir, length):
    from dataclasses import replace

    from geo.view.briefing_drawing import draw

    dataset = load_dataset(sample_dir)
    words = "ASB and all-crime figures leave out 2023-02, 2023-11, 2024-02, 2024-11 " * 8
    note = words[:length].strip()  # 130: as long as the real Derbyshire note
    figure = draw(replace(briefing_page(dataset, dataset.default_period), note=note))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    foot = [t for t in figure.texts if t.get_position()[1] < 0.06]  # below the tiles and map
    for text in foot:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= 0.98 * figure.bbox.width and box.y0 >= 0, text.get_text()
    shown = " ".join(t.get_text() for t in foot)
    if length == 130:
        assert [t.get_text() for t in foot] == [note]  # whole, on one line
    else:
        assert len(foot) == 2 and shown.endswith("…") and note.startswith(shown[:-1].strip())


def test_a_hotspot_with_too_few_reports_is_grey_and_counted_so_in_the_legend(sample_dir):
    from dataclasses import replace

    from geo.view.briefing_drawing import draw
    from geo.view.scales import asb_change_scale

    dataset = load_dataset(sample_dir)
    page = briefing_page(dataset, dataset.default_period)
    table = page.table.assign(asb_too_few=False)
    table.loc[table.index[0], "asb_too_few"] = True  # however far its ASB fell
    grey = int((table["asb_too_few"] | table["asb_change_pct"].isna()).sum())
    figure = draw(replace(page, table=table))
    legend = next(a for a in figure.axes if a.get_legend() is not None).get_legend()
    labels = [text.get_text() for text in legend.get_texts()]
    assert f"{asb_change_scale().missing_label} ({grey})" in labels
