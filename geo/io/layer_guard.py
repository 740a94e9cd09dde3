"""What a hotspot file must be before GDAL may open it: one driver per suffix, checked by content.

GDAL chooses its driver from a file's content, not its name, and several drivers reach outside the
file: a virtual-dataset XML (`<OGRVRTDataSource>`) opens any file or URL it names, a GeoJSON
`crs` of type `link` is fetched over HTTP, and GDAL's network file systems (`/vsicurl/`, `/vsis3/`,
…) fetch URLs. So each accepted suffix has exactly one driver; the file's first bytes must be that
format's own (GeoJSON `{`, GeoPackage's SQLite header and application id, KML's `<kml>` root, the
Shapefile magic number); a GeoPackage may hold tables only, no views (a view can run a query that
never ends) and no virtual tables but its spatial index; a GeoJSON `crs` must name a CRS code; the
driver GDAL used is checked after opening; and the network file systems are switched off for the
whole process (the app reads local files only).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pyogrio

from geo.errors import HotspotDataError

DRIVERS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".kml": "LIBKML" if "LIBKML" in pyogrio.list_drivers() else "KML",
    ".shp": "ESRI Shapefile",
    ".zip": "ESRI Shapefile",
}
"""The one GDAL driver allowed for each hotspot file suffix (a .zip holds a Shapefile)."""

MAX_HOTSPOT_FILE_BYTES = 50 * 1024**2
"""The largest hotspot file read: 5,000 detailed polygons take about a quarter of it."""

NO_NETWORK_OPTIONS = {
    # Only this (impossible) name may be opened through /vsicurl/ and every file system built on
    # it (/vsis3/, /vsigs/, /vsiaz/, /vsiadls/, /vsioss/, /vsiswift/, /vsiwebhdfs/, *_streaming).
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/nonexistent/network-access-is-disabled",
    # SQLite files may not open other data sources through the VirtualOGR module.
    "OGR_SQLITE_LIST_VIRTUAL_OGR": "NO",
    # KML may not make GDAL fetch styles from other files or addresses.
    "LIBKML_RESOLVE_STYLE": "NO",
    "LIBKML_EXTERNAL_STYLE": "NO",
}
"""GDAL configuration that keeps every read on the local file system."""

pyogrio.set_gdal_config_options(NO_NETWORK_OPTIONS)

_SQLITE_HEADER = b"SQLite format 3\x00"
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")
_SHP_MAGIC = b"\x00\x00\x27\x0a"
_VRT = re.compile(rb"OGRVRTDataSource", re.IGNORECASE)
_KML_PROLOG = re.compile(
    rb"\s*(?:<\?xml[^>]*\?>\s*|<!--.*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?kml\b", re.S
)
_CRS_NAME = re.compile(
    r"(?:urn:ogc:def:crs:(?:EPSG|OGC):[0-9.]*:[A-Za-z0-9]+|EPSG:\d+|(?:OGC:)?CRS84)", re.IGNORECASE
)
_KEPT_KEYS = ("type", "properties", "name")


def driver_for(path: Path) -> str:
    """The GDAL driver allowed for this file's suffix; refuse any other suffix."""
    suffix = path.suffix.lower()
    if suffix not in DRIVERS:
        kinds = ", ".join(DRIVERS)
        raise HotspotDataError(f"not a hotspot file; expected one of {kinds}", path=path)
    return DRIVERS[suffix]


def check_file(path: Path, label: str | Path | None = None) -> str:
    """Check a hotspot file's content against its suffix; return the GDAL path to open it by."""
    label = label or path
    driver = driver_for(path)
    size = path.stat().st_size
    if size > MAX_HOTSPOT_FILE_BYTES:
        raise HotspotDataError(
            f"is {size / 1024**2:.0f} MB; hotspot files over "
            f"{MAX_HOTSPOT_FILE_BYTES / 1024**2:.0f} MB are refused (far more than the "
            "hotspots a programme patrols)",
            path=label,
        )
    with path.open("rb") as handle:
        head = handle.read(1024)
    if driver == "GeoJSON":
        check_geojson(path.read_bytes(), label)
        return f"GeoJSON:{path}"
    if driver == "GPKG":
        check_geopackage(path, head, label)
    elif driver in ("LIBKML", "KML"):
        check_kml(path.read_bytes(), label)
    elif path.suffix.lower() == ".shp":
        check_shapefile_head(head, label)
    return str(path)


def check_opened_driver(source: str, expected: str, label: str | Path) -> dict:
    """Open the file's layer information and refuse it unless GDAL used the expected driver."""
    try:
        info = pyogrio.read_info(source)
    except Exception as exc:  # GDAL raises many types; all mean the same to the user
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HotspotDataError(f"cannot be read as a map layer ({detail})", path=label) from exc
    if info.get("driver") != expected:
        raise HotspotDataError(
            f"was read as {info.get('driver')} data, not {expected}; such files are refused",
            path=label,
        )
    return info


