"""Write the bad-file corpus: run `python tests/bad_files/make_corpus.py` from the repository root.

The files are kept in the repository; this script is how they were made, so a file can be
remade or a new kind added the same way. README.md beside it lists each file with the message it
must produce; tests/test_import_cli.py reads that table.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n"
)
FORCE = "Derbyshire Constabulary"


def street_row(month="2024-01", lon="-1.354000", lat="53.013000", kind="Burglary") -> str:
    return (
        f"abc123,{month},{FORCE},{FORCE},{lon},{lat},On or near Market Street,E01019400,"
        f"Amber Valley 001A,{kind},Under investigation,\n"
    )


GOOD_STREET = HEADER + street_row() + street_row(kind="Anti-social behaviour")
SQUARE = "[[[-1.356,53.012],[-1.352,53.012],[-1.352,53.015],[-1.356,53.015],[-1.356,53.012]]]"


def feature(props: str, geometry: str | None = None) -> str:
    geometry = geometry or f'{{"type":"Polygon","coordinates":{SQUARE}}}'
    return f'{{"type":"Feature","properties":{{{props}}},"geometry":{geometry}}}'


def collection(*features: str, crs: str = "") -> str:
    crs_member = f'"crs":{{"type":"name","properties":{{"name":"{crs}"}}}},' if crs else ""
    return f'{{"type":"FeatureCollection",{crs_member}"features":[{",".join(features)}]}}\n'


PATROL_HEADER = "hotspot_id,start,end,officers,arrests,engagements\n"

TEXT_FILES: dict[str, str | bytes] = {
    # crimes
    "crimes/empty-street.csv": b"",
    "crimes/blank-lines-street.csv": "\n\n  \n",
    "crimes/header-only-street.csv": HEADER,
    "crimes/truncated-street.csv": GOOD_STREET + "abc124,2024-01,Derbyshire Constabulary,Derb",
    "crimes/binary-street.csv": bytes(range(256)) * 4,
    "crimes/outcomes-not-street.csv": (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
        "LSOA name,Outcome type\nabc,2024-01,X,X,-1.3,53.0,Here,E01,Name,Under investigation\n"
    ),
    "crimes/missing-columns-street.csv": (
        "Month,Longitude,Latitude,Crime type\n2024-01,-1,53,Drugs\n"
    ),
    "crimes/html-page-street.csv": "<!DOCTYPE html><html><body>Service unavailable</body></html>\n",
    "crimes/bad-month-street.csv": GOOD_STREET + street_row(month="2024-13"),
    "crimes/month-as-date-street.csv": GOOD_STREET + street_row(month="01/02/2024"),
    "crimes/bad-coordinate-street.csv": GOOD_STREET + street_row(lat="53.0l3"),
    "crimes/grid-metres-street.csv": GOOD_STREET + street_row(lon="438612", lat="346211"),
    "crimes/windows-1252-street.csv": (
        HEADER + street_row().replace("Market Street", "Caf\u00e9 \u2013 Market Street")
    ).encode("cp1252"),
    "crimes/utf16-street.csv": GOOD_STREET.encode("utf-16"),
    "crimes/unterminated-quote-street.csv": GOOD_STREET + street_row().replace("abc123", '"abc'),
    # hotspots
    "hotspots/empty.geojson": b"",
    "hotspots/not-json.geojson": "hotspot_id,name\nA,Market Place\n",
    "hotspots/truncated.geojson": collection(feature('"hotspot_id":"A","name":"M"'))[:90],
    "hotspots/points.geojson": collection(
        feature('"hotspot_id":"A","name":"M"', '{"type":"Point","coordinates":[-1.35,53.01]}')
    ),
    "hotspots/no-id-column.geojson": collection(feature('"id":"A","name":"M"')),
    "hotspots/empty-id.geojson": collection(
        feature('"hotspot_id":"A","name":"M"'), feature('"hotspot_id":"","name":"N"')
    ),
    "hotspots/duplicate-id.geojson": collection(
        feature('"hotspot_id":"A","name":"M"'), feature('"hotspot_id":"A","name":"N"')
    ),
    "hotspots/grid-metres-no-crs.geojson": collection(
        feature(
            '"hotspot_id":"A","name":"M"',
            '{"type":"Polygon","coordinates":[[[438000,346000],[438200,346000],'
            "[438200,346200],[438000,346200],[438000,346000]]]}",
        )
    ),
    "hotspots/degrees-declared-grid.geojson": collection(
        feature('"hotspot_id":"A","name":"M"'), crs="urn:ogc:def:crs:EPSG::27700"
    ),
    "hotspots/grid-far-off.geojson": collection(
        feature(
            '"hotspot_id":"A","name":"M"',
            '{"type":"Polygon","coordinates":[[[438000,9346000],[438200,9346000],'
            "[438200,9346200],[438000,9346200],[438000,9346000]]]}",
        ),
        crs="urn:ogc:def:crs:EPSG::27700",
    ),
    "hotspots/bad-started.geojson": collection(
        feature('"hotspot_id":"A","name":"M","started":"next week"')
    ),
    "hotspots/flat-polygon.geojson": collection(
        feature(
            '"hotspot_id":"A","name":"M"',
            '{"type":"Polygon","coordinates":[[[-1.35,53.01],[-1.34,53.01],[-1.33,53.01],'
            "[-1.35,53.01]]]}",
        )
    ),
    "hotspots/wrong-suffix.txt": collection(feature('"hotspot_id":"A","name":"M"')),
    "hotspots/two-layers.kml": (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document>"
        + "".join(
            f"<Folder><name>{layer}</name><Placemark><name>{layer} 1</name><ExtendedData>"
            f'<Data name="hotspot_id"><value>{layer}-1</value></Data></ExtendedData><Polygon>'
            "<outerBoundaryIs><LinearRing><coordinates>-1.356,53.012 -1.352,53.012 "
            "-1.352,53.015 -1.356,53.012</coordinates></LinearRing></outerBoundaryIs></Polygon>"
            "</Placemark></Folder>"
            for layer in ("Heanor", "Shirebrook")
        )
        + "</Document></kml>\n"
    ),
    # patrols
    "patrols/empty.csv": b"",
    "patrols/header-only.csv": PATROL_HEADER,
    "patrols/binary.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
    "patrols/missing-column.csv": (
        "hotspot_id,start,end,officers\nA,2024-01-02T10:00,2024-01-02T11:00,2\n"
    ),
    "patrols/ends-before-start.csv": PATROL_HEADER
    + "A,2024-01-02T10:00,2024-01-02T11:00,2,0,3\nA,2024-01-03T18:00,2024-01-03T17:00,2,0,3\n",
    "patrols/negative-arrests.csv": PATROL_HEADER + "A,2024-01-02T10:00,2024-01-02T11:00,2,-1,3\n",
    "patrols/no-officers.csv": PATROL_HEADER + "A,2024-01-02T10:00,2024-01-02T11:00,0,0,3\n",
    "patrols/unknown-hotspot.csv": PATROL_HEADER
    + "A,2024-01-02T10:00,2024-01-02T11:00,2,0,3\nZZ-9,2024-01-02T10:00,2024-01-02T11:00,2,0,3\n",
    "patrols/bad-date.csv": PATROL_HEADER + "A,02/01/2024 10:00,2024-01-02T11:00,2,0,3\n",
    "patrols/date-without-time.csv": PATROL_HEADER + "A,2024-01-02,2024-01-02T11:00,2,0,3\n",
    "patrols/windows-1252.csv": (
        PATROL_HEADER.replace("engagements", "engagements,note")
        + "A,2024-01-02T10:00,2024-01-02T11:00,2,0,3,Caf\u00e9 \u2013 ok\n"
    ).encode("cp1252"),
}


def _zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    """A zip with fixed dates, so the files are the same each time they are made."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


