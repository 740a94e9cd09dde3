"""`python -m geo bench`: how fast and how lean the pipeline is, beside what it is compared with.

Everything is measured in one run, on data the bench generates (seeded): police.uk street files in
monthly folders, and hotspots of 65 coordinates (64-corner blobs and circles cut into two
neighbours that share an edge) in towns over England.

- `geo summary` as whole processes (start-up and imports count), medians of several runs, beside a
  naive analyst's script (pandas `read_csv` of every file, `geopandas.sjoin`, `groupby`; its goal)
  and the parse floor (pyarrow reading only the four needed columns; reported). Each is a
  separate process; its peak memory is its own `ru_maxrss`, read with `os.wait4` by a small
  launcher (MEASURE_CODE).
  Under them, what bounds the time: the command's CPU time (no faster than that spread over
  every core) and the start-up floor (the libraries it cannot do without, imported alone). A
  goal not met says when either alone leaves it no room.
- The same job on held-out data (another seed, the same size): `geo summary` and the naive script
  must give every hotspot the same counts.
- The same size without snap points (every row its own point, so every row's point is tested
  against the polygons): `geo summary` beside the parse floor.
- The dataset's crime files read as the app reads them: from the CSVs (writing the Parquet
  cache), from the cache, and after one month's file changed; then the app's whole dataset load.
- The map payload (geo.view.payload through geo.view.mapping) beside folium's plain `GeoJson`
  of the frame,
  both serialised as folium embeds them; the largest shift of a vertex; shared edges kept.
- A national size: time beside the parse floor (reported), and memory.

`geo summary` is timed exactly as a user runs it, with every data check it makes (exact duplicate
rows, anomalous months, the period's months): it keeps no cache between runs, so every run is a
cold one. Each figure is printed beside its goal, and the goals not met are listed
at the end in words.
- The page's rerun time for a metric change (AppTest), with the crime reads and counts and the
  sums of patrol outcomes those reruns repeated (none), and the time to the first painted polygon
  in Debian's chromium, on the generated sample; each is skipped, saying why, if it cannot run
  here.
- The map repainted after a click (a colouring, a town, Back) in chromium, from the click to the
  first painted frame with the new fills, legend and names, on the sample and on a generated
  dataset of 1,000 hotspots with a patrol log (median and slowest of 8 each).
- The map page on a PostgreSQL store holding the national size with a patrol log (a throw-away
  cluster; `--quick`: a smaller stand-in, said so): its first paint on a visit to the started
  app, and its repaint after a colouring, a town and Back.

Targets set for the full sizes (speed, memory, payload ratio) are judged only there; `--quick`
shows them in brackets.
"""

from __future__ import annotations

import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from pyproj import Transformer

from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.errors import HotspotDataError
from geo.sample.police_uk import (
    CRIME_TYPE_SHARES,
    crime_type_indices,
    with_ids_and_outcomes,
    write_street_file,
)
from tools.bench_pings import DOSAGE_MEMORY, DOSAGE_RATIO, FULL_PINGS, PingSize, write_pings
from tools.bench_pings import FLOOR_SCRIPT as PING_FLOOR_SCRIPT

ROOT = Path(__file__).resolve().parent.parent
TIMED_SEED = 20250101
HELD_OUT_SEED = 20250202
LAST_MONTH = pd.Period("2025-12", freq="M")
VERTICES = 65
"""Coordinates per hotspot outline: 64 corners and the closing one."""

ENGLAND_BOXES = (  # British National Grid (x0, y0, x1, y1): land boxes roughly covering England
    (200_000, 50_000, 330_000, 130_000),
    (330_000, 100_000, 560_000, 480_000),
    (500_000, 180_000, 640_000, 330_000),
    (350_000, 480_000, 470_000, 600_000),
)
STREET_KINDS = ("Street", "Road", "Lane", "Close", "Avenue", "Way", "Drive", "Court")
STREET_NAMES = (
    "Church", "Mill", "Station", "High", "Victoria", "Park", "Queen", "King", "Market", "Chapel",
    "Alfred", "Albert", "Bridge", "Castle", "Derby", "Green", "Hill", "Manor", "New", "North",
    "Orchard", "School", "South", "Spring", "Water", "West", "York", "Nelson", "Milton", "Grange",
)  # fmt: skip
NO_LOCATION_SHARE = 0.003
HOTSPOT_POINT_SHARE = 0.08
"""Share of snap points placed inside hotspots (they also draw three times the crimes each)."""
ROWS_PER_POINT = 14
"""Rows per distinct snap point: police.uk puts many crimes on each anonymous map point."""

NAIVE_RATIO, PAYLOAD_RATIO = 0.40, 0.25
"""Goals: `geo summary` against the naive script (snap-point data, every data check kept); the
map payload against folium's. `geo summary` beside the parse floor, a process that imports next
to nothing, is reported without a goal: the libraries the command must import take most of what
such a goal would allow."""
NATIONAL_MEMORY = 1.3e9
"""Peak memory at the national size: the goal is no higher (1.3 GB)."""
PAINT_FIRST, PAINT_LATER = 2.0, 1.2
"""Goals for the first painted hotspot: first visit on a freshly started app, later visits."""
REPAINT_SAMPLE, REPAINT_LARGE = (0.4, 0.8), (0.8, 1.5)
"""Goals (median, slowest seconds) for the map repainted after a click, on the sample and with
1,000 hotspots."""
PAINT_DATABASE, REPAINT_DATABASE = 3.0, (1.5, 1.5)
"""Goals on a PostgreSQL store at the national size (10M rows × 5,000 hotspots): the first
painted map on a visit to the started app, and the map repainted after a colouring (median,
slowest)."""
REPAINT_CLICKS = 8
"""Clicks timed of each kind (a colouring, a town, Back)."""
MAX_SHIFT_M = 1.0
MEMORY_LIMIT = 10**9


@dataclass(frozen=True)
class BenchSize:
    """One generated dataset's size; `geo summary` is asked for its latest year (or less)."""

    rows: int
    months: int
    hotspots: int

    @property
    def period(self) -> str:
        """The latest months that have the same months a year earlier in the data (at most 12)."""
        length = min(12, self.months - 12)
        return f"{LAST_MONTH - length + 1}:{LAST_MONTH}"

    def label(self) -> str:
        """E.g. '1,000,000 rows × 1,000 hotspots'."""
        return f"{self.rows:,} rows × {self.hotspots:,} hotspots"


@dataclass(frozen=True)
class Plan:
    """What one bench run measures: sizes, repetitions, and whether the app is timed too."""

    timed: BenchSize
    national: BenchSize
    repetitions: int
    national_repetitions: int
    app: bool = True
    judged: bool = False
    """Whether targets set for the full sizes are judged (size-free targets always are)."""
    pings: PingSize = FULL_PINGS
    ping_hotspots: int = 1_000


FULL = Plan(BenchSize(1_000_000, 24, 1_000), BenchSize(10_000_000, 18, 5_000), 7, 2, judged=True)
QUICK = Plan(
    BenchSize(100_000, 24, 200), BenchSize(400_000, 18, 500), 3, 1, pings=PingSize(500_000, 2, 60),
    ping_hotspots=200,
)  # fmt: skip


