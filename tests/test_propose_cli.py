"""`python -m geo propose`: a layer `geo import hotspots` takes unchanged, the dataset's hotspots
kept out and naming towns, a folder and a database proposing alike, and bad input refused with
one line and nothing written."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo.app.load import load_dataset
from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.io.hotspots import read_hotspots
from geo.schema import ASB, POLICE_UK_HEADER
from tests.helpers import FORCE, small_dataset, tree
from tests.postgres_support import cli

TO_LONLAT = Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True)
ORIGIN = (442_000.0, 345_000.0)
"""Heanor, in British National Grid metres."""
PLACES = 25
MONTHS = [str(m) for m in pd.period_range("2024-01", "2024-12", freq="M")]


def place_xy(index: int) -> tuple[float, float]:
    """The synthetic place `index`: on a 300 m grid of five columns from ORIGIN."""
    return ORIGIN[0] + 300.0 * (index % 5), ORIGIN[1] + 300.0 * (index // 5)


def synthetic_crimes(folder: Path) -> Path:
    """A year of police.uk files: 25 places 300 m apart with 2 to 6 ASB reports a month each
    (every fifth with a second point 60 m along its street), 400 one-off reports scattered
    round them, and burglaries; each place's points on a street of its own."""
    rng = np.random.default_rng(11)
    points = []  # (x, y, location, ASB a month)
    for index in range(PLACES):
        x, y = place_xy(index)
        street = f"On or near Street {index:02d}"
        points.append((x, y, street, 2 + index % 5))
        if index % 5 == 0:
            points.append((x + 60.0, y, street, 2))
    for month in MONTHS:
        rows = [(x, y, text, ASB) for x, y, text, n in points for _ in range(n)]
        scatter = rng.uniform(-500, 1700, (34, 2))
        rows += [(ORIGIN[0] + a, ORIGIN[1] + b, "On or near", ASB) for a, b in scatter]
        rows += [(x, y, text, "Burglary") for x, y, text, _ in points[:3]]
        _write_month(folder / f"{month}-test-street.csv", month, rows)
    return folder


