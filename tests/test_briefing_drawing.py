"""The briefing's drawing: the hotspots centred in the map, the legend in a corner clear of them,
names placed clear of hotspots, the legend and each other, each beside its own hotspots; on the
sample and on real Derbyshire boundaries (when present)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geo.app.load import load_dataset
from geo.crs import BRITISH_NATIONAL_GRID
from geo.view.briefing import briefing_page
from tests.browser_support import ARTIFACTS
from tests.helpers import real_wards_dataset

TOWN_WARDS = ("Heanor", "Shirebrook", "Brimington", "Ilkeston")
INNER = 0.06
"""The border of the map (a fraction of its width and height) no hotspot's centroid may lie in."""


@pytest.fixture(scope="module")
def real_wards(shared_data, tmp_path_factory) -> Path:
    """The wards of four real Derbyshire towns as hotspots, over the real police.uk files."""
    return real_wards_dataset(shared_data, tmp_path_factory.mktemp("real") / "data", TOWN_WARDS)


@pytest.fixture(scope="module")
def real_lsoas(shared_data, tmp_path_factory) -> Path:
    """The 30 LSOAs (of 2011) with the most ASB reports in the real files as hotspots, across
    the whole force, each in the town (district) its LSOA name gives."""
    import geopandas as gpd
    import pandas as pd

    files = sorted((shared_data / "police-uk" / "derbyshire").glob("*-street.csv"))
    rows = pd.concat(pd.read_csv(path, usecols=["Crime type", "LSOA code"]) for path in files)
    asb = rows.loc[rows["Crime type"] == "Anti-social behaviour", "LSOA code"].value_counts()
    lsoas = gpd.read_file(shared_data / "boundaries" / "derbyshire-lsoa-2011.geojson")
    most = asb[asb.index.isin(lsoas["LSOA11CD"])].index[:30]  # of the 2011 LSOAs
    lsoas = lsoas[lsoas["LSOA11CD"].isin(most)]
    frame = gpd.GeoDataFrame(
        {
            "hotspot_id": lsoas["LSOA11CD"],
            "name": lsoas["LSOA11NM"],
            "town": lsoas["LSOA11NM"].str.rsplit(" ", n=1).str[0],  # 'Amber Valley 017A'
        },
        geometry=lsoas.geometry,
    )
    assert len(frame) == 30 and frame["town"].nunique() >= 5
    return _dataset_folder(frame, shared_data, tmp_path_factory)


def _dataset_folder(frame, shared_data: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("real") / "data"
    folder.mkdir()
    frame.set_crs(4326).to_file(folder / "hotspots.gpkg")
    (folder / "crimes").symlink_to(shared_data / "police-uk" / "derbyshire")
    return folder


CASES = [
    ("sample_dir", None),
    ("sample_dir", "Heanor"),
    ("sample_dir", "Shirebrook"),
    ("sample_dir", "Chesterfield"),
    ("real_wards", None),
    ("real_lsoas", None),
]


def _drawn(request, data: str, town: str | None):
    """The dataset's hotspots (of `town`) and its briefing drawn, with the map's axes."""
    from geo.view.briefing_drawing import draw

    dataset = load_dataset(request.getfixturevalue(data))
    page = briefing_page(dataset, dataset.default_period, town)
    figure = draw(page)
    figure.canvas.draw()
    ax = next(a for a in figure.axes if a.get_legend() is not None)
    ARTIFACTS.mkdir(exist_ok=True)  # for a person to look at
    name = f"briefing-{data.removesuffix('_dir')}-{town or 'all'}.png"
    figure.savefig(ARTIFACTS / name, facecolor=figure.get_facecolor())
    return page.hotspots.to_crs(BRITISH_NATIONAL_GRID), figure, ax


def _extents(figure, ax):
    """The drawn figure's renderer, and the boxes on screen of its map and of the map's legend."""
    renderer = figure.canvas.get_renderer()
    return renderer, ax.get_window_extent(renderer), ax.get_legend().get_window_extent(renderer)


def _pixels(ax, points) -> np.ndarray:
    return ax.transData.transform(np.column_stack([points.x, points.y]))


@pytest.mark.parametrize(("data", "town"), CASES)
def test_the_hotspots_fill_the_middle_of_the_map_clear_of_the_legend(request, data, town):
    from geo.view.briefing_drawing import MIN_SPAN_M, drawn_hotspots

    hotspots, figure, ax = _drawn(request, data, town)
    _, frame, legend = _extents(figure, ax)
    inner = frame.padded(-INNER * frame.width, -INNER * frame.height)
    for name, (x, y) in zip(hotspots["name"], _pixels(ax, hotspots.geometry.centroid)):
        assert inner.contains(x, y), (name, (x, y), inner)
    drawn = drawn_hotspots(ax)
    assert len(drawn) >= len(hotspots)
    for box in drawn:
        assert not box.overlaps(legend), (box, legend)
        assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), box
    (x0, y0), (x1, y1) = ax.transData.transform(np.reshape(hotspots.total_bounds, (2, 2)))
    (minx, miny), (maxx, maxy) = np.reshape(hotspots.total_bounds, (2, 2))
    per_metre = (x1 - x0) / (maxx - minx)  # the least ground shown is MIN_SPAN_M across
    spans = max(maxx - minx, MIN_SPAN_M) / frame.width, max(maxy - miny, MIN_SPAN_M) / frame.height
    assert per_metre * max(spans) > 0.5, per_metre  # drawn large, not in a corner of the map
    if data == "sample_dir":  # a corner is free for the legend: the hotspots are centred
        assert (x0 + x1) / 2 == pytest.approx((frame.x0 + frame.x1) / 2, abs=0.01 * frame.width)
        assert (y0 + y1) / 2 == pytest.approx((frame.y0 + frame.y1) / 2, abs=0.01 * frame.height)


@pytest.mark.parametrize(("data", "town"), CASES)
def test_every_name_is_clear_of_hotspots_and_other_names_and_beside_its_own(request, data, town):
    from matplotlib.text import Text

    from geo.view.briefing_drawing import drawn_hotspots

    hotspots, figure, ax = _drawn(request, data, town)
    renderer, frame, legend = _extents(figure, ax)
    drawn = drawn_hotspots(ax)
    names = [text.get_text() for text in ax.texts]
    boxes = [Text.get_window_extent(text, renderer) for text in ax.texts]  # without leaders
    whole_force = town is None
    expected = hotspots["town"] if whole_force else hotspots["name"]
    assert sorted(names) == sorted(set(expected) - {""})  # every town, or every hotspot, named
    points = _pixels(ax, hotspots.geometry.representative_point())
    for i, (name, box) in enumerate(zip(names, boxes)):
        assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), name
        assert not box.overlaps(legend), name
        assert not any(box.overlaps(other) for other in drawn), name
        assert not any(box.overlaps(other) for other in boxes[i + 1 :]), name
        gaps = [
            np.hypot(max(box.x0 - x, 0, x - box.x1), max(box.y0 - y, 0, y - box.y1))
            for x, y in points
        ]
        nearest = int(np.argmin(gaps))
        assert expected.iloc[nearest] == name, (name, hotspots["name"].iloc[nearest])


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
