"""Small hand-made inputs for tests: police.uk rows, hotspot layers and patrol logs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from geo.access import MIN_COOKIE_SECRET
from geo.io.crimes import read_crimes
from geo.io.hotspots import read_hotspots
from geo.schema import ASB, POLICE_UK_HEADER
from geo.store.folder.audit import AUDIT_FILE
from geo.store.folder.writes import LOCK_FILE, RECOVERY_NOTE

FORCE = "Test Constabulary"


def street_rows(rows: Iterable[tuple[str, float | None, float | None, str]]) -> list[list[str]]:
    """police.uk rows from (month, lon, lat, crime type); None coordinates stay empty."""
    out = []
    for index, (month, lon, lat, kind) in enumerate(rows):
        crime_id = "" if kind == ASB else f"{index:064x}"
        out.append([
            crime_id, month, FORCE, FORCE,
            "" if lon is None else f"{lon:.6f}", "" if lat is None else f"{lat:.6f}",
            "On or near Market Place", "E01000001", "Somewhere 001A", kind,
            "" if kind == ASB else "Under investigation", "",
        ])  # fmt: skip
    return out


def write_street_csv(path: Path, rows: Iterable[tuple], header: list[str] | None = None) -> Path:
    """Write a police.uk street CSV (header exactly as police.uk publishes it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header or POLICE_UK_HEADER)
        writer.writerows(street_rows(rows))
    return path


def square_hotspots(
    path: Path, squares: dict[str, tuple[float, float, float, float]], **extra
) -> Path:
    """A GeoJSON of axis-aligned squares {hotspot_id: (minx, miny, maxx, maxy)} in lon/lat."""
    frame = gpd.GeoDataFrame(
        {
            "hotspot_id": list(squares),
            "name": [f"Hotspot {key}" for key in squares],
            "town": extra.get("towns", ["Testtown"] * len(squares)),
        },
        geometry=[box(*b) for b in squares.values()],
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GeoJSON")
    return path


def write_patrols(path: Path, rows: Iterable[tuple]) -> Path:
    """A patrol log from (hotspot_id, start, end, officers, arrests, engagements) tuples."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["hotspot_id", "start", "end", "officers", "arrests", "engagements"])
        writer.writerows(rows)
    return path


def shown(markdown: str) -> str:
    """Markdown source as a person reads it: backslash escapes of punctuation removed."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>|~$:=^&])", r"\1", markdown)


def shown_texts(elements) -> list[str]:
    """The texts of AppTest `elements` as a person reads them (Markdown escapes removed)."""
    return [shown(e.value) for e in elements]


# a small dataset of two square hotspots, for import tests

A = (-1.36, 53.01, -1.35, 53.02)
B = (-1.34, 53.01, -1.33, 53.02)
IN_A, IN_B = (-1.355, 53.015), (-1.335, 53.015)


def tree(folder: Path) -> str:
    """A digest of every path and every byte below `folder` (and whether it exists), the audit
    log and the import's lock aside: a refused commit is logged and changes nothing else."""
    digest = hashlib.sha256(str(folder.exists()).encode())
    skipped = (AUDIT_FILE, LOCK_FILE, RECOVERY_NOTE)  # the import's own bookkeeping
    for path in sorted(p for p in folder.rglob("*") if p.name not in skipped):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes() if path.is_file() else b"/")
    return digest.hexdigest()


def month_rows(month: str, n_a: int, n_b: int = 0, missing: int = 0) -> list[tuple]:
    """ASB in A, burglaries in B and drug offences without a location, for one month."""
    return (
        [(month, *IN_A, "Anti-social behaviour")] * n_a
        + [(month, *IN_B, "Burglary")] * n_b
        + [(month, None, None, "Drugs")] * missing
    )


def small_dataset(folder: Path) -> Path:
    """A small valid dataset: hotspots A and B, January 2024, and a patrol log."""
    folder.mkdir()
    square_hotspots(folder / "hotspots.geojson", {"A": A, "B": B})
    write_street_csv(
        folder / "crimes" / "2024-01" / "2024-01-test-street.csv", month_rows("2024-01", 3, 2)
    )
    write_patrols(folder / "patrols.csv", [("A", "2024-01-02T10:00", "2024-01-02T11:00", 2, 1, 7)])
    return folder


def too_few_dataset(folder: Path) -> Path:
    """Hotspots A and B with 3 ASB reports in A in January 2023 and in January 2024: a baseline,
    but far too few reports to tell a change in either hotspot."""
    folder.mkdir()
    square_hotspots(folder / "hotspots.geojson", {"A": A, "B": B})
    for month in ("2023-01", "2024-01"):
        write_street_csv(folder / "crimes" / f"{month}-test-street.csv", month_rows(month, 3, 2))
    return folder


