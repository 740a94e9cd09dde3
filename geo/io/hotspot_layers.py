"""Hotspot layers written for `geo import hotspots`: proposals as a file of their own, and the
current hotspots with chosen proposals, or another file's hotspots, added after them (an import
replaces the hotspots whole, so adding some is importing all of them, the current ones
unchanged).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.crs import WGS84
from geo.errors import HotspotDataError
from geo.io.hotspots import COLUMNS


def layer_geojson(frame: gpd.GeoDataFrame) -> bytes:
    """`frame` as GeoJSON in longitude/latitude, its columns as they are: the file `geo import
    hotspots` takes unchanged (it keeps hotspot_id, name, town and started)."""
    with tempfile.TemporaryDirectory(prefix="hotspot-layer-") as tmp:
        path = Path(tmp) / "layer.geojson"
        frame.to_crs(WGS84).to_file(path, driver="GeoJSON", engine="pyogrio")
        return path.read_bytes()


def free_ids(wanted: list[str], taken: set[str]) -> list[str]:
    """`wanted` ids, each one already `taken` (or repeated) given the first free suffix: P01
    becomes P01-2 when a hotspot P01 exists."""
    used = set(taken)
    ids = []
    for hotspot_id in wanted:
        chosen, n = hotspot_id, 2
        while chosen in used:
            chosen, n = f"{hotspot_id}-{n}", n + 1
        used.add(chosen)
        ids.append(chosen)
    return ids


def with_proposals(
    current: gpd.GeoDataFrame, chosen: gpd.GeoDataFrame, started: date
) -> gpd.GeoDataFrame:
    """The current hotspots as they are, then the `chosen` proposals (geo.analysis.proposals) as
    hotspots that start on `started`, each id made free of the current ones."""
    if chosen.empty:
        raise HotspotDataError("no proposals were chosen; tick the ones to add")
    return appended(current, chosen.assign(started=pd.Timestamp(started)))


def appended(current: gpd.GeoDataFrame, added: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The current hotspots as they are, then the `added` ones (hotspot_id, name, town,
    started), each id made free of those before it (see free_ids)."""
    new = gpd.GeoDataFrame(
        {
            "hotspot_id": free_ids([str(i) for i in added["hotspot_id"]],
                                   {str(i) for i in current["hotspot_id"]}),
            "name": added["name"].astype(str).to_numpy(),
            "town": added["town"].fillna("").astype(str).to_numpy(),
            "started": pd.to_datetime(added["started"]).to_numpy(),
        },
        geometry=added.geometry.to_crs(WGS84).to_numpy(),
        crs=WGS84,
    )  # fmt: skip
    kept = current[COLUMNS].to_crs(WGS84)
    both = pd.concat([kept, new[COLUMNS]], ignore_index=True)
    both["started"] = pd.to_datetime(both["started"]).dt.strftime("%Y-%m-%d")
    return gpd.GeoDataFrame(both, geometry="geometry", crs=WGS84)
