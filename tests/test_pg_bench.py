"""tools.pg_bench: the national-size measurement runs end to end at a tiny size and reports the
database's load and first page beside the folder's."""

from __future__ import annotations

import pytest

from tools.bench import BenchSize
from tools.pg_bench import measure_scale

pytestmark = pytest.mark.postgres


def test_scale_rows_name_both_stores_and_what_the_database_holds(pg_url, tmp_path):
    rows = measure_scale(tmp_path, pg_url, BenchSize(20_000, 14, 30), rounds=1)
    by_name = {row.measure.strip(): row for row in rows}
    assert by_name["app start and first page (map) at that size"].compared.startswith("folder")
    assert by_name["app instance load at that size"].ratio.endswith("×")
    held = by_name["the database then"].compared
    assert "near point-months" in held and not held.startswith("0 ")
    assert "14 imports" in by_name["import month by month, 20,000 rows × 30 hotspots"].compared
