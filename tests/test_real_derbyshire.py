"""`python -m geo summary` on real police.uk data and real boundaries it has never seen, against an
independent count made here with the csv module and shapely, polygon by polygon."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tests.conftest import ROOT

TOWN_WARDS = ("Heanor", "Shirebrook", "Chesterfield", "Brimington", "Ilkeston")


@pytest.fixture(scope="module")
def hotspot_file(shared_data, tmp_path_factory):
    """Real wards of Heanor, Shirebrook and others, plus LSOAs overlapping them (BNG GeoPackage)."""
    wards = gpd.read_file(shared_data / "boundaries" / "derbyshire-wards-2013.geojson")
    wards = wards[wards["WD13NM"].str.contains("|".join(TOWN_WARDS))]
    lsoas = gpd.read_file(shared_data / "boundaries" / "derbyshire-lsoa-2011.geojson")
    lsoas = lsoas[lsoas.intersects(wards.union_all())].head(15)
    frame = gpd.GeoDataFrame(
        {
            "hotspot_id": [*wards["WD13CD"], *lsoas["LSOA11CD"]],
            "name": [*wards["WD13NM"], *lsoas["LSOA11NM"]],
            "town": ["ward"] * len(wards) + ["lsoa"] * len(lsoas),
        },
        geometry=[*wards.geometry, *lsoas.geometry],
        crs="EPSG:4326",
    ).to_crs("EPSG:27700")
    path = tmp_path_factory.mktemp("real") / "hotspots.gpkg"
    frame.to_file(path, driver="GPKG")
    return path, frame.to_crs("EPSG:4326")


def independent_counts(folder, polygons, months: set[str]) -> dict[str, tuple[int, int]]:
    """(ASB, all crime) per hotspot over `months`, from raw CSV text."""
    lon, lat, asb = [], [], []
    for path in sorted(folder.glob("*-street.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["Month"] in months and row["Longitude"] and row["Latitude"]:
                    lon.append(float(row["Longitude"]))
                    lat.append(float(row["Latitude"]))
                    asb.append(row["Crime type"] == "Anti-social behaviour")
    points = shapely.points(np.array(lon), np.array(lat))
    asb_array = np.array(asb)
    result = {}
    for hotspot_id, polygon in polygons:
        inside = shapely.covers(polygon, points)
        result[hotspot_id] = (int((inside & asb_array).sum()), int(inside.sum()))
    return result


@pytest.mark.parametrize(
    ("flags", "months"),
    [
        (["--keep-flagged"], range(4, 13)),
        ([], [4, 5, 6, 7, 8, 9, 10, 12]),  # November (no ASB published) left out of both years
    ],
)
def test_summary_matches_independent_count(shared_data, hotspot_file, flags, months):
    path, frame = hotspot_file
    crimes = shared_data / "police-uk" / "derbyshire"
    run = subprocess.run(
        [sys.executable, "-m", "geo", "summary", "--hotspots", str(path), "--crimes", str(crimes),
         "--period", "2024-04:2024-12", *flags],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = {row["hotspot_id"]: row for row in csv.DictReader(io.StringIO(run.stdout))}
    polygons = list(zip(frame["hotspot_id"], frame.geometry))
    after = independent_counts(crimes, polygons, {f"2024-{m:02d}" for m in months})
    before = independent_counts(crimes, polygons, {f"2023-{m:02d}" for m in months})
    assert len(summary) == len(frame) >= 20
    for hotspot_id, row in summary.items():
        expected = (*before[hotspot_id], *after[hotspot_id])
        got = tuple(int(row[c]) for c in ("asb_before", "crime_before", "asb_after", "crime_after"))
        assert got == expected, hotspot_id
    assert sum(int(r["crime_after"]) for r in summary.values()) > 5000
    assert ("2023-11, 2024-11" in run.stderr) == (not flags)