# two small squares far apart with crimes in and round them, for the evaluation's areas

RING_SQUARES = {
    "A": (-1.3550, 53.0130, -1.3535, 53.0140),
    "B": (-1.3000, 53.0130, -1.2985, 53.0140),
}
"""Hotspots A and B: ~110 m squares near Heanor, about 3.6 km apart."""
IN_RING_A, FAR_OFF = (-1.3560, 53.0135), (-1.20, 53.10)
"""A point in A's 200 m ring (about 70 m west of A), and one far from both hotspots."""


def squares_with_rings(folder: Path) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Hotspots RING_SQUARES and police.uk ASB rows, January 2023 then January 2024: 30 then 10
    in A, 4 then 6 in A's 200 m ring, 100 then 90 far off, and 7 without a location in 2024."""
    in_a = (-1.3542, 53.0135)
    rows = (
        [("2023-01", *in_a, ASB)] * 30 + [("2024-01", *in_a, ASB)] * 10
        + [("2023-01", *IN_RING_A, ASB)] * 4 + [("2024-01", *IN_RING_A, ASB)] * 6
        + [("2023-01", *FAR_OFF, ASB)] * 100 + [("2024-01", *FAR_OFF, ASB)] * 90
        + [("2024-01", None, None, ASB)] * 7
    )  # fmt: skip
    write_street_csv(folder / "c" / "x-street.csv", rows)
    hotspots = read_hotspots(square_hotspots(folder / "h.geojson", RING_SQUARES))
    return hotspots, read_crimes([folder / "c"])


def force_counts(folder: Path) -> dict[str, tuple[int, int]]:
    """(all crime, ASB) by month of a dataset folder, as the app loads it."""
    from geo.app.load import load_dataset  # here: sandbox children import this module

    counts = load_dataset(folder).counts.force
    return {
        str(pd.Period(ordinal=int(m), freq="M")): (int(r.crime), int(r.asb))
        for m, r in counts.iterrows()
    }


def hotspot_frame(crs="EPSG:4326") -> gpd.GeoDataFrame:
    """Hotspots A and B (Heanor) as a frame in `crs`."""
    frame = gpd.GeoDataFrame(
        {"hotspot_id": ["A", "B"], "name": ["Market Place", "Park"], "town": ["Heanor"] * 2,
         "started": ["2024-01-01", None]},
        geometry=[box(*A), box(*B)], crs="EPSG:4326",
    )  # fmt: skip
    return frame.to_crs(crs)


def zipped_shapefile(tmp_path: Path, frame: gpd.GeoDataFrame | None = None) -> Path:
    """A layer (default: hotspots A and B) as a zipped Shapefile in British National Grid,
    inside a sub-folder of the archive as GIS tools write it."""
    folder = tmp_path / "shp"
    folder.mkdir()
    layer = hotspot_frame() if frame is None else frame
    layer.to_crs("EPSG:27700").to_file(folder / "hotspots.shp")
    archive = tmp_path / "hotspots.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in folder.iterdir():
            zipped.write(part, f"hotspots/{part.name}")
    return archive


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    """A deflated zip archive of the given entries, in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def run_map_page(monkeypatch, folder: Path, **query: str):
    """The map page (app.py) run by AppTest on `folder`, with the given address parameters."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    monkeypatch.setenv("HOTSPOT_DATA", str(folder))
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def run_data_page(monkeypatch, folder: Path):
    """The data page run by AppTest on `folder`, reached from the map page; it raised nothing."""
    at = run_map_page(monkeypatch, folder)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def edited_sample(sample: Path, folder: Path, edit: Callable[[dict], None]) -> Path:
    """A copy of the sample dataset in `folder` whose hotspots GeoJSON `edit` has changed in
    place (it is given the parsed GeoJSON)."""
    import shutil

    shutil.copytree(sample, folder)
    path = folder / "hotspots.geojson"
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    return folder


def evaluated_table(dataset, period) -> pd.DataFrame:
    """The evaluated per-hotspot table of `dataset` in `period`: its figures, then their
    evaluation."""
    from geo.analysis.context import EvaluationContext
    from geo.analysis.evaluation import evaluation_table
    from geo.analysis.figures import hotspot_table

    table = hotspot_table(
        dataset.hotspots,
        dataset.counts,
        dataset.patrols,
        EvaluationContext.of(period, dataset.hotspots),
    )
    return evaluation_table(
        table, dataset.counts, dataset.areas, dataset.patrols, EvaluationContext.of(period)
    )


