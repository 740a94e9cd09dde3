"""`python -m tools.pg_bench --data FOLDER --url URL`: the PostgreSQL store beside the folder store.

On one dataset folder and an empty, upgraded database it measures, and prints as a bench table:
- copying the folder into the database (every month through the import's checks, one transaction)
  and importing one month again (replaced, its counts recounted);
- an app instance's dataset load (a fresh process, start-up included) from the folder, with and
  without its crime cache, and from the database;
- the two ways of placing crimes in hotspots: PostGIS `ST_Covers` on the indexed 27700 geometries
  for every row, beside every located row streamed out to the app's own test
  (geo.counting.aggregate); and the way the store works (PostGIS keeps the points within reach,
  the app tests those), with how many hotspot × month counts each differs from the folder's.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv

from geo.app.configured import visit_rules
from geo.app.imports import import_files
from geo.app.load import load_dataset
from geo.counting.aggregate import count_crimes
from geo.schema import ASB
from geo.store.copy import folder_to_database
from geo.store.layout import CRIME_FOLDER
from geo.store.postgres.counts import refresh_counts
from tools.bench import FULL, QUICK, BenchSize, Row, format_table, generate

ROOT = Path(__file__).resolve().parent.parent
LOAD_CODE = (
    "import sys, time; t = time.perf_counter(); import geo.app.load as d; "
    "d.load_dataset(sys.argv[1]); print(time.perf_counter() - t)"
)

PAGE_CODE = (
    "import os, sys; os.environ.update(HOTSPOT_DATA=sys.argv[1], HOTSPOT_TILES='none'); "
    "from streamlit.testing.v1 import AppTest; "
    "at = AppTest.from_file('app.py', default_timeout=900).run(); "
    "sys.exit(1 if at.exception or not at.metric else 0)"
)
"""An app instance's start and first page (the map page, drawn once) in a fresh process."""

UNPLACED_CODE = (
    "import sys, time; t = time.perf_counter(); import geo.app.load as d; "
    "import geo.store.postgres.load as p; p.placed_ring_of = lambda connection: None; "
    "d.load_dataset(sys.argv[1]); print(time.perf_counter() - t)"
)
"""A load that tests the points itself, as before the store kept their places (read-only)."""


def _load_seconds(location: str, rounds: int, before=None, code: str = LOAD_CODE) -> float:
    """Median seconds for a fresh process to import the library and load the dataset (or, with
    PAGE_CODE, to start the app and draw its first page)."""
    times = []
    for _ in range(rounds):
        if before is not None:
            before()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code, location], check=True, cwd=ROOT, capture_output=True
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _in_database(url: str) -> tuple[float, pd.DataFrame]:
    """Crimes per hotspot and month counted by PostGIS (ST_Covers, GiST index), every row."""
    query = (
        "SELECT h.hotspot_id, ((extract(year FROM c.month)::int - 1970) * 12"
        " + extract(month FROM c.month)::int - 1) AS month, count(*) AS crime"
        " FROM hotspots h JOIN crimes c ON ST_Covers(h.geom, c.geom) GROUP BY 1, 2"
    )
    with psycopg.connect(url) as connection:
        connection.execute("SET jit = off")
        seconds, rows = _timed(lambda: connection.execute(query).fetchall())
    return seconds, pd.DataFrame(rows, columns=["hotspot_id", "month", "crime"])


def _streamed(url: str, hotspots) -> tuple[float, pd.DataFrame]:
    """Every located row streamed out (COPY) and placed by the app's own code."""
    query = (
        "COPY (SELECT (extract(year FROM month)::int - 1970) * 12 + extract(month FROM month)::int"
        f" - 1, lon, lat, crime_type = '{ASB}' FROM crimes WHERE geom IS NOT NULL)"
        " TO STDOUT (FORMAT csv)"
    )

    def run() -> pd.DataFrame:
        buffer = io.BytesIO()
        with psycopg.connect(url) as connection, connection.cursor().copy(query) as copy:
            for block in copy:
                buffer.write(block)
        table = pacsv.read_csv(
            pa.BufferReader(buffer.getvalue()),
            read_options=pacsv.ReadOptions(column_names=["month", "lon", "lat", "asb"]),
            convert_options=pacsv.ConvertOptions(
                column_types={"month": pa.int32(), "asb": pa.bool_()},
                true_values=["t"],
                false_values=["f"],
            ),
        )
        return count_crimes(table.to_pandas(), hotspots).hotspot

    return _timed(run)


def _kept_way(url: str) -> float:
    """Recounting every month the way imports do (points within reach kept in the database)."""
    with psycopg.connect(url) as connection, connection.transaction():
        seconds, _ = _timed(lambda: refresh_counts(connection.cursor(), None))
    return seconds


def _cells_differing(ours: pd.DataFrame, reference: pd.DataFrame) -> int:
    """Hotspot × month cells whose crime count differs from the folder store's."""
    keys = ["hotspot_id", "month"]
    joined = ours[[*keys, "crime"]].merge(
        reference[[*keys, "crime"]], on=keys, how="outer", suffixes=("", "_ref")
    )
    return int((joined["crime"].fillna(0) != joined["crime_ref"].fillna(0)).sum())


