"""Read hotspot polygons from GeoJSON, GeoPackage, zipped Shapefile or KML, in any declared CRS.

Every reader ends in the same validated frame: `hotspot_id`, `name`, `town`, `started` and a
Polygon/MultiPolygon `geometry` in WGS84 (EPSG:4326), the CRS police.uk coordinates are in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from geo.crs import WGS84
from geo.errors import LAYER_FIRST_ROW, HotspotDataError, refuse_first
from geo.io.layer_guard import (
    DRIVERS,
    check_file,
    check_opened_driver,
    check_shapefile_head,
    driver_for,
)
from geo.io.safezip import open_zip
from geo.io.sandbox import reply_type
from geo.schema import MAX_HOTSPOTS, MAX_TEXT_CHARS

HOTSPOT_SUFFIXES = tuple(DRIVERS)
COLUMNS = ["hotspot_id", "name", "town", "started", "geometry"]
ONE_LAYER_DRIVERS = ("GeoJSON", "ESRI Shapefile")
"""Drivers whose files hold one map layer by their format: their layers are not listed (GDAL
would parse the whole file once more to list them: 0.03 s for 1,000 GeoJSON hotspots)."""


@reply_type
@dataclass(frozen=True)
class HotspotRead:
    """A validated hotspot file: the frame, the rows (1-based) whose invalid polygons were
    repaired, and the CRS the file declared (e.g. 'EPSG:27700')."""

    frame: gpd.GeoDataFrame
    repaired: list[int]
    declared_crs: str


def read_hotspots(path: str | Path) -> gpd.GeoDataFrame:
    """Read and validate a hotspot file; raise HotspotDataError naming what is wrong."""
    return read_hotspots_checked(path).frame


def read_hotspots_checked(path: str | Path) -> HotspotRead:
    """`read_hotspots`, also giving the repaired rows and the declared CRS."""
    path = Path(path)
    raw, declared = _read_layer(path)
    raw = _normalise_crs(raw, path)
    frame = _normalise_columns(raw, path)
    _check_ids(frame, path)
    frame["geometry"], repaired = _check_geometries(frame, path)
    return HotspotRead(
        gpd.GeoDataFrame(frame[COLUMNS], geometry="geometry", crs=WGS84), repaired, declared
    )


def _read_layer(path: Path) -> tuple[gpd.GeoDataFrame, str]:
    """Open the file with its one allowed GDAL driver, after checking its content is that kind;
    refuse files with several map layers (only one would be read). Returns the declared CRS."""
    if not path.is_file():
        raise HotspotDataError("file not found", path=path)
    driver = driver_for(path)
    if path.stat().st_size == 0:
        raise HotspotDataError("the file is empty", path=path)
    source = shapefile_in_zip(path) if path.suffix.lower() == ".zip" else check_file(path)
    info = check_opened_driver(source, driver, path)
    _check_count(int(info.get("features") or 0), path)
    try:
        layers = [] if driver in ONE_LAYER_DRIVERS else _layer_names(source)
        frame = gpd.read_file(source, engine="pyogrio")
    except Exception as exc:  # GDAL raises many types; all mean the same to the user
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HotspotDataError(f"cannot be read as a map layer ({detail})", path=path) from exc
    if len(layers) > 1:
        raise HotspotDataError(
            f"holds {len(layers)} map layers ({', '.join(layers[:4])}); keep the hotspots in "
            "one layer (only one can be read)",
            path=path,
        )
    if len(frame) == 0:
        raise HotspotDataError("holds no features", path=path)
    _check_count(len(frame), path)
    return frame, str(info.get("crs") or "")


def _layer_names(source: str) -> list[str]:
    """The names of the map layers (not plain tables) in a file."""
    return [str(name) for name, kind in pyogrio.list_layers(source) if kind is not None]


def _check_count(count: int, path: Path) -> None:
    """Refuse files of more hotspots than the map can draw (before reading them, when known)."""
    if count > MAX_HOTSPOTS:
        raise HotspotDataError(
            f"holds {count:,} features; at most {MAX_HOTSPOTS:,} hotspots are read (the map "
            "draws every one in the browser, and more make it unusable)",
            path=path,
        )


def shapefile_in_zip(path: Path, label: str | Path | None = None) -> str:
    """The GDAL path of the one Shapefile inside a zip, checked like any zip from outside."""
    label = label or path
    archive = open_zip(path, str(label))
    shapefiles = [n for n in archive.names if n.lower().endswith(".shp")]
    if not shapefiles:
        raise HotspotDataError(
            "the zip holds no .shp file (a zipped Shapefile is expected)", path=label
        )
    if len(shapefiles) > 1:
        raise HotspotDataError(
            f"the zip holds {len(shapefiles)} Shapefiles ({', '.join(shapefiles[:3])}); "
            "zip the one with the hotspots on its own",
            path=label,
        )
    for name in archive.names:  # what the archive really expands to, before GDAL reads it
        archive.count(name)
    check_shapefile_head(archive.head(shapefiles[0]), f"{label}!{shapefiles[0]}")
    return f"/vsizip/{path}/{shapefiles[0]}"


def _normalise_crs(frame: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """Reproject to WGS84; refuse a missing CRS and lon/lat that are really metres."""
    if frame.crs is None:
        raise HotspotDataError(
            "declares no coordinate reference system; add one (e.g. the .prj of a Shapefile)",
            path=path,
        )
    if frame.crs.is_geographic:
        _check_lonlat_range(frame, path)
    else:
        _check_not_degrees(frame, path)
    return _check_area_of_use(frame.to_crs(WGS84), frame.crs, path)


def _check_not_degrees(frame: gpd.GeoDataFrame, path: Path) -> None:
    """A projected CRS counts in metres (or feet): lon/lat-sized numbers mean a wrong CRS."""
    minx, miny, maxx, maxy = frame.geometry.total_bounds
    if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
        raise HotspotDataError(
            f"coordinates ({minx:.4f}, {miny:.4f}) look like longitude/latitude degrees, but the "
            f"file declares {_crs_name(frame.crs)}, which counts in metres; declare EPSG:4326",
            path=path,
        )


def _check_area_of_use(frame: gpd.GeoDataFrame, crs: pyproj.CRS, path: Path) -> gpd.GeoDataFrame:
    """After reprojection, every polygon must lie (roughly) where its declared CRS is used."""
    bounds = frame.geometry.bounds
    finite = np.isfinite(bounds.to_numpy()).all(axis=1)
    inside = finite & (bounds["minx"] >= -180) & (bounds["maxx"] <= 180)
    inside &= (bounds["miny"] >= -90) & (bounds["maxy"] <= 90)
    area = crs.area_of_use
    if area is not None and not crs.is_geographic:
        margin = 2.0  # degrees: data a little outside the official area is still fine
        inside &= (bounds["minx"] >= area.west - margin) & (bounds["maxx"] <= area.east + margin)
        inside &= (bounds["miny"] >= area.south - margin) & (bounds["maxy"] <= area.north + margin)
    refuse_first(
        ~inside.to_numpy(),
        lambda _: f"the polygon lies outside the area {_crs_name(crs)} covers; are its "
        "coordinates really in that CRS?",
        path=path, first_row=LAYER_FIRST_ROW, column="geometry",
    )  # fmt: skip
    return frame


def _crs_name(crs: pyproj.CRS) -> str:
    code = crs.to_epsg()
    return f"EPSG:{code} ({crs.name})" if code else crs.name


def _check_lonlat_range(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Coordinates of a geographic CRS must be degrees; large numbers are usually BNG metres."""
    bounds = frame.geometry.bounds
    bad = (bounds["minx"] < -180) | (bounds["maxx"] > 180)
    bad |= (bounds["miny"] < -90) | (bounds["maxy"] > 90)

    def message(row: int) -> str:
        x, y = bounds.iloc[row]["minx"], bounds.iloc[row]["miny"]
        hint = ""
        if 0 <= x <= 700_000 and 0 <= y <= 1_300_000:
            hint = (
                "; they look like British National Grid metres: declare EPSG:27700 in the file "
                "or convert it to WGS84 longitude/latitude"
            )
        return f"coordinates ({x:.0f}, {y:.0f}) are outside longitude/latitude range{hint}"

    refuse_first(bad.to_numpy(), message, path=path, first_row=LAYER_FIRST_ROW)