def random_edit(draw, data: bytearray, at: int, tokens: list[bytes], longest_cut: int) -> None:
    """One random edit of `data` at `at` for the hypothesis fuzz tests: a byte replaced, bytes
    or a CSV token inserted, a run deleted, or the rest cut off."""
    from hypothesis import strategies as st

    edit = draw(st.sampled_from(["replace", "insert", "token", "delete", "cut"]))
    if edit == "replace" and data:
        data[at] = draw(st.integers(0, 255))
    elif edit == "insert":
        data[at:at] = draw(st.binary(min_size=1, max_size=8))
    elif edit == "token":
        data[at:at] = draw(st.sampled_from(tokens))
    elif edit == "delete":
        del data[at : at + draw(st.integers(1, longest_cut))]
    else:
        del data[at:]


def kill_a_commit_half_way(dataset: Path, tmp_path: Path, monkeypatch):
    """Stage January 2024 again and commit it, the process "dying" right after the old file was
    moved aside (the second rename); return what was staged, to commit again."""
    import os

    import pytest

    from geo.app.imports import commit
    from geo.store.folder import writes
    from geo.store.imports.check import check
    from geo.store.imports.staged import InputFile

    new = write_street_csv(tmp_path / "in" / "2024-01-test-street.csv", month_rows("2024-01", 9))
    staged = check(dataset, crimes=[InputFile.of(new)])
    real_rename, calls = os.rename, []

    def dying_rename(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise SystemExit("killed")
        real_rename(src, dst)

    monkeypatch.setattr(writes.os, "rename", dying_rename)
    with pytest.raises(SystemExit):
        commit(staged, dataset)
    monkeypatch.setattr(writes.os, "rename", real_rename)
    return staged


def with_outcome_columns(sample: Path, folder: Path, columns: tuple[str, ...]) -> Path:
    """A copy of the sample dataset whose patrol log has the given outcome columns (random whole
    numbers, about a third of drugs_seized cells left blank) and a note on every row."""
    import shutil

    import numpy as np

    shutil.copytree(sample, folder)
    log = pd.read_csv(folder / "patrols.csv", dtype=str)
    draws = np.random.default_rng(11)
    for column in columns:
        values = draws.integers(0, 3, len(log)).astype(str)
        blank = draws.random(len(log)) < (0.3 if column == "drugs_seized" else 0.0)
        log[column] = np.where(blank, "", values)
    log["notes"] = "NOTE-NEVER-ON-THE-WALL"
    log.to_csv(folder / "patrols.csv", index=False)
    return folder


@contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` serving on 127.0.0.1 at a free port from a thread; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


SIGNIN_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "c" * MIN_COOKIE_SECRET,
    "client_id": "hotspot-app",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}
"""An `[auth]` section for AppTest runs: sign-in configured, its provider never reached."""


def signin_secrets(port: int, provider: str, access_toml: str) -> str:
    """A secrets.toml signing in through the OpenID `provider` for an app on `port`."""
    return f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{"s" * MIN_COOKIE_SECRET}"
client_id = "hotspot-app"
client_secret = "test-client-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
{access_toml}"""


@contextmanager
def oidc_provider(users: dict[str, dict]) -> Iterator[str]:
    """A real OpenID provider (oidc-provider-mock) on a free local port, knowing `users` (subject
    → claims); its URL while the block runs."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=0) as server:
        url = f"http://localhost:{server.server_port}"
        for sub, claims in users.items():
            request = urllib.request.Request(
                f"{url}/users/{quote(sub)}",
                data=json.dumps(claims).encode(),
                method="PUT",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 204
        yield url


def real_wards_dataset(shared_data: Path, folder: Path, towns: tuple[str, ...]) -> Path:
    """A dataset `folder` whose hotspots are the real Derbyshire wards whose names hold one of
    `towns` (each ward in the first it holds), over the real police.uk files (read in place
    through a link, never copied)."""
    wards = gpd.read_file(shared_data / "boundaries" / "derbyshire-wards-2013.geojson")
    wards = wards[wards["WD13NM"].str.contains("|".join(towns))]
    folder.mkdir(parents=True)
    gpd.GeoDataFrame(
        {
            "hotspot_id": wards["WD13CD"],
            "name": wards["WD13NM"],
            "town": [next(t for t in towns if t in name) for name in wards["WD13NM"]],
        },
        geometry=wards.geometry,
        crs=wards.crs,
    ).to_file(folder / "hotspots.gpkg")
    (folder / "crimes").symlink_to(shared_data / "police-uk" / "derbyshire")
    return folder