@dataclass(frozen=True)
class BenchData:
    """A generated dataset on disk: `hotspots.geojson` and `crimes/` as police.uk lays it out."""

    folder: Path
    size: BenchSize
    hotspots: gpd.GeoDataFrame

    @property
    def hotspot_file(self) -> Path:
        """The hotspot outlines (GeoJSON, WGS84)."""
        return self.folder / "hotspots.geojson"

    @property
    def crimes(self) -> Path:
        """The folder of monthly street files."""
        return self.folder / "crimes"


def generate(folder: Path, size: BenchSize, seed: int, own_points: bool = False) -> BenchData:
    """Write a seeded dataset of `size` into `folder` (hotspots.geojson and crimes/); with
    `own_points`, every row has a point of its own instead of sharing snap points."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    towns = _town_centres(rng, max(3, size.hotspots // 20))
    bng = _hotspot_shapes(rng, towns, size.hotspots)
    hotspots = _hotspot_frame(bng, towns)
    hotspots.to_file(folder / "hotspots.geojson", driver="GeoJSON", engine="pyogrio")
    count = size.rows + size.rows // 50 if own_points else size.rows // ROWS_PER_POINT
    points = _snap_points(rng, towns, bng, max(1_000, count))
    _write_crime_files(rng, folder / "crimes", points, size, own_points)
    return BenchData(folder, size, hotspots)


APP_SIZE = BenchSize(rows=240_000, months=24, hotspots=1_000)
"""A dataset for timing the map page with 1,000 hotspots (crimes kept few: the map is timed)."""


def generate_app_dataset(folder: Path, size: BenchSize = APP_SIZE, seed: int = TIMED_SEED) -> Path:
    """A dataset folder the app opens: generated hotspots and crimes (`generate`) and a patrol
    log (a few visits a month to each hotspot over the latest year), so every colouring shows."""
    add_patrol_log(generate(folder, size, seed), seed)
    return folder


def add_patrol_log(data: BenchData, seed: int) -> None:
    """A patrol log for a generated dataset: a few visits a month to each hotspot over the latest
    year, written as its patrols.csv."""
    folder = data.folder
    rng = np.random.default_rng(seed + 7)
    first = LAST_MONTH - 11
    rows = []
    for hotspot_id in data.hotspots["hotspot_id"]:
        visits = int(rng.integers(12, 60))
        days = rng.integers(0, 365, size=visits)
        for day, minutes in zip(np.sort(days), rng.integers(10, 60, size=visits)):
            start = first.start_time + pd.Timedelta(days=int(day), hours=18)
            end = start + pd.Timedelta(minutes=int(minutes))
            rows.append(f"{hotspot_id},{start:%Y-%m-%dT%H:%M},{end:%Y-%m-%dT%H:%M},2,0,3")
    header = "hotspot_id,start,end,officers,arrests,engagements"
    (folder / "patrols.csv").write_text("\n".join([header, *rows]) + "\n")


def _town_centres(rng: np.random.Generator, n: int) -> np.ndarray:
    """Town centres (BNG metres) spread over boxes of England, weighted by box area."""
    boxes = np.array(ENGLAND_BOXES, dtype=float)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    which = rng.choice(len(boxes), size=n, p=areas / areas.sum())
    x = rng.uniform(boxes[which, 0], boxes[which, 2])
    y = rng.uniform(boxes[which, 1], boxes[which, 3])
    return np.column_stack([x, y])


def _hotspot_shapes(rng: np.random.Generator, towns: np.ndarray, n: int) -> list[shapely.Polygon]:
    """`n` polygons of 65 coordinates: smooth blobs, and circles split into two neighbours that
    share a wavy edge, on a 700 m grid round town centres so that no two overlap."""
    shapes: list[shapely.Polygon] = []
    per_town = np.bincount(rng.integers(0, len(towns), size=n), minlength=len(towns))
    for (cx, cy), count in zip(towns, per_town):
        cells = _grid_cells(rng, count)
        made = 0
        for gx, gy in cells:
            if made >= count:
                break
            centre = (cx + gx * 700.0, cy + gy * 700.0)
            radius = rng.uniform(150, 300)
            if count - made >= 2 and rng.random() < 0.3:
                shapes.extend(_split_circle(rng, centre, radius))
                made += 2
            else:
                shapes.append(_blob(rng, centre, radius))
                made += 1
    return shapes[:n]


def _grid_cells(rng: np.random.Generator, count: int) -> np.ndarray:
    """Distinct grid cells near a town centre, nearest first with some shuffling."""
    half = int(np.ceil(np.sqrt(count))) + 1
    gx, gy = np.meshgrid(np.arange(-half, half + 1), np.arange(-half, half + 1))
    cells = np.column_stack([gx.ravel(), gy.ravel()])
    order = np.argsort(np.hypot(cells[:, 0], cells[:, 1]) + rng.uniform(0, 1.5, len(cells)))
    return cells[order]


def _blob(rng: np.random.Generator, centre: tuple[float, float], radius: float) -> shapely.Polygon:
    """A smooth 64-corner blob: a circle with gentle low-order wobbles."""
    theta = np.linspace(0, 2 * np.pi, VERTICES - 1, endpoint=False)
    phase = rng.uniform(0, 2 * np.pi, 2)
    r = radius * (1 + 0.08 * np.cos(2 * theta + phase[0]) + 0.05 * np.cos(3 * theta + phase[1]))
    return shapely.Polygon(
        np.column_stack([centre[0] + r * np.cos(theta), centre[1] + r * np.sin(theta)])
    )


def _split_circle(
    rng: np.random.Generator, centre: tuple[float, float], radius: float
) -> list[shapely.Polygon]:
    """Two neighbours of 64 corners each: a circle cut by a wavy line they both follow."""
    cx, cy = centre
    t = np.linspace(-1, 1, 17)
    wave = 0.12 * radius * np.sin(np.pi * t * rng.uniform(1, 2.5) + rng.uniform(0, np.pi))
    wave[[0, -1]] = 0
    cut = np.column_stack([cx + wave, cy + radius * t])
    arc = np.linspace(np.pi / 2, 3 * np.pi / 2, 49)[1:-1]
    left = np.column_stack([cx + radius * np.cos(arc), cy + radius * np.sin(arc)])
    right = np.column_stack([cx - radius * np.cos(arc), cy + radius * np.sin(arc)])
    west = np.vstack([cut, left])
    east = np.vstack([cut[::-1], right[::-1]])
    return [shapely.Polygon(west), shapely.Polygon(east)]


def _hotspot_frame(shapes: list[shapely.Polygon], towns: np.ndarray) -> gpd.GeoDataFrame:
    """Hotspot ids, names and towns, in WGS84."""
    n = len(shapes)
    centres = np.array([[s.centroid.x, s.centroid.y] for s in shapes])
    town = np.argmin(
        np.hypot(centres[:, None, 0] - towns[None, :, 0], centres[:, None, 1] - towns[None, :, 1]),
        axis=1,
    )
    frame = gpd.GeoDataFrame(
        {
            "hotspot_id": [f"H{i:05d}" for i in range(n)],
            "name": [f"Hotspot {i}" for i in range(n)],
            "town": [f"Town {t:03d}" for t in town],
            "started": pd.Timestamp("2025-01-01"),
        },
        geometry=shapes,
        crs=BRITISH_NATIONAL_GRID,
    )
    return frame.to_crs(WGS84)


def _snap_points(
    rng: np.random.Generator, towns: np.ndarray, shapes: list[shapely.Polygon], n: int
) -> pd.DataFrame:
    """police.uk-style anonymous map points (lon/lat to 6 decimals) with a weight each: a share
    inside hotspots, the rest spread round town centres."""
    inside_n = int(n * HOTSPOT_POINT_SHARE)
    which = rng.integers(0, len(shapes), size=inside_n)
    bounds = shapely.bounds(np.asarray(shapes, dtype=object))[which]
    centre = (bounds[:, :2] + bounds[:, 2:]) / 2
    reach = (bounds[:, 2] - bounds[:, 0]) / 2 * np.sqrt(rng.uniform(0, 1, inside_n))
    angle = rng.uniform(0, 2 * np.pi, inside_n)
    inside = centre + np.column_stack([reach * np.cos(angle), reach * np.sin(angle)])
    town = towns[rng.integers(0, len(towns), size=n - inside_n)]
    outside = town + rng.normal(0, 2_500, size=(n - inside_n, 2))
    xy = np.vstack([inside, outside])
    lon, lat = Transformer.from_crs(BRITISH_NATIONAL_GRID, WGS84, always_xy=True).transform(
        xy[:, 0], xy[:, 1]
    )
    weight = rng.lognormal(0, 1.2, size=n)
    weight[:inside_n] *= 3
    points = pd.DataFrame(
        {
            "lon": np.round(lon, 6),
            "lat": np.round(lat, 6),
            "weight": weight,
            "street": rng.integers(0, len(STREET_NAMES) * len(STREET_KINDS), size=n),
            "lsoa": rng.integers(0, 30_000, size=n),
            "force": rng.integers(0, 43, size=n),
        }
    ).drop_duplicates(["lon", "lat"], ignore_index=True)
    points["weight"] /= points["weight"].sum()
    return points


def _write_crime_files(
    rng: np.random.Generator,
    folder: Path,
    points: pd.DataFrame,
    size: BenchSize,
    own_points: bool = False,
) -> None:
    """One police.uk street file per month, in monthly sub-folders as the archive has them;
    rows share snap points by their weights, or (`own_points`) each takes a point no other has."""
    months = pd.period_range(end=LAST_MONTH, periods=size.months, freq="M")
    per_month = np.diff(np.linspace(0, size.rows, size.months + 1).round().astype(np.int64))
    weights = points["weight"].to_numpy()
    order = rng.permutation(len(points)) if own_points else None
    for month, rows, start in zip(months, per_month, np.cumsum(per_month) - per_month):
        pick = (
            rng.choice(len(points), size=rows, p=weights)
            if order is None
            else order[start : start + rows]
        )
        table = _month_table(rng, str(month), pick, points)
        write_street_file(folder / str(month) / f"{month}-bench-street.csv", table)


def _month_table(
    rng: np.random.Generator, month: str, pick: np.ndarray, points: pd.DataFrame
) -> pa.Table:
    """One month of rows (at the points `pick`) with every police.uk column, as police.uk
    writes them."""
    n = len(pick)
    kind = crime_type_indices(rng, n)
    unplaced = rng.random(n) < NO_LOCATION_SHARE
    no_location = pa.array(unplaced)
    force = _labels("Force {} Police", 43).take(points["force"].to_numpy()[pick])
    lsoa = points["lsoa"].to_numpy()[pick]
    columns = {
        "Crime ID": pa.nulls(n, pa.string()),
        "Month": pa.array(np.full(n, month, dtype=object), type=pa.string()),
        "Reported by": force,
        "Falls within": force,
        "Longitude": pa.array(points["lon"].to_numpy()[pick], mask=unplaced),
        "Latitude": pa.array(points["lat"].to_numpy()[pick], mask=unplaced),
        "Location": pc.if_else(
            no_location, "No location", _streets().take(points["street"].to_numpy()[pick])
        ),
        "LSOA code": pc.if_else(no_location, "", _labels("E01{:06d}", 30_000).take(lsoa)),
        "LSOA name": pc.if_else(no_location, "", _labels("Area {:05d}A", 30_000).take(lsoa)),
        "Crime type": pa.array(list(CRIME_TYPE_SHARES)).take(kind),
        "Last outcome category": pa.nulls(n, pa.string()),
        "Context": pa.array(np.full(n, "", dtype=object), type=pa.string()),
    }
    return with_ids_and_outcomes(rng, pa.table(columns))


def _labels(pattern: str, n: int) -> pa.Array:
    """`n` labels from a format pattern, to be taken by index."""
    return pa.array([pattern.format(i) for i in range(n)])


def _streets() -> pa.Array:
    """police.uk location labels, 'On or near …'."""
    return pa.array([f"On or near {s} {k}" for s in STREET_NAMES for k in STREET_KINDS])


# --- the scripts compared with ------------------------------------------------------------------

NAIVE_SCRIPT = '''"""A naive analyst's script: every file with pandas, a spatial join, a groupby."""
import glob
import sys

