"""`python -m geo import`: the bad-file corpus refused (CLI and page check alike), good files
imported, concurrent imports, and the real Derbyshire months imported month by month, twice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.analysis.context import EvaluationContext
from geo.analysis.figures import hotspot_table
from geo.app.load import load_dataset
from geo.cli import main
from geo.period import Period
from geo.store.imports.uploads import check_uploads
from tests.conftest import ROOT
from tests.helpers import month_rows, small_dataset, tree, write_patrols, write_street_csv

BAD_FILES = ROOT / "tests" / "bad_files"


def corpus() -> list[tuple[str, str, int | None, str | None]]:
    """(file, message, row, column) from the table in tests/bad_files/README.md."""
    rows = []
    for line in (BAD_FILES / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and "/" in cells[0] and not cells[0].startswith("-"):
            name, message, row, column = cells
            rows.append((name, message, int(row) if row else None, column or None))
    return rows


CORPUS = corpus()


@pytest.fixture
def dataset(tmp_path) -> Path:
    return small_dataset(tmp_path / "data")


def _geo(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", *map(str, args)], cwd=ROOT, capture_output=True, text=True
    )


def test_every_file_in_the_corpus_is_in_the_table():
    listed = {name for name, *_ in CORPUS}
    present = {
        p.relative_to(BAD_FILES).as_posix()
        for p in BAD_FILES.rglob("*")
        if p.is_file() and p.suffix not in (".md", ".py")
    }
    assert listed == present
    assert len(CORPUS) >= 45


@pytest.mark.parametrize("name,message,row,column", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_file_is_refused_on_the_command_line(dataset, capsys, name, message, row, column):
    path = BAD_FILES / name
    kind = name.split("/")[0]
    before = tree(dataset.parent)
    status = main(["import", "--data", str(dataset), kind, str(path)])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"error: {path}")
    assert message in err
    assert (f"row {row}" in err) == (row is not None)
    if column:
        assert f"column '{column}'" in err
    assert tree(dataset.parent) == before  # the folder, and nothing beside it (no lock, no temp)


@pytest.mark.parametrize("name,message,row,column", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_file_is_refused_by_the_page_check(dataset, name, message, row, column):
    path = BAD_FILES / name
    kind, upload = name.split("/")[0], (path.name, path.read_bytes())
    before = tree(dataset.parent)
    if kind == "crimes":
        staged = check_uploads(dataset, crimes=[upload])
    else:
        staged = check_uploads(dataset, **{kind: upload})
    error = staged.errors[0]
    assert error.file.startswith(path.name), error
    assert message in error.message and error.row == row
    if column:
        assert error.column == column
    assert "hotspot-upload" not in error.line()
    assert tree(dataset.parent) == before


@pytest.mark.parametrize(
    "name", ["crimes/binary-street.csv", "crimes/symlink-entry.zip", "hotspots/points.geojson"]
)
def test_a_real_process_exits_2_with_one_line_and_no_traceback(dataset, name):
    before = tree(dataset.parent)
    run = _geo("import", "--data", dataset, name.split("/")[0], BAD_FILES / name)
    assert run.returncode == 2 and run.stdout == ""
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert str(BAD_FILES / name) in run.stderr
    assert tree(dataset.parent) == before


def test_good_files_import_and_say_what_was_written(dataset, tmp_path):
    feb = write_street_csv(tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 2))
    run = _geo("import", "--data", dataset, "crimes", feb)
    assert run.returncode == 0, run.stderr
    assert "wrote crimes/2024-02/2024-02-test-street.csv: 2024-02 Test Constabulary: 2 rows" in (
        run.stdout
    )
    log = write_patrols(
        tmp_path / "p.csv", [("B", "2024-02-01T10:00", "2024-02-01T11:00", 1, 0, 2)]
    )
    run = _geo("import", "--data", dataset, "patrols", log)
    assert run.returncode == 0, run.stderr
    assert "replaces the whole patrol log of 1 visit" in run.stdout
    assert list(load_dataset(dataset).patrols["hotspot_id"]) == ["B"]


def test_warnings_go_to_stderr_and_the_import_goes_ahead(dataset, tmp_path):
    feb = write_street_csv(
        tmp_path / "in" / "2024-02-test-street.csv", month_rows("2024-02", 2, missing=1)
    )
    run = _geo("import", "--data", dataset, "crimes", feb)
    assert run.returncode == 0
    assert "warning:" in run.stderr and "1 of 3 rows of 2024-02 have no coordinates" in run.stderr


def test_two_processes_importing_at_once_double_nothing(dataset, tmp_path):
    files = [
        write_street_csv(
            tmp_path / f"in{i}" / f"2024-0{m}-test-street.csv", month_rows(f"2024-0{m}", m)
        )
        for i in range(2)
        for m in (1, 2, 3)
    ]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "geo", "import", "--data", str(dataset), "crimes",
             *map(str, files[3 * i : 3 * i + 3])],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(2)
    ]  # fmt: skip
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    counts = load_dataset(dataset).counts.force["crime"].tolist()
    assert counts == [1, 2, 3]
    assert len(list((dataset / "crimes").rglob("*.csv"))) == 3


# the real data


@pytest.fixture(scope="module")
def ward_hotspots(shared_data, tmp_path_factory) -> Path:
    wards = gpd.read_file(shared_data / "boundaries" / "derbyshire-wards-2013.geojson")
    wards = wards.rename(columns={"WD13CD": "hotspot_id", "WD13NM": "name"})
    path = tmp_path_factory.mktemp("wards") / "wards.geojson"
    wards[["hotspot_id", "name", "geometry"]].to_file(path, driver="GeoJSON")
    return path


def test_real_months_imported_one_by_one_twice_count_as_one_import(
    shared_data, ward_hotspots, tmp_path
):
    months = sorted((shared_data / "police-uk" / "derbyshire").glob("*-street.csv"))
    assert len(months) == 24
    once, monthly = tmp_path / "once", tmp_path / "monthly"
    for folder in (once, monthly):
        assert main(["import", "--data", str(folder), "hotspots", str(ward_hotspots)]) == 0
    assert _geo("import", "--data", once, "crimes", months[0].parent).returncode == 0
    for _ in range(2):
        for month in months:
            assert main(["import", "--data", str(monthly), "crimes", str(month)]) == 0
    assert len(list((monthly / "crimes").rglob("*-street.csv"))) == 24

    one, many = load_dataset(once), load_dataset(monthly)
    pd.testing.assert_frame_equal(one.counts.force, many.counts.force)
    assert int(many.counts.force["crime"].sum()) == 219_339
    assert int(many.counts.force["asb"].sum()) == 35_537
    period = Period.parse("2024-01:2024-12")
    pd.testing.assert_frame_equal(
        hotspot_table(
            one.hotspots, one.counts, one.patrols, EvaluationContext.of(period, one.hotspots)
        ),
        hotspot_table(
            many.hotspots, many.counts, many.patrols, EvaluationContext.of(period, many.hotspots)
        ),
    )
    # one more import of everything at once changes nothing either
    assert main(["import", "--data", str(monthly), "crimes", str(months[0].parent)]) == 0
    pd.testing.assert_frame_equal(one.counts.force, load_dataset(monthly).counts.force)