def _write_month(path: Path, month: str, rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    x, y = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
    lon, lat = TO_LONLAT.transform(x, y)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(POLICE_UK_HEADER)
        for (_, _, text, kind), a, b in zip(rows, lon, lat):
            writer.writerow(
                ["", month, FORCE, FORCE, f"{a:.6f}", f"{b:.6f}", text, "E01000001",
                 "Somewhere 001A", kind, "", ""]
            )  # fmt: skip


@pytest.fixture(scope="module")
def crimes(tmp_path_factory) -> Path:
    return synthetic_crimes(tmp_path_factory.mktemp("propose") / "crimes")


def in_metres(path: Path) -> gpd.GeoDataFrame:
    return read_hotspots(path).to_crs(BRITISH_NATIONAL_GRID)


def starting_dataset(folder: Path) -> Path:
    """A copy of the small dataset as a programme that is choosing its hotspots has it: no
    patrols yet (a patrol log naming the old hotspots would refuse new ones)."""
    small_dataset(folder)
    (folder / "patrols.csv").unlink()
    return folder


def assert_named_small_and_apart(frame: gpd.GeoDataFrame) -> None:
    assert frame["hotspot_id"].is_unique
    assert (frame["name"].str.len() > 0).all()
    assert (frame.area <= 0.5e6).all()
    geometry = frame.geometry.values
    for i in range(len(geometry)):
        assert not shapely.intersects(geometry[i], np.delete(geometry, i)).any()


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_the_proposals_import_unchanged_into_a_small_dataset(capsys, crimes, tmp_path, suffix):
    out = tmp_path / f"proposals{suffix}"
    status, table, err = cli(capsys, "propose", "--crimes", str(crimes), "--out", str(out))
    assert status == 0, err
    frame = in_metres(out)
    assert len(frame) == 20  # of the 25 places, the 20 busiest
    assert list(frame["hotspot_id"]) == [f"P{i:02d}" for i in range(1, 21)]
    assert frame["name"].str.fullmatch(r"On or near Street \d\d").all()
    assert_named_small_and_apart(frame)
    printed = pd.read_csv(io.StringIO(table))
    assert list(printed["hotspot_id"]) == list(frame["hotspot_id"])
    assert (printed["months_hot"] == 12).all() and (printed["incidents"] >= 24).all()
    assert printed["incidents"].is_monotonic_decreasing
    assert "20 proposed places hold" in err
    written = out.read_bytes()
    dataset = starting_dataset(tmp_path / "data")
    status, _, err = cli(capsys, "import", "--data", str(dataset), "hotspots", str(out))
    assert status == 0, err
    assert list(load_dataset(dataset).hotspots["hotspot_id"]) == list(frame["hotspot_id"])
    assert out.read_bytes() == written


def test_a_datasets_hotspots_are_kept_out_and_name_the_towns(capsys, crimes, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(crimes, folder / "crimes")
    busiest = shapely.Point(place_xy(4)).buffer(40)  # over place 4 (6 a month: the busiest)
    far = shapely.Point(ORIGIN[0] + 5_000, ORIGIN[1]).buffer(100)
    existing = gpd.GeoDataFrame(
        {"hotspot_id": ["H1", "H2"], "name": ["Market", "Far"], "town": ["Heanor", "Ilkeston"]},
        geometry=[busiest, far],
        crs=BRITISH_NATIONAL_GRID,
    ).to_crs(WGS84)
    existing.to_file(folder / "hotspots.geojson", driver="GeoJSON")
    out = tmp_path / "proposals.geojson"
    status, _, err = cli(capsys, "propose", "--data", str(folder), "--out", str(out))
    assert status == 0, err
    frame = in_metres(out)
    assert not frame.intersects(busiest).any()
    assert "On or near Street 04" not in set(frame["name"])
    assert set(frame["town"]) == {"Heanor"}  # nearer every place than Ilkeston's
    assert_named_small_and_apart(frame)


def test_a_dataset_without_hotspots_yet_gets_proposals_without_towns(capsys, crimes, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(crimes, folder / "crimes")
    status, table, err = cli(capsys, "propose", "--data", str(folder), "--max", "12")
    assert status == 0, err
    printed = pd.read_csv(io.StringIO(table), keep_default_na=False)
    assert len(printed) == 12 and (printed["town"] == "").all()


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--period", "2019-01:2019-12"], "the data cover 2024-01 to 2024-12"),
        (["--period", "2024-06:2024-01"], "ends before it starts"),
        (["--crime-type", "Bicycle theft"], "no 'Bicycle theft' rows"),
        (["--max", "0"], "--max is 0"),
        (["--max-area-km2", "0.001"], "smaller than one 50 m square"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    capsys, crimes, tmp_path, options, words
):
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    before = tree(tmp_path)
    status, table, err = cli(
        capsys, "propose", "--crimes", str(crimes), "--out", str(out_folder / "p.geojson"),
        *options,
    )  # fmt: skip
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert words in err
    assert table == ""
    assert tree(tmp_path) == before


def test_the_output_must_be_a_layer_file_and_the_data_one_source(capsys, crimes, tmp_path):
    status, _, err = cli(capsys, "propose", "--crimes", str(crimes), "--out", "p.csv")
    assert status == 2 and ".geojson or .gpkg" in err
    status, _, err = cli(capsys, "propose")
    assert status == 2 and "give --data" in err
    status, _, err = cli(capsys, "propose", "--data", str(tmp_path), "--crimes", str(crimes))
    assert status == 2 and "not both" in err


def test_real_derbyshire_proposals_import_into_a_small_dataset(capsys, shared_data, tmp_path):
    out = tmp_path / "derbyshire.geojson"
    status, _, err = cli(
        capsys, "propose", "--crimes", str(shared_data / "police-uk" / "derbyshire"),
        "--period", "2023-01:2023-12", "--out", str(out),
    )  # fmt: skip
    assert status == 0, err
    frame = in_metres(out)
    assert 10 <= len(frame) <= 20
    assert frame["name"].str.startswith("On or near ").all()
    assert_named_small_and_apart(frame)
    dataset = starting_dataset(tmp_path / "data")
    status, _, err = cli(capsys, "import", "--data", str(dataset), "hotspots", str(out))
    assert status == 0, err
    assert len(load_dataset(dataset).hotspots) == len(frame)


def test_flagged_months_are_left_out_with_a_note(capsys, shared_data):
    status, table, err = cli(
        capsys, "propose", "--crimes", str(shared_data / "police-uk" / "derbyshire")
    )
    assert status == 0, err
    assert "2024-02, 2024-11 left out" in err
    assert set(pd.read_csv(io.StringIO(table))["months"]) == {10}


@pytest.mark.postgres
def test_a_database_proposes_what_its_folder_does(capsys, sample_dir, pg_url):
    status, _, err = cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    assert status == 0, err
    status, from_folder, err = cli(capsys, "propose", "--data", str(sample_dir))
    assert status == 0, err
    status, from_database, err = cli(capsys, "propose", "--data", pg_url)
    assert status == 0, err
    assert from_database == from_folder
    assert pd.read_csv(io.StringIO(from_folder))["town"].ne("").all()