def _refuse_kind(label: str | Path, kind: str) -> None:
    raise HotspotDataError(
        f"does not hold {kind} data (its first bytes are not {kind}'s); give the file its own "
        "suffix, or export it again",
        path=label,
    )


def check_geojson(data: bytes, label: str | Path) -> None:
    """GeoJSON starts with `{`; every `crs` object must name a CRS code, never a link or file."""
    text = data.removeprefix(b"\xef\xbb\xbf")
    if not text.lstrip().startswith(b"{"):
        _refuse_kind(label, "GeoJSON")
    try:
        json.loads(text, object_pairs_hook=lambda pairs: _crs_checked(pairs, label))
    except HotspotDataError:
        raise
    except (ValueError, RecursionError) as exc:
        raise HotspotDataError(
            f"is not valid JSON ({str(exc).splitlines()[0][:120]})", path=label
        ) from exc


def _crs_checked(pairs: list[tuple[str, object]], label: str | Path) -> dict | None:
    """Refuse a `crs` member GDAL would fetch or open; keep only what a `crs` check needs."""
    for key, value in pairs:
        if key.casefold() == "crs" and isinstance(value, dict) and not _named_crs(value):
            raise HotspotDataError(
                "declares its CRS by a link or file; write it as a name such as "
                '"urn:ogc:def:crs:EPSG::27700" (GDAL would fetch the link)',
                path=label,
                column="crs",
            )
    kept = {k.casefold(): v for k, v in pairs if k.casefold() in _KEPT_KEYS}
    return {k: v for k, v in kept.items() if isinstance(v, (str, dict)) or v is None}


def _named_crs(crs: dict) -> bool:
    properties = crs.get("properties")
    name = properties.get("name") if isinstance(properties, dict) else None
    return (
        str(crs.get("type", "")).casefold() == "name"
        and isinstance(name, str)
        and _CRS_NAME.fullmatch(name.strip()) is not None
    )


def check_kml(data: bytes, label: str | Path) -> None:
    """KML is XML whose root element is `kml`, with no document type (entities) and no GDAL
    virtual-dataset text anywhere."""
    text = data.removeprefix(b"\xef\xbb\xbf")
    if not _KML_PROLOG.match(text):
        _refuse_kind(label, "KML")
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", text, re.IGNORECASE) or _VRT.search(text):
        raise HotspotDataError(
            "holds a document type, entities or a GDAL virtual dataset; such KML is refused",
            path=label,
        )


def check_shapefile_head(head: bytes, label: str | Path) -> None:
    """A .shp file starts with the Shapefile magic number 9994."""
    if not head.startswith(_SHP_MAGIC):
        _refuse_kind(label, "Shapefile")


def check_geopackage(path: Path, head: bytes, label: str | Path) -> None:
    """A GeoPackage is an SQLite file with GeoPackage's application id whose layers are tables.

    Its schema is read with Python's sqlite3, which runs no view: a view (or a virtual table other
    than the spatial index) could run a query that never ends once GDAL opens it.
    """
    if not head.startswith(_SQLITE_HEADER) or head[68:72] not in _GPKG_IDS:
        _refuse_kind(label, "GeoPackage")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        with sqlite3.connect(uri, uri=True) as db:
            db.execute("PRAGMA trusted_schema = OFF")
            schema = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
            tables = {name: sql or "" for kind, name, sql in schema if kind == "table"}
            views = [name for kind, name, _ in schema if kind == "view"]
            if views:
                raise HotspotDataError(
                    f"holds a view ('{_shown(views[0])}'); GeoPackages with views are refused "
                    "(save the layer as a table)",
                    path=label,
                )
            for name, sql in tables.items():
                virtual = sql.lstrip().upper().startswith("CREATE VIRTUAL TABLE")
                if virtual and not re.search(r"\bUSING\s+rtree\s*\(", sql, re.IGNORECASE):
                    raise HotspotDataError(
                        f"holds a virtual table ('{_shown(name)}'); such GeoPackages are refused",
                        path=label,
                    )
            if "gpkg_contents" not in tables:
                raise HotspotDataError(
                    "has no gpkg_contents table; it is not a GeoPackage", path=label
                )
            contents = db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall()
    except sqlite3.Error as exc:
        raise HotspotDataError(f"is not a readable GeoPackage ({exc})", path=label) from exc
    for name, data_type in contents:
        plain = name in tables and not tables[name].lstrip().upper().startswith("CREATE VIRTUAL")
        if data_type not in ("features", "attributes") or not plain:
            raise HotspotDataError(
                f"layer '{_shown(str(name))}' is a {data_type} entry that is not a plain table; "
                "only feature tables are read",
                path=label,
            )


def _shown(name: str) -> str:
    return name.encode("unicode_escape").decode("ascii")[:80]