def measure(folder: Path, url: str, rounds: int = 3) -> list[Row]:
    """Every measurement, as bench rows."""
    reference = load_dataset(folder)
    rows_held = int(reference.counts.force["crime"].sum())
    label = f"{rows_held:,} rows, {len(reference.hotspots):,} hotspots"
    copy_s, _ = _timed(lambda: folder_to_database(folder, url, visit_rules()))
    month = sorted((folder / CRIME_FOLDER).rglob("*-street.csv"))[-1]
    month_s, _ = _timed(lambda: import_files(url, "crimes", [month]))
    cache = folder / ".cache"
    cold = _load_seconds(str(folder), rounds, lambda: shutil.rmtree(cache, ignore_errors=True))
    warm = _load_seconds(str(folder), rounds)
    from_pg = _load_seconds(url, rounds)
    covers_s, covers = _in_database(url)
    stream_s, streamed = _streamed(url, reference.hotspots)
    kept_s = _kept_way(url)
    expected = reference.counts.hotspot
    return [
        Row(f"db copy folder → database, {label}", f"{copy_s:.2f} s"),
        Row("  one month imported again (replaced)", f"{month_s:.2f} s"),
        Row(
            "app instance load from the database",
            f"{from_pg:.2f} s",
            f"folder {warm:.2f} s (cache), {cold:.2f} s (no cache)",
            f"{from_pg / warm:.2f}×",
        ),
        Row(
            "hotspot counts: PostGIS ST_Covers, every row",
            f"{covers_s:.2f} s",
            f"{_cells_differing(covers, expected)} cells differ from the folder's",
        ),
        Row(
            "hotspot counts: rows streamed out, app's test",
            f"{stream_s:.2f} s",
            f"{_cells_differing(streamed, expected)} cells differ",
        ),
        Row(
            "kept: PostGIS keeps points within reach (all months)",
            f"{kept_s:.2f} s",
            "then the app tests those at load",
        ),
    ]


def measure_scale(work: Path, url: str, size: BenchSize, rounds: int = 3) -> list[Row]:
    """Generated data of `size` imported month by month, then an app instance's load from the
    database beside the folder's."""
    data = generate(work / "scale", size, seed=14)
    months = sorted(data.crimes.rglob("*-street.csv"))
    hotspots_s, _ = _timed(lambda: import_files(url, "hotspots", [data.hotspot_file]))
    per_month = [_timed(lambda m=m: import_files(url, "crimes", [m]))[0] for m in months]
    warm = _load_seconds(str(data.folder), 1) and _load_seconds(str(data.folder), rounds)
    from_pg = _load_seconds(url, rounds)
    tested = _load_seconds(url, rounds, code=UNPLACED_CODE)
    page_folder = _load_seconds(str(data.folder), rounds, code=PAGE_CODE)
    page_pg = _load_seconds(url, rounds, code=PAGE_CODE)
    with psycopg.connect(url) as connection:
        size_db = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        points = connection.execute(
            "SELECT (SELECT count(*) FROM near_point_counts),"
            " (SELECT count(*) FROM asb_point_counts), (SELECT count(*) FROM point_places)"
        ).fetchone()
    return [
        Row(f"import month by month, {size.label()}", f"{sum(per_month):.1f} s",
            f"{len(months)} imports, median {statistics.median(per_month):.2f} s each"),
        Row("  hotspots imported first", f"{hotspots_s:.2f} s"),
        Row("  the database then", f"{size_db / 1024**3:.1f} GB",
            f"{points[0]:,} near point-months, {points[1]:,} ASB point-months, "
            f"{points[2]:,} point places"),
        Row("app instance load at that size", f"{from_pg:.2f} s",
            f"folder with its cache {warm:.2f} s", f"{from_pg / warm:.2f}×"),
        Row("  the same, points tested at load (not placed)", f"{tested:.2f} s",
            f"folder with its cache {warm:.2f} s", f"{tested / warm:.2f}×"),
        Row("app start and first page (map) at that size", f"{page_pg:.2f} s",
            f"folder with its cache {page_folder:.2f} s", f"{page_pg / page_folder:.2f}×"),
    ]  # fmt: skip


def run(url: str, quick: bool = False, out: TextIO = sys.stdout) -> list[Row]:
    """`geo bench --postgres URL`: the bench's timed size imported month by month into `url`
    (an empty, upgraded database), and an app instance's load from it beside the folder's."""
    size = (QUICK if quick else FULL).timed
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="pg-bench-") as work:
        rows = measure_scale(Path(work), url, size, rounds=1 if quick else 3)
    heading = f"PostgreSQL store (load average {load:.1f} at start)"
    out.write(format_table(rows, heading) + "\n")
    return rows


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, help="dataset folder (its copy is measured)")
    parser.add_argument("--url", required=True, help="an empty, upgraded postgresql:// database")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--scale", help="ROWS,MONTHS,HOTSPOTS: generate data and import it month by month instead"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    if args.scale:
        rows_, months, hotspots = (int(v) for v in args.scale.split(","))
        with tempfile.TemporaryDirectory(prefix="pg-bench-") as work:
            rows = measure_scale(
                Path(work), args.url, BenchSize(rows_, months, hotspots), args.rounds
            )
    elif args.data:
        rows = measure(args.data, args.url, args.rounds)
    else:
        parser.error("give --data FOLDER or --scale ROWS,MONTHS,HOTSPOTS")
    heading = f"PostgreSQL store beside the folder store (load average {load:.1f} at start)"
    print(format_table(rows, heading))


if __name__ == "__main__":
    main()