DATE = (2024, 1, 1, 0, 0, 0)


def _link(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, DATE)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


STREET = GOOD_STREET.encode()
ZIP_FILES: dict[str, bytes] = {
    "crimes/no-street-files.zip": _zip([("2024-01/2024-01-derbyshire-outcomes.csv", b"x\n")]),
    "crimes/dot-dot-entry.zip": _zip([("../../2024-01-derbyshire-street.csv", STREET)]),
    "crimes/absolute-entry.zip": _zip([("/etc/2024-01-derbyshire-street.csv", STREET)]),
    "crimes/drive-letter-entry.zip": _zip([("C:\\data\\2024-01-derbyshire-street.csv", STREET)]),
    "crimes/symlink-entry.zip": _zip(
        [
            ("2024-01/2024-01-derbyshire-street.csv", STREET),
            (_link("2024-02/2024-02-derbyshire-street.csv", "/etc/passwd"), b"/etc/passwd"),
        ]
    ),
    "crimes/not-a-zip.zip": b"This is not a zip archive, only text with a .zip name.\n",
    "crimes/truncated.zip": _zip([("2024-01/2024-01-derbyshire-street.csv", STREET * 40)])[:300],
    "crimes/bad-file-inside.zip": _zip(
        [("2024-01/2024-01-derbyshire-street.csv", (GOOD_STREET + street_row("24-1")).encode())]
    ),
    "hotspots/no-shp.zip": _zip([("hotspots/hotspots.dbf", b"\x03" + bytes(40))]),
    "hotspots/dot-dot-entry.zip": _zip([("../hotspots.shp", b"\x00" * 100)]),
}


def main() -> None:
    for name, content in {**TEXT_FILES, **ZIP_FILES}.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


if __name__ == "__main__":
    main()
