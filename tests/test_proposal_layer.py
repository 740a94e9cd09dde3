"""The "Proposed hotspots" layer the map frame is sent once: outlines, escaped names, figures."""

import json

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import BRITISH_NATIONAL_GRID
from geo.view.map_frame import frame_options
from geo.view.mapping import MapStyle
from geo.view.outline_codec import decode_outline
from geo.view.proposal_layer import (
    DASH,
    LAYER_NAME,
    OUTLINE_COLOUR,
    proposal_layer,
    proposal_legend_row,
)
from geo.view.tiles import tile_source

HOSTILE = "<img src=x onerror=alert(1)> & Co"


def _proposals(incidents: tuple[int, int] = (20, 12)) -> gpd.GeoDataFrame:
    """Two places near Derby as geo.analysis.proposals makes them (metres), one named with
    markup and one whose Gi* z is not finite."""
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ["P01", "P02"],
            "name": ["On or near Church Street", HOSTILE],
            "town": ["Derby", "<b>Town</b>"],
            "incidents": list(incidents),
            "share_pct": [0.37, 0.22],
            "months_hot": [7, 6],
            "months": [12, 12],
            "gi_z": [48.82, -np.inf],
            "density_km2": [10453.0, 6271.8],
            "area_km2": [0.0019, 0.0019],
            "crime_type": ["Anti-social behaviour"] * 2,
            "period": ["2025-10:2026-09"] * 2,
            "method": ["stable"] * 2,
        },
        geometry=[
            shapely.Point(435000, 336000).buffer(25),
            shapely.Point(436000, 336500).buffer(25),
        ],
        crs=BRITISH_NATIONAL_GRID,
    )


def test_each_place_comes_with_its_outline_dot_and_figures():
    frame = _proposals()
    layer = proposal_layer(frame)
    data = json.loads(layer.text)
    assert layer.count == len(data["places"]) == 2
    decimals = round(np.log10(data["q"]))
    originals = frame.to_crs("EPSG:4326").geometry
    for row, original, (_, source) in zip(data["places"], originals, frame.iterrows()):
        outline = decode_outline(row[1], decimals)
        shift = gpd.GeoSeries([outline, original], crs="EPSG:4326").to_crs(BRITISH_NATIONAL_GRID)
        assert shift[0].hausdorff_distance(shift[1]) <= 1.0  # within a metre
        dot = shapely.Point(np.array(row[2]) / data["q"])
        assert original.buffer(1e-5).contains(dot)
        tip = row[4]
        assert row[0] == source["hotspot_id"] == tip["id"]
        assert (tip["i"], tip["mh"], tip["m"]) == (
            source["incidents"], source["months_hot"], source["months"],
        )  # fmt: skip
        assert tip["s"] == source["share_pct"] and tip["a"] == source["area_km2"]
        assert tip["p"] == "Oct 2025 – Sep 2026"


def test_markup_in_names_and_towns_is_escaped_and_a_z_that_is_not_finite_is_none():
    data = json.loads(proposal_layer(_proposals()).text)
    assert "<" not in data["places"][1][4]["n"] + data["places"][1][4]["w"]
    assert data["places"][1][4]["n"] == "&lt;img src=x onerror=alert(1)&gt; &amp; Co"
    assert data["places"][1][3] == "<b>Town</b>"  # the town as written: only compared
    assert data["places"][0][4]["z"] == 48.8 and data["places"][1][4]["z"] is None


def test_the_digest_follows_the_places():
    first = proposal_layer(_proposals())
    assert proposal_layer(_proposals()).key == first.key
    assert proposal_layer(_proposals((21, 12))).key != first.key


def test_the_frame_draws_them_dashed_and_the_legend_says_what_the_dashes_are():
    options = frame_options(tile_source(), MapStyle())["proposals"]
    assert options["colour"] == OUTLINE_COLOUR and options["dash"] == DASH
    row = proposal_legend_row()
    assert "dashed" in row and OUTLINE_COLOUR in row and LAYER_NAME in row
