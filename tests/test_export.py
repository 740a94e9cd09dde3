import json

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from geo.period import Period
from geo.view.export import hotspots_geojson, plain_table, table_csv


def test_csv_neutralises_formulas_but_not_numbers():
    table = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "Heanor"],
                          "asb_change_pct": [-25.0, 1.0, -3.5, 0.0, 2.0]})  # fmt: skip
    text = table_csv(table).decode()
    assert "'=HYPERLINK" in text and "'+1" in text and "'-cmd" in text and "'@SUM" in text
    assert ",Heanor," not in text and "Heanor,2.00" in text
    assert "-25.00" in text and "'-25" not in text


def test_geojson_carries_figures():
    hotspots = gpd.GeoDataFrame({"hotspot_id": ["a"]}, geometry=[box(0, 50, 1, 51)], crs=4326)
    table = pd.DataFrame({"hotspot_id": ["a"], "asb_change_pct": [float("nan")]})
    data = json.loads(hotspots_geojson(hotspots, table))
    assert data["features"][0]["properties"] == {"hotspot_id": "a", "asb_change_pct": None}


def test_downloaded_table_has_plain_headings_and_states_its_period():
    table = pd.DataFrame({"hotspot_id": ["a"], "asb_rr_low": [0.5], "new_code": [1]})
    out = plain_table(table, Period.parse("2025-10:2026-09"))
    assert list(out.columns) == [
        "Period", "Compared with", "Hotspot id", "ASB rate ratio 95% interval from", "new_code",
    ]  # fmt: skip
    assert out.iloc[0, 0] == "Oct 2025 – Sep 2026" and out.iloc[0, 1] == "Oct 2024 – Sep 2025"
