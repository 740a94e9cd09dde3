"""Items: names drawn as formulas by matplotlib, and no limit on hotspots or name length."""

from __future__ import annotations

import json
import shutil

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo.app.load import load_dataset
from geo.cli import main
from geo.errors import HotspotDataError
from geo.io.hotspots import read_hotspots


def _renamed(sample_dir, tmp_path, name: str):
    folder = tmp_path / "data"
    shutil.copytree(sample_dir, folder)
    path = folder / "hotspots.geojson"
    data = json.loads(path.read_text())
    data["features"][0]["properties"]["name"] = name
    path.write_text(json.dumps(data))
    return folder


@pytest.mark.parametrize("suffix", ["png", "pdf"])
def test_a_name_with_a_broken_formula_does_not_stop_the_briefing(sample_dir, tmp_path, suffix):
    name = r"X $\foo$"
    folder = _renamed(sample_dir, tmp_path, name)
    hotspots = load_dataset(folder).hotspots
    town = hotspots.loc[hotspots["name"] == name, "town"].iloc[0]  # a town's page draws names
    out = tmp_path / f"b.{suffix}"
    assert main(["briefing", "--data", str(folder), "--town", town, "--out", str(out)]) == 0
    assert out.stat().st_size > 0


def test_names_are_drawn_as_written_never_as_formulas(sample_dir, tmp_path):
    from geo.view.briefing import briefing_page
    from geo.view.briefing_drawing import draw

    name = r"$\frac{1}{0}$"
    folder = _renamed(sample_dir, tmp_path, name)
    dataset = load_dataset(folder)
    town = dataset.hotspots.loc[dataset.hotspots["name"] == name, "town"].iloc[0]
    figure = draw(briefing_page(dataset, dataset.default_period, town))
    texts = [t for t in figure.findobj(lambda a: hasattr(a, "get_parse_math"))]
    drawn = [t for t in texts if t.get_text() == name]
    assert drawn, "the name is not on the page"
    assert not any(t.get_parse_math() for t in texts if "$" in t.get_text())


def _squares(path, count: int, name_length: int = 5):
    frame = gpd.GeoDataFrame(
        {
            "hotspot_id": [f"H{i}" for i in range(count)],
            "name": ["n" * name_length] * count,
        },
        geometry=[box(i * 0.001, 50, i * 0.001 + 0.0005, 50.0005) for i in range(count)],
        crs=4326,
    )
    frame.to_file(path, driver="GPKG")
    return path


def test_more_hotspots_than_the_map_can_draw_are_refused(tmp_path):
    from geo.schema import MAX_HOTSPOTS

    with pytest.raises(HotspotDataError, match=f"at most {MAX_HOTSPOTS:,} hotspots") as caught:
        read_hotspots(_squares(tmp_path / "many.gpkg", MAX_HOTSPOTS + 1))
    assert "the map draws every one" in str(caught.value)
    assert len(read_hotspots(_squares(tmp_path / "enough.gpkg", MAX_HOTSPOTS))) == MAX_HOTSPOTS


def test_a_name_longer_than_the_charts_can_show_is_refused_with_its_row(tmp_path):
    from geo.schema import MAX_TEXT_CHARS

    path = _squares(tmp_path / "long.gpkg", 2, name_length=3000)
    with pytest.raises(HotspotDataError, match=r"row 1, column 'name'.*3,000 characters") as caught:
        read_hotspots(path)
    assert f"at most {MAX_TEXT_CHARS}" in str(caught.value) and "squashes" in str(caught.value)