import geopandas as gpd
import pandas as pd

hotspot_file, crime_folder, period = sys.argv[1:4]
start, end = period.split(":")
before_start = str(pd.Period(start, freq="M") - 12)
before_end = str(pd.Period(end, freq="M") - 12)

hotspots = gpd.read_file(hotspot_file)
files = sorted(glob.glob(f"{crime_folder}/**/*-street.csv", recursive=True))
crimes = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
crimes = crimes.dropna(subset=["Longitude", "Latitude"])
points = gpd.GeoDataFrame(
    crimes, geometry=gpd.points_from_xy(crimes["Longitude"], crimes["Latitude"]), crs="EPSG:4326"
)
joined = gpd.sjoin(points, hotspots[["hotspot_id", "geometry"]], predicate="intersects")
joined["asb"] = joined["Crime type"] == "Anti-social behaviour"
after = joined[(joined["Month"] >= start) & (joined["Month"] <= end)]
before = joined[(joined["Month"] >= before_start) & (joined["Month"] <= before_end)]
table = pd.DataFrame({
    "asb_before": before.groupby("hotspot_id")["asb"].sum(),
    "asb_after": after.groupby("hotspot_id")["asb"].sum(),
    "crime_before": before.groupby("hotspot_id").size(),
    "crime_after": after.groupby("hotspot_id").size(),
})
table = table.reindex(hotspots["hotspot_id"]).fillna(0).astype(int)
table["asb_change_pct"] = 100 * (table["asb_after"] - table["asb_before"]) / table["asb_before"]
table.to_csv(sys.stdout)
'''

FLOOR_SCRIPT = '''"""The parse floor: pyarrow reads only the four needed columns of every file."""
import glob
import sys

import pyarrow.csv as pacsv

