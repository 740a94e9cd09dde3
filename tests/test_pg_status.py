"""geo.store.postgres.status: `geo db status` says what a database store holds and who imported
it."""

from __future__ import annotations

import pytest

from geo.store.postgres.connection import migrations
from tests.postgres_support import cli, import_ok, month_files

pytestmark = pytest.mark.postgres


def test_status_names_the_schema_the_months_the_pings_and_the_imports(
    capsys, own_data, pg_url, tmp_path
):
    from tests.pings_helpers import at, every, stay, write_pings

    months = month_files(own_data)
    import_ok(capsys, pg_url, "hotspots", own_data / "hotspots.geojson")
    import_ok(capsys, pg_url, "crimes", *months[:3])
    hotspot = at(0)  # a place; pings need not be in a hotspot to be held
    pings = write_pings(
        tmp_path / "shift.csv",
        stay("PC 1", hotspot, every("2025-03-01T10:00Z", "2025-03-01T10:09Z")),
    )
    import_ok(capsys, pg_url, "pings", pings)
    status, out, err = cli(capsys, "db", "status", "--data", pg_url)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"schema version {migrations()[-1][0]}, store version 3")
    first, last = months[0].parent.name, months[2].parent.name
    assert any(f": 3 months {first} to {last}, " in line for line in lines)
    assert "GPS pings: 1 file 2025-03, 10 pings" in lines  # one month: no span to itself
    assert [
        line.split(":")[1].split(",")[0].strip() for line in lines if line.startswith("import ")
    ] == ["pings", "crimes", "hotspots"]
