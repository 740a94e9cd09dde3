"""geo.analysis.context: one rule about months reaches every figure.

Metamorphic tests: change the input in a way the rules say cannot matter (delete the rows of a
month the figures leave out) and every figure of `geo evaluate` stays the same; and a hotspot's
start date counts for the programme, its ring and its control as for the hotspot itself.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from geo.analysis.context import EvaluationContext
from geo.cli import main
from geo.period import Period
from tests.helpers import square_hotspots, write_street_csv

ASB = "Anti-social behaviour"
FIGURES = ("forcewide", "programme", "hotspots")
"""The parts of an evaluation record that hold figures (the rest says what was left out)."""


def _evaluate(capsys, folder: Path, period: str) -> dict:
    assert main(["evaluate", "--data", str(folder), "--period", period, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _rewrite_asb(files: list[Path], keep) -> None:
    """Rewrite police.uk files in place with only the ASB rows `keep(rows)` returns."""
    for path in files:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:]
        kind = header.index("Crime type")
        asb = [r for r in body if r[kind] == ASB]
        other = [r for r in body if r[kind] != ASB]
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows([header, *other, *keep(asb)])


def _flagged_variants(source: Path, tmp_path: Path, month: str) -> tuple[Path, Path]:
    """Two copies of a dataset: `month`'s ASB rows tripled (a flagged month), and deleted."""
    tripled, deleted = tmp_path / "tripled", tmp_path / "deleted"
    for copy, keep in ((tripled, lambda rows: rows * 3), (deleted, lambda rows: [])):
        shutil.copytree(source, copy, symlinks=False)
        _rewrite_asb(sorted(copy.glob(f"crimes/**/{month}*-street.csv")), keep)
    return tripled, deleted


def test_deleting_a_flagged_months_asb_rows_changes_no_figure(capsys, sample_dir, tmp_path):
    tripled, deleted = _flagged_variants(sample_dir, tmp_path, "2026-03")
    period = "2025-10:2026-09"
    one, other = _evaluate(capsys, tripled, period), _evaluate(capsys, deleted, period)
    assert "2026-03" in one["period"]["asb_excluded_months"]
    assert "2026-03" in other["period"]["asb_excluded_months"]
    for part in FIGURES:
        assert one[part] == other[part], part


def test_on_real_data_deleting_the_flagged_months_asb_rows_changes_no_figure(
    capsys, shared_data, sample_dir, tmp_path
):
    """Derbyshire 2024: 2024-02 (duplicated rows) and 2024-11 (no ASB) are flagged. The files
    are read in place; only the one month rewritten is written here."""
    published = shared_data / "police-uk" / "derbyshire"
    for name in ("as-published", "deleted"):
        (tmp_path / name / "crimes").mkdir(parents=True)
        shutil.copy(sample_dir / "hotspots.geojson", tmp_path / name / "hotspots.geojson")
        for path in published.glob("*-street.csv"):
            (tmp_path / name / "crimes" / path.name).symlink_to(path)
    february = tmp_path / "deleted" / "crimes" / "2024-02-derbyshire-street.csv"
    february.unlink()
    shutil.copy(published / february.name, february)
    _rewrite_asb([february], lambda rows: [])
    one = _evaluate(capsys, tmp_path / "as-published", "2024-01:2024-12")
    other = _evaluate(capsys, tmp_path / "deleted", "2024-01:2024-12")
    assert {"2024-02", "2024-11"} <= set(one["period"]["asb_excluded_months"])
    for part in FIGURES:
        assert one[part] == other[part], part


def _started_dataset(folder: Path) -> Path:
    """Two hotspots far apart, A running all of 2024, B from July; ASB in each, in their rings
    and in the rest of the force, at rates that differ before and after July."""
    folder.mkdir(parents=True)
    square_hotspots(
        folder / "hotspots.geojson",
        {"A": (-1.50, 53.00, -1.49, 53.01), "B": (-1.30, 53.20, -1.29, 53.21)},
    )
    data = json.loads((folder / "hotspots.geojson").read_text())
    data["features"][1]["properties"]["started"] = "2024-07-15"
    (folder / "hotspots.geojson").write_text(json.dumps(data))
    for year in (2023, 2024):
        for month in range(1, 13):
            late = month >= 7
            rows = (
                [(f"{year}-{month:02d}", -1.495, 53.005, ASB)] * (10 + 5 * late)
                + [(f"{year}-{month:02d}", -1.295, 53.205, ASB)] * (20 - 8 * late * (year - 2023))
                + [(f"{year}-{month:02d}", -1.2985, 53.2112, ASB)] * (4 + 3 * late)  # B's ring
                + [(f"{year}-{month:02d}", -1.10, 53.40, ASB)] * (50 + 30 * late * (year - 2023))
            )
            write_street_csv(folder / "crimes" / f"{year}-{month:02d}-x-street.csv", rows)
    return folder


def test_the_programme_counts_only_the_months_each_hotspot_ran(capsys, tmp_path):
    folder = _started_dataset(tmp_path / "data")
    record = _evaluate(capsys, folder, "2024-01:2024-12")
    hotspots = {h["hotspot_id"]: h for h in record["hotspots"]}
    assert hotspots["B"]["asb_before"] == 6 * 20  # July to December 2023 only
    programme = record["programme"]
    assert programme["asb_before"] == hotspots["A"]["asb_before"] + hotspots["B"]["asb_before"]
    assert programme["asb_after"] == hotspots["A"]["asb_after"] + hotspots["B"]["asb_after"]


def test_a_rings_and_controls_months_are_its_hotspots(tmp_path):
    from geo.app.load import load_dataset

    dataset = load_dataset(_started_dataset(tmp_path / "data"))
    context = dataset.context(Period.parse("2024-01:2024-12"))
    before, after = context.per_hotspot(dataset.areas.rings.hotspot, ["A", "B"], "asb")
    assert (before[1], after[1]) == (6 * 7, 6 * 7)  # B's ring: July to December of each year
    control = context.area_pairs(dataset.areas.control.reset_index(), ["A", "B"])
    assert control[0] == (12 * 50 + 6 * 0 + 6 * 0, 6 * 50 + 6 * 80)  # the whole year for A
    assert control[1] == (6 * 50, 6 * 80)  # B's months only
    assert context.late_starters(["A", "B"]) == 1


def test_a_context_without_start_dates_counts_every_month():
    context = EvaluationContext.of(Period.parse("2024-01:2024-03"))
    assert context.hotspot_starts(["A"]).tolist() == [float("-inf")]
    months = [Period.parse("2023-01:2023-01").start.ordinal + k for k in range(27)]
    assert context.mask(months, "asb", "after").sum() == 3
    assert context.mask(months, "asb", "before").sum() == 3
