"""Checking a hotspot file for import: read and validated in the sandbox's child process (GDAL
parses untrusted files there), repaired polygons reported, and the layer turned into the GeoJSON
a store keeps."""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj

from geo.errors import HotspotDataError
from geo.io.hotspots import HotspotRead, read_hotspots, read_hotspots_checked
from geo.io.layer_guard import driver_for
from geo.io.sandbox import run_isolated
from geo.store.imports.files import MAX_UPLOAD_BYTES, check_size, relabelled
from geo.store.imports.staged import Finding, InputFile, StagedHotspots
from geo.store.layout import HOTSPOT_FILE


def check_hotspots(
    file: InputFile, max_bytes: int = MAX_UPLOAD_BYTES
) -> tuple[StagedHotspots, list[Finding]]:
    """Read and validate a hotspot file; return it as the GeoJSON to store, and findings."""
    check_size(file, max_bytes)
    with relabelled(file):
        read, data = run_isolated(
            "geo.store.imports.hotspots:hotspot_content",
            file.path,
            label=file.name,
            driver=driver_for(file.path),
        )
    findings = [
        Finding(
            "warning",
            file.name,
            "the polygon was invalid (it crosses itself or is badly formed) and has been "
            "repaired; check its shape on the map",
            row=row,
            column="geometry",
        )
        for row in read.repaired
    ]
    return StagedHotspots(read.frame, data, file.name, crs_label(read.declared_crs)), findings


def hotspot_content(path: Path) -> tuple[HotspotRead, bytes]:
    """A hotspot file read and validated, and the GeoJSON to store (run in a limited child)."""
    read = read_hotspots_checked(path)
    return read, geojson_bytes(read.frame)


def crs_label(code: str | None) -> str:
    """'EPSG:27700 (OSGB36 / British National Grid)' for the preview's caption."""
    if not code:
        return ""
    try:
        return f"{code} ({pyproj.CRS.from_user_input(code).name})"
    except pyproj.exceptions.CRSError:
        return str(code)


def geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """The hotspots as the GeoJSON that will be stored, checked by reading it back."""
    out = frame.copy()
    out["started"] = [d.strftime("%Y-%m-%d") if pd.notna(d) else None for d in frame["started"]]
    with tempfile.TemporaryDirectory(prefix="hotspot-import-") as tmp:
        path = Path(tmp) / HOTSPOT_FILE
        out.to_file(path, driver="GeoJSON", engine="pyogrio")
        back = read_hotspots(path)
        if list(back["hotspot_id"]) != list(frame["hotspot_id"]):
            raise HotspotDataError("could not be converted to GeoJSON faithfully")
        return path.read_bytes()