files = sorted(glob.glob(f"{sys.argv[1]}/**/*-street.csv", recursive=True))
options = pacsv.ConvertOptions(include_columns=["Month", "Longitude", "Latitude", "Crime type"])
print(sum(pacsv.read_csv(f, convert_options=options).num_rows for f in files))
'''

STARTUP_LIBRARIES = ("geopandas", "pandas", "pyarrow.csv", "pyogrio", "pyproj")
"""Libraries `geo summary` cannot do without (it imports more: these bound it from below)."""
STARTUP_SCRIPT = (
    '"""The start-up floor: the libraries geo summary needs, imported; nothing read."""\n'
    "import os\n"
    'os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as geo.process sets it for commands\n'
    + "".join(f"import {name}\n" for name in STARTUP_LIBRARIES)
)

LOAD_CODE = "import sys, geo.app.load; geo.app.load.load_dataset(sys.argv[1])"
"""The app's dataset load of one folder, run with `python -c` from the project folder."""
CRIMES_CODE = (
    "import sys, pathlib, geo.io.crime_cache; folder = pathlib.Path(sys.argv[1]); "
    "geo.io.crime_cache.read_crimes_cached(folder, [folder / 'crimes'])"
)
"""The dataset's crime files read through the Parquet cache, as the app's load reads them."""


@dataclass(frozen=True)
class Scripts:
    """The comparison scripts, written out to be run as their own processes."""

    naive: Path
    floor: Path
    startup: Path


def write_scripts(folder: Path) -> Scripts:
    """Write the naive, parse-floor and start-up scripts into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = Scripts(folder / "naive.py", folder / "floor.py", folder / "startup.py")
    paths.naive.write_text(NAIVE_SCRIPT)
    paths.floor.write_text(FLOOR_SCRIPT)
    paths.startup.write_text(STARTUP_SCRIPT)
    return paths


# --- measuring whole processes ------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One whole process: wall time, peak resident memory, what it printed, CPU time (user and
    system, all threads)."""

    seconds: float
    peak_bytes: int
    output: str
    cpu_seconds: float = 0.0


MEASURE_CODE = """
import json, os, sys, time
report, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(report, "w") as out:
    json.dump([seconds, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status),
               usage.ru_utime + usage.ru_stime], out)
"""
"""A small launcher: forks the measured command from a fresh, small process, so that the command's
`ru_maxrss` does not start from the bench's own memory (a child inherits its parent's high-water
mark at fork), and times it from fork to exit, without the launcher's own start-up; its CPU time
is the child's own."""


def measure(command: list[str], cwd: Path = ROOT) -> Run:
    """Run `command` (an absolute executable first) to the end: wall time and peak memory."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        out, err = Path(scratch) / "out", Path(scratch) / "err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            launcher = [sys.executable, "-c", MEASURE_CODE, str(report), *command]
            subprocess.run(launcher, cwd=cwd, stdout=stdout, stderr=stderr, check=False)
        seconds, peak, status, cpu = (
            json.loads(report.read_text()) if report.is_file() else (0, 0, -1, 0)
        )
        if status != 0:
            lines = err.read_text(errors="replace").strip().splitlines() or ["no message"]
            what = " ".join(Path(part).name for part in command[1:3])
            raise HotspotDataError(f"'{what}' failed in the bench: {lines[-1]}")
        return Run(seconds, peak, out.read_text(), cpu)


def summary_command(data: BenchData) -> list[str]:
    """`python -m geo summary` on a generated dataset, for its latest year."""
    return [
        sys.executable, "-m", "geo", "summary", "--hotspots", str(data.hotspot_file),
        "--crimes", str(data.crimes), "--period", data.size.period,
    ]  # fmt: skip


def naive_command(data: BenchData, scripts: Scripts) -> list[str]:
    """The naive analyst's script on the same inputs."""
    return [sys.executable, str(scripts.naive), str(data.hotspot_file), str(data.crimes),
            data.size.period]  # fmt: skip


def floor_command(data: BenchData, scripts: Scripts) -> list[str]:
    """The parse floor on the same crime files."""
    return [sys.executable, str(scripts.floor), str(data.crimes)]


def startup_command(scripts: Scripts) -> list[str]:
    """The start-up floor: the command's libraries imported, nothing read."""
    return [sys.executable, str(scripts.startup)]


@dataclass(frozen=True)
class Timings:
    """Runs of `geo summary` and of what it is compared with (naive may be left out), and of
    the start-up floor."""

    summary: list[Run]
    floor: list[Run]
    naive: list[Run]
    startup: list[Run] = field(default_factory=list)


def median_seconds(runs: list[Run]) -> float:
    """The median wall time of some runs."""
    return statistics.median(run.seconds for run in runs)


def peak_bytes(runs: list[Run]) -> int:
    """The largest peak memory of some runs."""
    return max(run.peak_bytes for run in runs)


def time_summary(
    data: BenchData, scripts: Scripts, repetitions: int, naive: bool = True
) -> Timings:
    """Each command once unmeasured (caches warm), then `repetitions` rounds, interleaved."""
    commands = {
        "summary": summary_command(data),
        "floor": floor_command(data, scripts),
        "naive": naive_command(data, scripts) if naive else None,
        "startup": startup_command(scripts),
    }
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for round_ in range(repetitions + 1):
        for name, command in commands.items():
            if command is not None:
                result = measure(command)
                if round_ > 0:
                    runs[name].append(result)
    return Timings(runs["summary"], runs["floor"], runs["naive"], runs["startup"])


# --- agreement with the naive script ------------------------------------------------------------

COUNT_COLUMNS = ["asb_before", "asb_after", "crime_before", "crime_after"]


@dataclass(frozen=True)
class Agreement:
    """How many hotspots' counts agree between `geo summary` and the naive script."""

    hotspots: int
    agreeing: int
    first_difference: str


def agreement(summary_csv: str, naive_csv: str) -> Agreement:
    """Compare ASB and all-crime counts, before and after, hotspot by hotspot."""
    ours = pd.read_csv(io.StringIO(summary_csv), dtype={"hotspot_id": str})
    theirs = pd.read_csv(io.StringIO(naive_csv), dtype={"hotspot_id": str})
    both = ours.merge(theirs, on="hotspot_id", how="outer", suffixes=("", "_naive"))
    same = np.ones(len(both), dtype=bool)
    for column in COUNT_COLUMNS:
        same &= (both[column] == both[f"{column}_naive"]).to_numpy()
    first = ""
    if not same.all():
        row = both[~same].iloc[0]
        first = f"{row['hotspot_id']}: " + ", ".join(
            f"{c} {row[c]} vs {row[f'{c}_naive']}" for c in COUNT_COLUMNS
        )
    return Agreement(len(both), int(same.sum()), first)


# --- the map payload ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    """Bytes of the hotspots' GeoJSON as the map embeds it, beside folium's plain GeoJson."""

    ours: int
    folium: int
    ours_geometry: int
    folium_geometry: int
    vertices: float
    shift_m: float
    shared_edges: int
    kept_edges: int
    seconds: float


def summary_table(summary_csv: str) -> pd.DataFrame:
    """`geo summary` output read back as the figures table the map is given."""
    text = {"hotspot_id": str, "name": str, "town": str}
    return pd.read_csv(io.StringIO(summary_csv), dtype=text, keep_default_na=False,
                       na_values={key: [""] for key in _MAYBE_EMPTY})  # fmt: skip


_MAYBE_EMPTY = ["asb_change_pct", "crime_change_pct", "officer_hours", "visits", "arrests",
                "engagements"]  # fmt: skip
"""Columns `geo summary` leaves empty: a change without a baseline, patrols without a log."""


def payload(hotspots: gpd.GeoDataFrame, table: pd.DataFrame) -> Payload:
    """What our map sends for the hotspots (geo.view.mapping.hotspot_data: compact outlines, dots,
    tooltip figures) against `folium.GeoJson` of the same frame."""
    import folium

    from geo.view.mapping import compact_json, hotspot_data
    from geo.view.outline_codec import decode_outline
    from geo.view.payload import max_shift
    from geo.view.scales import asb_change_scale

    shown = hotspots.merge(table, on=["hotspot_id", "name", "town"], how="inner")
    start = time.perf_counter()
    ours = hotspot_data(shown, asb_change_scale())
    seconds = time.perf_counter() - start
    plain = shown.assign(started=shown["started"].astype(str))  # folium cannot write timestamps
    theirs = folium.GeoJson(plain).data
    outlines = np.array([decode_outline(f["g"], ours["decimals"]) for f in ours["features"]])
    before = _metres(shown.geometry.values)
    after = _metres(outlines)
    shared, kept = _shared_edges(before, after)
    our_outlines = len(compact_json([feature["g"] for feature in ours["features"]]).encode())
    return Payload(
        len(compact_json(ours).encode()), _embedded_bytes(theirs), our_outlines,
        _geometry_bytes(theirs),
        float(shapely.get_num_coordinates(outlines).mean()), max_shift(before, after), shared,
        kept, seconds,
    )  # fmt: skip


def _geometry_bytes(collection: dict) -> int:
    """Bytes of the geometries alone, as folium writes them."""
    return _embedded_bytes([feature["geometry"] for feature in collection["features"]])


def _embedded_bytes(data: dict) -> int:
    """Bytes of `data` as folium writes it into the page (its template's `tojson`)."""
    from folium.template import Template

    return len(Template("{{ data|tojson }}").render(data=data).encode())


def _metres(values: np.ndarray) -> np.ndarray:
    series = gpd.GeoSeries(values, crs=WGS84).to_crs(BRITISH_NATIONAL_GRID)
    return series.values.to_numpy()


def _shared_edges(before: np.ndarray, after: np.ndarray) -> tuple[int, int]:
    """Neighbours sharing an edge before, and how many still share it whole, without overlap."""
    left, right = shapely.STRtree(before).query(before, predicate="touches")
    pairs = [(a, b) for a, b in zip(left, right) if a < b]
    shared = kept = 0
    for a, b in pairs:
        length = shapely.intersection(shapely.boundary(before[a]), shapely.boundary(before[b]))
        if shapely.length(length) <= 1.0:
            continue
        shared += 1
        now = shapely.intersection(shapely.boundary(after[a]), shapely.boundary(after[b]))
        overlap = shapely.area(shapely.intersection(after[a], after[b]))
        if shapely.length(now) >= 0.99 * shapely.length(length) and overlap < 0.01:
            kept += 1
    return shared, kept


# --- the app: rerun time and first paint --------------------------------------------------------


def _probe(what: str, sample: Path | str, times: int, timeout: float) -> dict | str:
    """The JSON answer of `python -m tools.app_probes WHAT SAMPLE TIMES`, or why it was skipped."""
    command = [sys.executable, "-m", "tools.app_probes", what, str(sample), str(times)]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"skipped: the probe took longer than {timeout:.0f} s"
    if done.returncode != 0:
        return f"skipped: the probe failed ({done.stderr.strip().splitlines()[-1:]})"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if "skipped" in result:
        return f"skipped: {result['skipped']}"
    return result


@dataclass(frozen=True)
class Rerun:
    """The page's rerun after a metric change, and the reads, counts and outcome sums it
    repeated."""

    seconds: float
    reads: int
    aggregations: int
    outcome_sums: int


def rerun_seconds(sample: Path, repetitions: int) -> Rerun | str:
    """Median time of the map page's rerun after switching the metric (AppTest), and how often
    crime files were read or counted, or patrol outcomes summed, meanwhile (should be never); or
    why it was skipped.

    AppTest runs in its own process (tools.app_probes), so this library never imports streamlit.
    """
    result = _probe("rerun", sample, repetitions, timeout=900)
    if isinstance(result, str):
        return result
    return Rerun(result["seconds"], result["reads"], result["counts"], result["outcome_sums"])


@dataclass(frozen=True)
class Paint:
    """Seconds to the first painted polygon over fresh app starts (tools.app_probes paint)."""

    first: list[float]
    """The first visit, opened as soon as the freshly started app answers."""
    later: list[float]
    """A later visit from another browser (nothing cached), the app warm."""
    returning: list[float]
    """A return visit from the first browser (its cache holds the app's scripts)."""
    start: list[float]
    """Seconds from starting the app to its first answer."""
    load: list[float]


def first_paint_seconds(sample: Path | str, starts: int, timeout: float = 1800) -> Paint | str:
    """Seconds from opening the map page to its first painted polygon in chromium, over `starts`
    fresh app starts; or why it was skipped. Measured in its own process (tools.app_probes)."""
    result = _probe("paint", sample, starts, timeout)
    if isinstance(result, str):
        return result
    return Paint(*([v["painted"] for v in result[k]] for k in ("first", "later", "return")),
                 result["start"], result["load"])  # fmt: skip


@dataclass(frozen=True)
class Repaint:
    """Seconds from a click to the repainted map (tools.app_probes repaint), one per click."""

    colouring: list[float]
    town: list[float]
    back: list[float]


def repaint_seconds(folder: Path | str, clicks: int, timeout: float = 1800) -> Repaint | str:
    """Seconds from each click to the map repainted, `clicks` of each kind, on the dataset
    `folder` in chromium; or why it was skipped. Measured in its own process."""
    result = _probe("repaint", folder, clicks, timeout)
    if isinstance(result, str):
        return result
    return Repaint(result["colouring"], result["town"], result["back"])


# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the bench table: a figure, what it is compared with, the target, met or not."""

    measure: str
    value: str
    compared: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None
    scaled: bool = False
    """The target is set for the full sizes (speed, memory, payload ratio)."""
    why: str = ""
    """What stands between the figure and its target, as measured (said when it is not met)."""

    def unjudged(self) -> Row:
        """The row at a size its target was not set for: shown in brackets, not judged."""
        if not self.scaled:
            return self
        return replace(self, target=f"({self.target} at full size)", met=None)


def format_table(rows: list[Row], heading: str) -> str:
    """The rows as a plain-text table with a heading line."""
    header = Row("measure", "result", "compared with", "ratio", "target", None)
    cells = [
        [r.measure, r.value, r.compared, r.ratio, r.target, _verdict(r.met)]
        for r in [header, *rows]
    ]
    cells[0][5] = "met"
    widths = [max(len(row[i]) for row in cells) for i in range(6)]
    lines = [heading, ""]
    for index, row in enumerate(cells):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    verdicts = [r.met for r in rows if r.met is not None]
    lines.append("")
    lines.append(f"targets met: {sum(verdicts)} of {len(verdicts)}")
    for row in rows:
        if row.met is False:
            figure = f"{row.value}, {row.ratio}" if row.ratio else row.value
            why = f" ({row.why})" if row.why else ""
            lines.append(
                f"NOT MET: {row.measure.strip()}: {figure} where the goal is {row.target}{why}"
            )
    if any(r.target.endswith("at full size)") for r in rows):
        lines.append("targets in brackets are set for the full sizes: python -m geo bench")
    return "\n".join(lines)


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "NO")


def _times(ratio: float, goal: float) -> str:
    """A ratio to two decimals, or three when two would round a missed goal onto it."""
    shown = f"{ratio:.2f}"
    return f"{ratio:.3f}×" if float(shown) <= goal < ratio else f"{shown}×"


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def summary_rows(size: BenchSize, timings: Timings, own_points: bool = False) -> list[Row]:
    """Time of `geo summary` beside the naive script (its goal) and the parse floor (reported),
    then what bounds it (see cost_rows)."""
    ours = median_seconds(timings.summary)
    floor = median_seconds(timings.floor)
    points = "every row its own point" if own_points else "snap points"
    what = f"geo summary, {size.label()}, {size.months} files, {points}"
    rows = [
        Row(what, _s(ours), f"parse floor {_s(floor)}", f"{ours / floor:.2f}×", "reported"),
    ]  # fmt: skip
    if timings.naive:
        naive = median_seconds(timings.naive)
        rows.insert(0, Row(what, _s(ours), f"naive script {_s(naive)}",
                           _times(ours / naive, NAIVE_RATIO), f"≤ {NAIVE_RATIO:g}×",
                           ours / naive <= NAIVE_RATIO, scaled=True,
                           why=_shortfall(NAIVE_RATIO * naive, timings)))  # fmt: skip
    return rows + cost_rows(timings, startup=bool(timings.naive))


def cost_rows(timings: Timings, startup: bool = True) -> list[Row]:
    """What bounds a time goal, reported under it when measured: the command's CPU time over
    every core, and (with `startup`) the start-up floor, its libraries imported alone."""
    if not timings.startup:
        return []
    cpu, cores = _cpu_seconds(timings), os.cpu_count() or 1
    rows = [
        Row("  CPU time of geo summary (user + system, all threads)", _s(cpu),
            f"over {cores} cores at least {_s(cpu / cores)}", "", "reported"),
    ]  # fmt: skip
    if startup:
        rows.append(Row(f"  start-up floor: {', '.join(STARTUP_LIBRARIES)} imported, nothing read",
                        _s(median_seconds(timings.startup)), "", "", "reported"))  # fmt: skip
    return rows


def _shortfall(budget: float, timings: Timings) -> str:
    """What a goal of `budget` seconds is up against, as far as measured: the start-up floor, and
    the command's CPU time when spread over every core it is more than the goal allows."""
    reasons = []
    if timings.startup:
        reasons.append(f"importing its libraries alone takes {_s(median_seconds(timings.startup))}")
    cpu, cores = _cpu_seconds(timings), os.cpu_count() or 1
    if cpu / cores > budget:
        reasons.append(
            f"its {_s(cpu)} of CPU time need at least {_s(cpu / cores)} on {cores} cores"
        )
    return f"the goal allows {_s(budget)}; " + "; ".join(reasons) if reasons else ""


def _cpu_seconds(timings: Timings) -> float:
    return statistics.median(run.cpu_seconds for run in timings.summary)


def memory_row(size: BenchSize, timings: Timings) -> Row:
    """Peak memory of the summary beside its comparisons."""
    compared = f"floor {_mb(peak_bytes(timings.floor))}"
    if timings.naive:
        compared = f"naive {_mb(peak_bytes(timings.naive))}, {compared}"
    peak = peak_bytes(timings.summary)
    return Row(f"peak memory, geo summary, {size.label()}", _mb(peak), compared, "",
               "< 1 GB", peak < MEMORY_LIMIT, scaled=True)  # fmt: skip


def payload_rows(size: BenchSize, result: Payload) -> list[Row]:
    """Payload bytes, the largest vertex shift and shared edges kept."""
    ratio = result.ours / result.folium
    return [
        Row(f"map payload, {size.hotspots:,} hotspots × {VERTICES} vertices",
            f"{result.ours / 1e6:.2f} MB", f"folium GeoJson {result.folium / 1e6:.2f} MB",
            f"{ratio:.2f}×", f"≤ {PAYLOAD_RATIO:g}×", ratio <= PAYLOAD_RATIO, scaled=True),
        Row("  geometry alone", f"{result.ours_geometry / 1e6:.2f} MB, "
            f"{result.vertices:.1f} vertices each", f"folium {result.folium_geometry / 1e6:.2f} MB",
            f"{result.ours_geometry / result.folium_geometry:.2f}×", "reported"),
        Row("  largest shift of a vertex", f"{result.shift_m:.2f} m", "", "", f"≤ {MAX_SHIFT_M} m",
            result.shift_m <= MAX_SHIFT_M),
        Row("  neighbours keeping their shared edge", f"{result.kept_edges} of "
            f"{result.shared_edges}", "", "", "all", result.kept_edges == result.shared_edges),
        Row("  building the payload (once per outline set)", _s(result.seconds)),
    ]  # fmt: skip


def national_rows(size: BenchSize, timings: Timings) -> list[Row]:
    """Time at the national size beside the parse floor (reported), and memory against its
    goal."""
    ours, floor = median_seconds(timings.summary), median_seconds(timings.floor)
    peak = peak_bytes(timings.summary)
    return [
        Row(f"geo summary, {size.label()}, {size.months} files", _s(ours),
            f"parse floor {_s(floor)}", f"{ours / floor:.2f}×", "reported"),
        *cost_rows(timings, startup=False),
        Row(f"peak memory, {size.label()}", _mb(peak), f"floor {_mb(peak_bytes(timings.floor))}",
            "", f"≤ {NATIONAL_MEMORY / 1e9:g} GB (as before)", peak <= NATIONAL_MEMORY,
            scaled=True),
    ]  # fmt: skip


def agreement_row(size: BenchSize, result: Agreement) -> Row:
    """Counts per hotspot: geo summary against the naive script on held-out data."""
    detail = f"; first difference {result.first_difference}" if result.first_difference else ""
    return Row(f"same counts as the naive script, held-out data ({size.label()})",
               f"{result.agreeing:,} of {result.hotspots:,} hotspots{detail}", "naive script",
               "", "all", result.agreeing == result.hotspots)  # fmt: skip


@dataclass(frozen=True)
class Loads:
    """Whole-process times of reading a dataset's crimes and of the app's full dataset load."""

    crimes_first: Run
    crimes_cached: Run
    crimes_new_month: Run
    dataset_cached: Run


def time_loads(data: BenchData) -> Loads:
    """Crimes read with no cache, with a warm one, after one month's file changed; then the
    app's whole load (hotspots, crimes, counts, displacement rings) with the cache warm."""
    shutil.rmtree(data.folder / ".cache", ignore_errors=True)
    crimes = [sys.executable, "-c", CRIMES_CODE, str(data.folder)]
    first, cached = measure(crimes), measure(crimes)
    latest = sorted(data.crimes.rglob("*-street.csv"))[-1]
    latest.write_bytes(latest.read_bytes())  # a month re-published: new modification time
    new_month = measure(crimes)
    return Loads(first, cached, new_month, measure([sys.executable, "-c", LOAD_CODE,
                                                    str(data.folder)]))  # fmt: skip


def load_rows(size: BenchSize, loads: Loads) -> list[Row]:
    """Reading the crime files through the Parquet cache, and the app's dataset load."""
    first, cached = loads.crimes_first.seconds, loads.crimes_cached.seconds
    return [
        Row(f"dataset crime files read, {size.rows:,} rows, Parquet cache warm", _s(cached),
            f"first read (CSV, cache written) {_s(first)}", f"{cached / first:.2f}×", "reported"),
        Row("  after one month's file changed (only it is parsed)",
            _s(loads.crimes_new_month.seconds), "", "", "reported"),
        Row(f"app dataset load, {size.label()}, cache warm (counts, rings)",
            _s(loads.dataset_cached.seconds), "", "", "reported"),
    ]  # fmt: skip


def app_rows(rerun: Rerun | str, paint: Paint | str) -> list[Row]:
    """Rerun time for a metric change and time to the first painted polygon, or why skipped."""
    rerun_what = "page rerun after a metric change (AppTest, sample)"
    paint_what = "first painted polygon (chromium, sample), median of fresh app starts"
    if isinstance(rerun, str):
        rows = [Row(rerun_what, rerun)]
    else:
        rows = [
            Row(rerun_what, _s(rerun.seconds), target="reported"),
            Row("  crime files re-read or re-counted, outcomes summed again, by those reruns",
                f"{rerun.reads} reads, {rerun.aggregations} counts, {rerun.outcome_sums} sums",
                target="none", met=rerun.reads + rerun.aggregations + rerun.outcome_sums == 0),
        ]  # fmt: skip
    if isinstance(paint, str):
        return [*rows, Row(paint_what, paint)]
    first, later = statistics.median(paint.first), statistics.median(paint.later)
    spread = (
        f"{len(paint.first)} starts, first {_span(paint.first)}, later {_span(paint.later)}; "
        f"return visit {_s(statistics.median(paint.returning))}; the app answers "
        f"{_s(statistics.median(paint.start))} after it is started; load {_span(paint.load, '')}"
    )
    return [*rows, Row(paint_what, f"{_s(first)} first visit, {_s(later)} later", spread,
                       target=f"≤ {PAINT_FIRST:.1f} s first visit, ≤ {PAINT_LATER:.1f} s later",
                       met=first <= PAINT_FIRST and later <= PAINT_LATER)]  # fmt: skip


def repaint_rows(what: str, repaint: Repaint | str, goals: tuple[float, float]) -> list[Row]:
    """The median and slowest repaint of each kind of click against `goals` (median, slowest)."""
    if isinstance(repaint, str):
        return [Row(f"map repainted after a click, {what}", repaint)]
    rows = []
    for kind, label in (("colouring", "a colouring"), ("town", "a town"), ("back", "Back")):
        seconds = getattr(repaint, kind)
        median, slowest = statistics.median(seconds), max(seconds)
        rows.append(Row(
            f"map repainted after {label}, {what}", f"{_s(median)} median, {_s(slowest)} slowest",
            f"{len(seconds)} clicks, {_span(seconds)}", "",
            f"≤ {goals[0]:.1f} s median, ≤ {goals[1]:.1f} s slowest",
            median <= goals[0] and slowest <= goals[1],
        ))  # fmt: skip
    return rows


def _span(values: list[float], unit: str = " s") -> str:
    """The range of `values`, e.g. `1.61–1.93 s`."""
    return f"{min(values):.2f}–{max(values):.2f}{unit}"


# --- one run ------------------------------------------------------------------------------------


def run(
    quick: bool = False,
    work: Path | None = None,
    out: TextIO = sys.stdout,
    plan: Plan | None = None,
) -> list[Row]:
    """Generate, measure and print the table; return its rows."""
    plan = plan or (QUICK if quick else FULL)
    load = os.getloadavg()[0]  # other work on the machine skews every time below
    owned = work is None
    work = Path(tempfile.mkdtemp(prefix="geo-bench-")) if work is None else work
    try:
        rows = _measure_all(plan, work)
    finally:
        if owned:
            shutil.rmtree(work, ignore_errors=True)
    if not plan.judged:
        rows = [row.unjudged() for row in rows]
    out.write(format_table(rows, _heading(plan, load)) + "\n")
    return rows


def _measure_all(plan: Plan, work: Path) -> list[Row]:
    """Every measurement of the plan, in the order of the table."""
    scripts = write_scripts(work / "scripts")
    timed = _generated(work / "timed", plan.timed, TIMED_SEED)
    _say(f"timing geo summary, the naive script and the parse floor ({plan.repetitions} rounds)")
    timings = time_summary(timed, scripts, plan.repetitions)
    rows = [*summary_rows(plan.timed, timings), memory_row(plan.timed, timings)]
    held_out = _generated(work / "held-out", plan.timed, HELD_OUT_SEED)
    _say("checking held-out data against the naive script")
    result = agreement(
        measure(summary_command(held_out)).output,
        measure(naive_command(held_out, scripts)).output,
    )
    rows.append(agreement_row(plan.timed, result))
    own = _generated(work / "own-points", plan.timed, HELD_OUT_SEED + 1, own_points=True)
    _say(f"timing geo summary on data without snap points ({plan.repetitions} rounds)")
    rows.extend(summary_rows(plan.timed, time_summary(own, scripts, plan.repetitions,
                                                      naive=False), own_points=True))  # fmt: skip
    shutil.rmtree(own.folder, ignore_errors=True)
    _say("timing the crime files through the Parquet cache, and the app's dataset load")
    rows.extend(load_rows(plan.timed, time_loads(timed)))
    _say("measuring the map payload")
    rows.extend(payload_rows(plan.timed, payload(timed.hotspots, summary_table(
        timings.summary[0].output))))  # fmt: skip
    for folder in (timed.folder, held_out.folder):
        shutil.rmtree(folder, ignore_errors=True)
    national = _generated(work / "national", plan.national, TIMED_SEED + 1)
    _say(f"timing the national size ({plan.national_repetitions} rounds)")
    rows.extend(national_rows(plan.national, time_summary(
        national, scripts, plan.national_repetitions, naive=False)))  # fmt: skip
    database_map = _database_map_measures(national, plan) if plan.app else []
    shutil.rmtree(national.folder, ignore_errors=True)
    rows.extend(_ping_measures(plan, work / "pings"))
    rows.append(_propose_row(plan, work / "propose"))
    if plan.app:
        rows.extend(_app_measures(work / "sample", plan.repetitions))
    return rows + database_map


PROPOSE_GOAL_S = 10.0
"""Longest `geo propose` may take for a force (24 months, 220,000 rows)."""


def _propose_row(plan: Plan, folder: Path) -> Row:
    """`geo propose` on a generated force of 24 months and 220,000 rows."""
    from tools.bench_proposals import FORCE_MONTHS, FORCE_ROWS, time_proposals

    _say(f"timing geo propose on {FORCE_ROWS:,} rows over {FORCE_MONTHS} months")
    seconds = time_proposals(repetitions=plan.repetitions, work=folder)
    return Row(
        f"geo propose, {FORCE_ROWS:,} rows, {FORCE_MONTHS} months",
        f"{seconds:.2f} s",
        target=f"≤ {PROPOSE_GOAL_S:.0f} s",
        met=seconds <= PROPOSE_GOAL_S,
    )


def _ping_measures(plan: Plan, folder: Path) -> list[Row]:
    """`geo dosage` on generated pings beside a pyarrow parse of the same files."""
    size, count = plan.pings, plan.ping_hotspots
    _say(f"generating {size.label(count)} in {size.months} monthly files")
    rng = np.random.default_rng(TIMED_SEED + 2)
    towns = _town_centres(rng, max(3, count // 20))
    shapes = _hotspot_shapes(rng, towns, count)
    folder.mkdir(parents=True, exist_ok=True)
    hotspot_file = folder / "hotspots.geojson"
    _hotspot_frame(shapes, towns).to_file(hotspot_file, driver="GeoJSON", engine="pyogrio")
    pings = write_pings(folder / "pings", size, shapes, towns, TIMED_SEED + 3)
    floor_script = folder / "ping_floor.py"
    floor_script.write_text(PING_FLOOR_SCRIPT)
    dosage = [sys.executable, "-m", "geo", "dosage", "--hotspots", str(hotspot_file), "--pings",
              str(pings), "--period", size.period]  # fmt: skip
    floor = [sys.executable, str(floor_script), str(pings)]
    _say(f"timing geo dosage and the ping parse ({plan.national_repetitions} rounds)")
    ours: list[Run] = []
    parse: list[Run] = []
    for round_ in range(plan.national_repetitions + 1):
        runs = measure(dosage), measure(floor)
        if round_ > 0:
            ours.append(runs[0])
            parse.append(runs[1])
    shutil.rmtree(folder, ignore_errors=True)
    return ping_rows(size, count, ours, parse)


def ping_rows(size: PingSize, hotspots: int, ours: list[Run], parse: list[Run]) -> list[Row]:
    """GPS dosage time beside the parse of the same files, and its peak memory."""
    mine, floor = median_seconds(ours), median_seconds(parse)
    peak = peak_bytes(ours)
    return [
        Row(f"geo dosage, {size.label(hotspots)}, {size.months} files", _s(mine),
            f"pyarrow parse {_s(floor)}", f"{mine / floor:.2f}×", f"≤ {DOSAGE_RATIO:g}×",
            mine / floor <= DOSAGE_RATIO, scaled=True),
        Row(f"peak memory, geo dosage, {size.label(hotspots)}", _mb(peak),
            f"parse {_mb(peak_bytes(parse))}", "", f"< {DOSAGE_MEMORY / 1e9:g} GB",
            peak < DOSAGE_MEMORY, scaled=True),
    ]  # fmt: skip


def _app_measures(folder: Path, repetitions: int) -> list[Row]:
    """Rerun time and first paint on the generated sample dataset; the map repainted after a
    click on it and on a generated dataset of 1,000 hotspots."""
    from geo.sample import write_sample

    _say("writing the sample; timing the page rerun (AppTest) and the first paint (chromium)")
    write_sample(folder)
    repetitions = max(repetitions, 5)
    rows = app_rows(rerun_seconds(folder, repetitions), first_paint_seconds(folder, repetitions))
    _say(f"timing the map repainted after {REPAINT_CLICKS} clicks of each kind (chromium)")
    rows += repaint_rows("sample", repaint_seconds(folder, REPAINT_CLICKS), REPAINT_SAMPLE)
    large = generate_app_dataset(folder.parent / "app-large")
    label = f"{APP_SIZE.hotspots:,} hotspots"
    rows += repaint_rows(label, repaint_seconds(large, REPAINT_CLICKS), REPAINT_LARGE)
    shutil.rmtree(large, ignore_errors=True)
    return rows


def _database_map_measures(national: BenchData, plan: Plan) -> list[Row]:
    """The map page on a PostgreSQL store holding the national dataset (with a patrol log): its
    first paint and its repaints after clicks, in chromium, the app started as `make run` starts
    it with HOTSPOT_DATA the database's URL; or why it was skipped."""
    from geo.app.configured import visit_rules
    from geo.store.copy import folder_to_database
    from tools.pg_cluster import missing, new_database, throwaway_cluster

    label = database_label(plan)
    why = missing()
    if why:
        return [Row(f"map on a PostgreSQL store, {label}", f"skipped: {why}")]
    add_patrol_log(national, TIMED_SEED + 1)
    clicks = REPAINT_CLICKS if plan.judged else 3
    with throwaway_cluster() as server, new_database(server) as url:
        _say(f"copying {plan.national.label()} into a throw-away PostgreSQL database")
        started = time.perf_counter()
        folder_to_database(national.folder, url, visit_rules())
        copied = time.perf_counter() - started
        _say("timing the map's first paint and its repaints on the PostgreSQL store (chromium)")
        paint = first_paint_seconds(url, plan.national_repetitions + 1, timeout=3 * 3600)
        repaint = repaint_seconds(url, clicks, timeout=3 * 3600)
    return database_map_rows(label, copied, paint, repaint)


def database_label(plan: Plan) -> str:
    """What the PostgreSQL map rows measured: the full size, or the quick stand-in for it."""
    size = plan.national.label()
    if plan.judged:
        return f"PostgreSQL store, {size}"
    return f"PostgreSQL store, {size} (quick stand-in for {FULL.national.label()})"


def database_map_rows(
    label: str, copied: float, paint: Paint | str, repaint: Repaint | str
) -> list[Row]:
    """The map on a PostgreSQL store: first paint (a visit to the started app, judged; the first
    visit while it starts, reported) and a colouring's repaint against their goals; a town and
    Back reported."""
    rows = [
        Row(f"  {label}: copied into the database (geo db copy)", _s(copied), target="reported")
    ]
    what = f"first painted map, {label}, median of visits to the started app"
    if isinstance(paint, str):
        rows.insert(0, Row(what, paint))
    else:
        later = statistics.median(paint.later)
        compared = (
            f"{len(paint.later)} starts, {_span(paint.later)}; first visit while it starts "
            f"{_s(statistics.median(paint.first))}; the app answers "
            f"{_s(statistics.median(paint.start))} after it is started"
        )
        rows.insert(0, Row(what, _s(later), compared, "", f"≤ {PAINT_DATABASE:.1f} s",
                           later <= PAINT_DATABASE, scaled=True))  # fmt: skip
    if isinstance(repaint, str):
        return [*rows, Row(f"map repainted after a click, {label}", repaint)]
    for kind, words, goal in (("colouring", "a colouring", REPAINT_DATABASE), ("town", "a town",
                              None), ("back", "Back", None)):  # fmt: skip
        seconds = getattr(repaint, kind)
        median, slowest = statistics.median(seconds), max(seconds)
        rows.append(Row(
            f"map repainted after {words}, {label}", f"{_s(median)} median, {_s(slowest)} slowest",
            f"{len(seconds)} clicks, {_span(seconds)}", "",
            f"≤ {goal[0]:.1f} s median, ≤ {goal[1]:.1f} s slowest" if goal else "reported",
            median <= goal[0] and slowest <= goal[1] if goal else None, scaled=goal is not None,
        ))  # fmt: skip
    return rows


def _generated(folder: Path, size: BenchSize, seed: int, own_points: bool = False) -> BenchData:
    points = ", every row its own point" if own_points else ""
    _say(f"generating {size.label()} in {size.months} monthly files (seed {seed}{points})")
    return generate(folder, size, seed, own_points)


def _heading(plan: Plan, load: float) -> str:
    """What ran, on what machine."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kib / 2**20:.0f} GiB"
    return (
        f"python -m geo bench{' --quick' if plan is QUICK else ''}: {os.cpu_count()} cores"
        f"{memory}, Python {platform.python_version()}, load average {load:.2f} before; "
        f"whole processes, medians of {plan.repetitions} runs ({plan.national_repetitions} at "
        "the national size)"
    )


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.bench`, what `python -m geo bench` runs in a process of its own (the
    library never imports developer tools): the table, then the PostgreSQL one with --postgres."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a run of a minute")
    parser.add_argument("--work", type=Path, help="folder for the generated data (default: temp)")
    parser.add_argument(
        "--postgres", help="also import into this empty, upgraded postgresql:// database"
    )
    args = parser.parse_args(argv)
    run(quick=args.quick, work=args.work, out=sys.stdout)
    if args.postgres:
        from tools.pg_bench import run as run_postgres

        run_postgres(args.postgres, quick=args.quick, out=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