def _normalise_columns(frame: gpd.GeoDataFrame, path: Path) -> pd.DataFrame:
    """Match the expected columns case-insensitively and give them their types."""
    lower = {str(c).lower(): c for c in frame.columns if c != frame.geometry.name}
    out = pd.DataFrame(index=frame.index)
    for column in ("hotspot_id", "name"):
        if column not in lower:
            found = ", ".join(map(str, lower.values())) or "none"
            raise HotspotDataError(
                f"has no '{column}' column (columns found: {found})", path=path, column=column
            )
        out[column] = _as_text(frame[lower[column]])
    out["town"] = _as_text(frame[lower["town"]]) if "town" in lower else ""
    for column in ("hotspot_id", "name", "town"):
        _check_length(out[column], column, path)
    out["started"] = _as_dates(frame, lower.get("started"), path)
    out["geometry"] = frame.geometry.values
    return out


def _check_length(values: pd.Series, column: str, path: Path) -> None:
    """Refuse text longer than the charts and tables can show."""
    refuse_first(
        (values.astype(str).str.len() > MAX_TEXT_CHARS).to_numpy(),
        lambda row: f"is {len(str(values.iloc[row])):,} characters long; at most "
        f"{MAX_TEXT_CHARS} are allowed (longer text squashes the map labels, charts and "
        "tables): shorten it",
        path=path, first_row=LAYER_FIRST_ROW, column=column,
    )  # fmt: skip


