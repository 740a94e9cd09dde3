"""Read hotspot polygons from GeoJSON, GeoPackage, zipped Shapefile or KML, in any declared CRS.

Every reader ends in the same validated frame: `hotspot_id`, `name`, `town`, `started` and a
Polygon/MultiPolygon `geometry` in WGS84 (EPSG:4326), the CRS police.uk coordinates are in.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.errors import HotspotDataError

WGS84 = "EPSG:4326"
BRITISH_NATIONAL_GRID = "EPSG:27700"
HOTSPOT_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp", ".kml")
COLUMNS = ["hotspot_id", "name", "town", "started", "geometry"]


def read_hotspots(path: str | Path) -> gpd.GeoDataFrame:
    """Read and validate a hotspot file; raise HotspotDataError naming what is wrong."""
    path = Path(path)
    raw = _read_layer(path)
    raw = _normalise_crs(raw, path)
    frame = _normalise_columns(raw, path)
    _check_ids(frame, path)
    frame["geometry"] = _check_geometries(frame, path)
    return gpd.GeoDataFrame(frame[COLUMNS], geometry="geometry", crs=WGS84)


def _read_layer(path: Path) -> gpd.GeoDataFrame:
    """Open the file with GDAL (pyogrio), refusing unknown kinds and unreadable files."""
    if not path.is_file():
        raise HotspotDataError("file not found", path=path)
    suffix = path.suffix.lower()
    if suffix not in HOTSPOT_SUFFIXES:
        kinds = ", ".join(HOTSPOT_SUFFIXES)
        raise HotspotDataError(f"not a hotspot file; expected one of {kinds}", path=path)
    if path.stat().st_size == 0:
        raise HotspotDataError("the file is empty", path=path)
    source = str(path)
    if suffix == ".zip":
        source = _shapefile_in_zip(path)
    try:
        frame = gpd.read_file(source, engine="pyogrio")
    except Exception as exc:  # GDAL raises many types; all mean the same to the user
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HotspotDataError(f"cannot be read as a map layer ({detail})", path=path) from exc
    if len(frame) == 0:
        raise HotspotDataError("holds no features", path=path)
    return frame


def _shapefile_in_zip(path: Path) -> str:
    """The GDAL path of the one Shapefile inside a zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            shapefiles = [n for n in archive.namelist() if n.lower().endswith(".shp")]
    except zipfile.BadZipFile as exc:
        raise HotspotDataError("is not a readable zip file", path=path) from exc
    if not shapefiles:
        raise HotspotDataError(
            "the zip holds no .shp file (a zipped Shapefile is expected)", path=path
        )
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
    return frame.to_crs(WGS84)


def _check_lonlat_range(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Coordinates of a geographic CRS must be degrees; large numbers are usually BNG metres."""
    bounds = frame.geometry.bounds
    bad = (bounds["minx"] < -180) | (bounds["maxx"] > 180)
    bad |= (bounds["miny"] < -90) | (bounds["maxy"] > 90)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        x, y = bounds.iloc[row]["minx"], bounds.iloc[row]["miny"]
        hint = ""
        if 0 <= x <= 700_000 and 0 <= y <= 1_300_000:
            hint = (
                "; they look like British National Grid metres: declare EPSG:27700 in the file "
                "or convert it to WGS84 longitude/latitude"
            )
        raise HotspotDataError(
            f"coordinates ({x:.0f}, {y:.0f}) are outside longitude/latitude range{hint}",
            path=path,
            row=row + 1,
        )


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
    out["started"] = _as_dates(frame, lower.get("started"), path)
    out["geometry"] = frame.geometry.values
    return out


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
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise HotspotDataError(
            f"'{raw.iloc[row]}' is not a date; write it as YYYY-MM-DD",
            path=path,
            row=row + 1,
            column="started",
        )
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def _check_ids(frame: pd.DataFrame, path: Path) -> None:
    """Every hotspot needs a unique, non-empty id."""
    empty = frame["hotspot_id"] == ""
    if empty.any():
        row = int(empty.to_numpy().nonzero()[0][0])
        raise HotspotDataError("hotspot_id is empty", path=path, row=row + 1, column="hotspot_id")
    duplicated = frame["hotspot_id"].duplicated()
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0])
        value = frame["hotspot_id"].iloc[row]
        raise HotspotDataError(
            f"hotspot_id '{value}' is used more than once",
            path=path,
            row=row + 1,
            column="hotspot_id",
        )


def _check_geometries(frame: pd.DataFrame, path: Path) -> gpd.GeoSeries:
    """Polygons only, in 2D; invalid ones are repaired (make_valid) rather than dropped."""
    geoms = gpd.GeoSeries(frame["geometry"].values, index=frame.index)
    for row, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            raise HotspotDataError("has no geometry", path=path, row=row + 1, column="geometry")
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise HotspotDataError(
                f"is a {geom.geom_type}; hotspots must be polygons",
                path=path,
                row=row + 1,
                column="geometry",
            )
    geoms = gpd.GeoSeries(shapely.force_2d(geoms.values), index=frame.index)
    invalid = ~geoms.is_valid
    if invalid.any():
        geoms[invalid] = geoms[invalid].make_valid().apply(_polygonal_part)
    return geoms


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep the polygon area of a repaired geometry (make_valid may add stray lines)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)
