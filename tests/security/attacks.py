"""Small attack files, generated: each one a way a hostile "hotspot" or crime file was used."""

from __future__ import annotations

import http.server
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from tests.helpers import local_http_server, square_hotspots

SECRET = "secret-line-that-must-never-be-shown"


def secret_file(folder: Path) -> Path:
    """A server file the attacker wants to read (stands in for /etc/passwd or the patrol log)."""
    path = folder / "server-secret.csv"
    path.write_text(f"account\n{SECRET}\n")
    return path


def vrt_xml(target: str, column: str = "account") -> bytes:
    """A GDAL virtual dataset that turns the rows of `target` (a local CSV, or a /vsicurl/ URL)
    into valid hotspots named by their `column`: what the attack on /data used."""
    square = "POLYGON ((-1.356 53.012,-1.352 53.012,-1.352 53.015,-1.356 53.015,-1.356 53.012))"
    return (
        "<OGRVRTDataSource><OGRVRTLayer name='x'>"
        f"<SrcDataSource>CSV:{target}</SrcDataSource>"
        f'<SrcSQL>SELECT "{column}" AS hotspot_id, "{column}" AS name, \'{square}\' AS wkt '
        f'FROM "{Path(target).stem}"</SrcSQL>'
        "<GeometryType>wkbPolygon</GeometryType><LayerSRS>EPSG:4326</LayerSRS>"
        "<GeometryField encoding='WKT' field='wkt'/>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


def vrt_in_zip(path: Path, target: str, column: str = "account") -> Path:
    """The virtual dataset named `hotspots.shp` inside a zip."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hotspots.shp", vrt_xml(target, column))
    return path


def geojson_with_crs(path: Path, crs: dict) -> Path:
    """A valid hotspot GeoJSON whose `crs` member is `crs` (GDAL fetches a `link` one)."""
    square_hotspots(path, {"A": (-1.356, 53.012, -1.352, 53.015)})
    data = json.loads(path.read_text())
    data["crs"] = crs
    path.write_text(json.dumps(data))
    return path


def geopackage_with_endless_view(path: Path) -> Path:
    """A GeoPackage whose one layer is a view over a recursive query that never ends."""
    gpd.GeoDataFrame(
        {"hotspot_id": ["A"], "name": ["A"]}, geometry=[box(0, 50, 0.001, 50.001)], crs=4326
    ).to_file(path, driver="GPKG", layer="real")
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE VIEW hotspots AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
            "FROM n) SELECT r.fid AS fid, r.geom AS geom, r.hotspot_id AS hotspot_id, "
            "r.name AS name FROM real r, n"
        )
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('hotspots', 'features', 'hotspots', 4326)"
        )
        db.execute(
            "INSERT INTO gpkg_geometry_columns VALUES ('hotspots', 'geom', 'POLYGON', 4326, 0, 0)"
        )
        db.execute("DELETE FROM gpkg_contents WHERE table_name = 'real'")
        db.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'real'")
    return path


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args) -> None:
        pass


@contextmanager
def internal_server() -> Iterator[tuple[str, list[str]]]:
    """An "internal" HTTP server on localhost: (its address, the paths requested from it)."""
    requests: list[str] = []
    handler = type("Recorder", (_Recorder,), {"requests": requests})
    with local_http_server(handler) as address:
        yield address, requests


class StreamlitSocket:
    """A hand-made client of the app's websocket, sending the messages a browser would and those
    it never would (a fragment's rerun on request), and keeping the text of what comes back."""

    def __init__(self, app_url: str, origin: str | None = None) -> None:
        from websockets.sync.client import connect

        self.page_hash = self.session = ""
        self.fragments: list[str] = []
        self.socket = connect(
            app_url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Origin": origin or app_url},
            open_timeout=30,
        )

    def run(self, page: str, query: str, fragment: str = "", timeout: float = 60) -> str:
        """One run of `page` with `query` (or of one `fragment` of it); the text it sent."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        state = message.rerun_script
        state.query_string, state.page_name = query, page
        if fragment:  # a fragment runs in the page that defined it
            state.page_script_hash, state.fragment_id = self.page_hash, fragment
        state.is_auto_rerun = bool(fragment)
        self.socket.send(message.SerializeToString())
        text = []
        while True:
            reply = ForwardMsg.FromString(self.socket.recv(timeout=timeout))
            kind = reply.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = reply.new_session.page_script_hash
                self.session = reply.new_session.initialize.session_id
            elif kind == "auto_rerun" and reply.auto_rerun.fragment_id not in self.fragments:
                self.fragments.append(reply.auto_rerun.fragment_id)
            elif kind == "delta":
                text.append(str(reply.delta))
            elif kind == "script_finished":
                return "\n".join(text)

    def close(self) -> None:
        self.socket.close()