def _as_text(values: pd.Series) -> pd.Series:
    """Text with missing values as empty strings and surrounding spaces removed."""
    return values.astype("string").fillna("").str.strip().astype(object)


def _as_dates(frame: pd.DataFrame, column: str | None, path: Path) -> pd.Series:
    """The optional `started` column as dates; an unparseable value names its row."""
    if column is None:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    raw = frame[column]
    parsed = pd.to_datetime(raw.astype("string"), errors="coerce", format="ISO8601")
    bad = parsed.isna() & raw.notna() & (raw.astype("string").str.strip() != "")
    refuse_first(
        bad.to_numpy(),
        lambda row: f"'{raw.iloc[row]}' is not a date; write it as YYYY-MM-DD",
        path=path, first_row=LAYER_FIRST_ROW, column="started",
    )  # fmt: skip
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def _check_ids(frame: pd.DataFrame, path: Path) -> None:
    """Every hotspot needs a unique, non-empty id."""
    ids = frame["hotspot_id"]
    where = {"path": path, "first_row": LAYER_FIRST_ROW, "column": "hotspot_id"}
    refuse_first((ids == "").to_numpy(), lambda _: "hotspot_id is empty", **where)
    refuse_first(
        ids.duplicated().to_numpy(),
        lambda row: f"hotspot_id '{ids.iloc[row]}' is used more than once",
        **where,
    )


def _check_geometries(frame: pd.DataFrame, path: Path) -> tuple[gpd.GeoSeries, list[int]]:
    """Polygons only, in 2D; invalid ones are repaired (make_valid) rather than dropped, and the
    rows repaired (1-based) are returned so they can be reported."""
    geoms = gpd.GeoSeries(frame["geometry"].values, index=frame.index)
    for row, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            raise HotspotDataError(
                "has no geometry", path=path, row=row + LAYER_FIRST_ROW, column="geometry"
            )
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise HotspotDataError(
                f"is a {geom.geom_type}; hotspots must be polygons",
                path=path,
                row=row + LAYER_FIRST_ROW,
                column="geometry",
            )
    geoms = gpd.GeoSeries(shapely.force_2d(geoms.values), index=frame.index)
    invalid = ~geoms.is_valid
    if invalid.any():
        geoms[invalid] = geoms[invalid].make_valid().apply(_polygonal_part)
    lost = invalid & (geoms.is_empty | (geoms.area == 0))
    refuse_first(
        lost.to_numpy(),
        lambda _: "the polygon is invalid and has no area once repaired (are its points in "
        "order?)",
        path=path, first_row=LAYER_FIRST_ROW, column="geometry",
    )  # fmt: skip
    return geoms, [int(i) + 1 for i in np.flatnonzero(invalid.to_numpy())]


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep the polygon area of a repaired geometry (make_valid may add stray lines)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)
