"""Item: small zips that expand to gigabytes. Each is checked in a child process that reports its
peak memory (ru_maxrss), the way the data page and `geo import` would check it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from geo.schema import POLICE_UK_HEADER
from tests.conftest import ROOT
from tests.helpers import small_dataset

PEAK_LIMIT_BYTES = 1024**3
ROW = (
    "abc,2024-01,Test Police,Test Police,-1.354,53.013,On or near X,E01,Amber Valley 001A,"
    "Burglary,,\n"
)

CHECK = """
import json, resource, sys
from pathlib import Path
from geo.store.imports.uploads import check_uploads
kind, data, upload = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
given = (upload.name, upload.read_bytes())
staged = check_uploads(data, **{kind: [given] if kind == "crimes" else given})
print(json.dumps({
    "errors": [f.line() for f in staged.errors],
    "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
"""


def _checked(kind: str, data: Path, upload: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHECK, kind, str(data), str(upload)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _streamed_zip(
    path: Path, entries: dict[str, tuple[bytes, int]], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    """A zip whose entries are `block` repeated `times` times, written without holding them."""
    with zipfile.ZipFile(path, "w", method, compresslevel=9) as archive:
        for name, (block, times) in entries.items():
            with archive.open(name, "w", force_zip64=True) as entry:
                for _ in range(times):
                    entry.write(block)
    return path


def _rows_block() -> bytes:
    return (ROW * 8192).encode()


@pytest.mark.parametrize(
    "megabytes,reason", [(1500, "entries larger than 200 MB"), (150, "zip bomb")]
)
def test_megabytes_of_zeros_are_refused_before_expanding(tmp_path, megabytes, reason):
    data = small_dataset(tmp_path / "data")
    entries = {"2024-01-x-street.csv": (bytes(2**20), megabytes)}
    bomb = _streamed_zip(tmp_path / "zeros.zip", entries)
    assert bomb.stat().st_size < 3 * 1024**2
    result = _checked("crimes", data, bomb)
    assert result["errors"] and reason in result["errors"][0]
    assert result["peak"] < PEAK_LIMIT_BYTES, f"peak {result['peak'] / 1024**2:.0f} MB"


def test_valid_rows_packed_tightly_are_refused_under_a_gigabyte(tmp_path):
    """Repeated valid rows: the packing ratio and the entry cap refuse it from the zip's table."""
    data = small_dataset(tmp_path / "data")
    block = _rows_block()
    header = (",".join(POLICE_UK_HEADER) + "\n").encode()
    path = tmp_path / "rows.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("2024-01/2024-01-x-street.csv", "w", force_zip64=True) as entry,
    ):
        entry.write(header)
        for _ in range(1200 * 1024**2 // len(block)):
            entry.write(block)
    result = _checked("crimes", data, path)
    assert result["errors"], "1.2 GB of rows was accepted"
    assert result["peak"] < PEAK_LIMIT_BYTES, f"peak {result['peak'] / 1024**2:.0f} MB"


def test_many_entries_each_under_the_caps_are_refused_by_their_total(tmp_path):
    from geo.io.safezip import (
        MAX_ENTRY_BYTES,
        MAX_EXPANDED_BYTES,
        open_zip,
    )

    header = (",".join(POLICE_UK_HEADER) + "\n").encode()
    entry = MAX_ENTRY_BYTES // 2
    times = entry // len(_rows_block())
    count = MAX_EXPANDED_BYTES // (times * len(_rows_block())) + 1
    names = {f"2024-{m:02d}/2024-{m:02d}-x-street.csv": (b"", 0) for m in range(1, count + 1)}
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name in names:
            with archive.open(name, "w", force_zip64=True) as handle:
                handle.write(header)
                for _ in range(times):
                    handle.write(_rows_block())
    with pytest.raises(Exception, match="archives larger than"):
        open_zip(path, read=lambda n: n.endswith("-street.csv"))


def test_shapefile_zip_with_a_large_junk_entry_is_counted_without_keeping_it(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    folder = tmp_path / "shp"
    folder.mkdir()
    gpd.GeoDataFrame(
        {"hotspot_id": ["A"], "name": ["A"]},
        geometry=[box(-1.356, 53.012, -1.352, 53.015)],
        crs=4326,
    ).to_file(folder / "hotspots.shp")
    path = tmp_path / "hotspots.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in folder.iterdir():
            archive.write(part, part.name)
        with archive.open("junk.bin", "w", force_zip64=True) as junk:
            for index in range(190):
                junk.write(bytes([index]) * 2**20)  # packs ~1000:1 only per MB; stays under caps
    data = small_dataset(tmp_path / "data")
    (data / "patrols.csv").unlink()
    result = _checked("hotspots", data, path)
    assert result["peak"] < PEAK_LIMIT_BYTES, f"peak {result['peak'] / 1024**2:.0f} MB"


def test_counting_an_entry_keeps_none_of_it(tmp_path):
    """What a Shapefile zip's other members expand to is counted as it streams past."""
    import tracemalloc

    from geo.io.safezip import open_zip

    entries = {"junk.bin": (bytes(range(256)) * 4096, 150)}
    path = _streamed_zip(tmp_path / "junk.zip", entries, zipfile.ZIP_STORED)
    archive = open_zip(path)
    tracemalloc.start()
    try:
        counted = archive.count("junk.bin")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert counted == 150 * 2**20
    assert peak < 16 * 2**20, f"counting held {peak / 2**20:.0f} MB"
