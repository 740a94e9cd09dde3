"""The bench machinery at a tiny size: generated data, the table, and agreement on held-out data.

The full bench (`python -m geo bench`, a million rows and ten million) is far too long for the
test suite; here the same functions run on 20,000 rows and 50 hotspots, one repetition.
"""

import io
import sys

import numpy as np
import pytest
import shapely

from geo.cli import build_parser
from geo.io.crimes import read_crimes
from geo.io.hotspots import read_hotspots
from geo.sample.police_uk import CRIME_TYPE_SHARES
from geo.schema import ASB, POLICE_UK_HEADER
from tools.bench import (
    HELD_OUT_SEED,
    NAIVE_RATIO,
    TIMED_SEED,
    BenchSize,
    Plan,
    Row,
    Run,
    Timings,
    agreement,
    format_table,
    generate,
    measure,
    naive_command,
    national_rows,
    run,
    startup_command,
    summary_command,
    summary_rows,
    write_scripts,
)
from tools.bench_pings import PingSize

TINY = BenchSize(rows=20_000, months=24, hotspots=50)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("bench") / "timed", TINY, TIMED_SEED)


# checks outputs: the generated data


def test_generated_files_are_police_uk_street_files(tiny):
    files = sorted(tiny.crimes.rglob("*-street.csv"))
    assert len(files) == 24
    assert files[0].read_text().splitlines()[0] == ",".join(POLICE_UK_HEADER)
    crimes = read_crimes([tiny.crimes])
    assert len(crimes) == TINY.rows
    located = crimes.dropna(subset=["lon", "lat"])
    assert len(located.drop_duplicates(["lon", "lat"])) < len(located) / 5  # snapped points
    shares = CRIME_TYPE_SHARES
    expected = shares[ASB] / sum(shares.values())
    assert abs(crimes["asb"].mean() - expected) < 0.02  # the shared type mix, about 16% ASB


def test_generated_hotspots_have_65_coordinates_and_some_share_edges(tiny):
    hotspots = read_hotspots(tiny.hotspot_file)
    assert len(hotspots) == TINY.hotspots
    assert (shapely.get_num_coordinates(hotspots.geometry.values) == 65).all()
    metres = hotspots.to_crs(27700).geometry.values
    left, right = shapely.STRtree(metres).query(metres, predicate="touches")
    assert (left != right).any()
    assert not shapely.STRtree(metres).query(metres, predicate="overlaps").size


def test_the_same_seed_gives_the_same_data(tmp_path, tiny):
    again = generate(tmp_path / "again", TINY, TIMED_SEED)
    for name in ("2024-01/2024-01-bench-street.csv", "2025-12/2025-12-bench-street.csv"):
        assert (again.crimes / name).read_bytes() == (tiny.crimes / name).read_bytes()


# checks outputs: the comparison


def test_summary_agrees_with_the_naive_script_on_held_out_data(tmp_path):
    held_out = generate(tmp_path / "held-out", TINY, HELD_OUT_SEED)
    scripts = write_scripts(tmp_path / "scripts")
    ours = measure(summary_command(held_out))
    theirs = measure(naive_command(held_out, scripts))
    result = agreement(ours.output, theirs.output)
    assert result.hotspots == TINY.hotspots
    assert result.agreeing == result.hotspots, result.first_difference
    counted = np.loadtxt(io.StringIO(ours.output), delimiter=",", skiprows=1, usecols=7)
    assert counted.sum() > 0  # crimes did land in hotspots
    assert ours.peak_bytes > 10**7 and ours.seconds > 0
    assert 0 < ours.cpu_seconds < 60  # the command's own CPU time, not the launcher's


def test_agreement_names_the_first_difference():
    ours = "hotspot_id,asb_before,asb_after,crime_before,crime_after\nA,1,2,3,4\nB,0,0,0,0\n"
    theirs = "hotspot_id,asb_before,asb_after,crime_before,crime_after\nA,1,2,3,5\nB,0,0,0,0\n"
    result = agreement(ours, theirs)
    assert (result.hotspots, result.agreeing) == (2, 1)
    assert (
        result.first_difference.startswith("A: ")
        and "crime_after 4 vs 5" in result.first_difference
    )


def test_a_tiny_run_prints_the_table_with_every_comparison(tmp_path):
    plan = Plan(
        TINY, BenchSize(30_000, 18, 60), repetitions=1, national_repetitions=1, app=False,
        pings=PingSize(20_000, 2, 12), ping_hotspots=30,
    )  # fmt: skip
    out = io.StringIO()
    rows = run(work=tmp_path, out=out, plan=plan)
    table = out.getvalue()
    for words in ("naive script", "parse floor", "peak memory", "folium GeoJson",
                  "largest shift of a vertex", "shared edge", "held-out", "Parquet cache",
                  "30,000 rows × 60 hotspots", "targets met", "every row its own point",
                  "geo dosage, 20,000 pings × 30 hotspots", "pyarrow parse",
                  "CPU time of geo summary", "start-up floor"):  # fmt: skip
        assert words in table, words
    verdicts = {row.measure.strip(): row.met for row in rows}
    assert verdicts["largest shift of a vertex"] is True
    assert verdicts["neighbours keeping their shared edge"] is True
    assert any(key.startswith("same counts") and met for key, met in verdicts.items())


def test_bench_is_a_verb_of_the_command_line():
    args = build_parser().parse_args(["bench", "--quick"])
    assert args.verb == "bench" and args.quick


def test_the_bench_runs_processes_with_this_python(tiny, tmp_path):
    assert summary_command(tiny)[0] == sys.executable
    assert naive_command(tiny, write_scripts(tmp_path))[0] == sys.executable


def test_paint_row_judges_the_medians_of_first_and_later_visits():
    from tools.bench import PAINT_FIRST, PAINT_LATER, Paint, Rerun, app_rows

    def row(first: list[float], later: list[float]):
        paint = Paint(first, later, [0.9, 1.0, 1.1], start=[3.0, 3.1, 3.2], load=[0.5, 0.7, 0.6])
        return app_rows(Rerun(0.2, 0, 0, 0), paint)[-1]

    inside_first, inside_later = PAINT_FIRST - 0.1, PAINT_LATER - 0.1
    met = row([inside_first, 9.0, 0.5], [inside_later, 9.0, 0.5])
    assert met.met is True
    assert f"{inside_first:.2f} s first visit, {inside_later:.2f} s later" in met.value
    assert "3 starts" in met.compared and "0.50–9.00 s" in met.compared
    assert row([PAINT_FIRST + 0.1] * 3, [inside_later] * 3).met is False
    assert row([inside_first] * 3, [PAINT_LATER + 0.1] * 3).met is False


def test_repaint_rows_judge_the_median_and_the_slowest_of_each_kind_of_click():
    from tools.bench import REPAINT_SAMPLE, Repaint, repaint_rows

    median, slowest = REPAINT_SAMPLE
    quick = [0.1, 0.2, median - 0.01, slowest - 0.01]
    rows = repaint_rows("sample", Repaint(quick, quick, quick), REPAINT_SAMPLE)
    assert [row.met for row in rows] == [True, True, True]
    assert rows[0].measure == "map repainted after a colouring, sample"
    assert "4 clicks" in rows[0].compared and f"{slowest - 0.01:.2f} s slowest" in rows[0].value
    one_slow = [*quick[:3], slowest + 0.01]
    rows = repaint_rows("sample", Repaint(quick, one_slow, [median + 0.1] * 4), REPAINT_SAMPLE)
    assert [row.met for row in rows] == [True, False, False]
    (skipped,) = repaint_rows("sample", "skipped: no chromium", REPAINT_SAMPLE)
    assert skipped.value == "skipped: no chromium" and skipped.met is None


def test_the_app_dataset_has_a_patrol_log_for_every_hotspot(tmp_path):
    from geo.io.patrols import read_patrols
    from tools.bench import generate_app_dataset

    size = BenchSize(rows=5_000, months=24, hotspots=30)
    folder = generate_app_dataset(tmp_path / "app", size)
    hotspots = read_hotspots(folder / "hotspots.geojson")
    patrols = read_patrols(folder / "patrols.csv", set(hotspots["hotspot_id"]))
    assert set(patrols["hotspot_id"]) == set(hotspots["hotspot_id"]) and len(hotspots) == 30
    assert patrols["start"].min().year == patrols["end"].max().year == 2025


def test_own_point_data_gives_every_row_a_point_of_its_own(tmp_path):
    data = generate(tmp_path / "own", TINY, TIMED_SEED, own_points=True)
    located = read_crimes([data.crimes]).dropna(subset=["lon", "lat"])
    assert len(located) > 0.99 * TINY.rows
    assert not located.duplicated(["lon", "lat"]).any()


def test_the_table_names_every_goal_not_met():
    rows = [
        Row("geo summary, snap points", "0.70 s", "parse floor 0.25 s", "2.80×", "≤ 2×", False),
        Row("peak memory", "400 MB", "", "", "< 1 GB", True),
        Row("  first painted polygon", "1.50 s", "", "", "≤ 1.2 s", False),
    ]
    table = format_table(rows, "heading")
    assert "targets met: 1 of 3" in table
    assert "NOT MET: geo summary, snap points: 0.70 s, 2.80× where the goal is ≤ 2×" in table
    assert "NOT MET: first painted polygon: 1.50 s where the goal is ≤ 1.2 s" in table
    assert "NOT MET: peak memory" not in table


def test_national_size_reports_its_time_and_judges_its_memory():
    size = BenchSize(10_000_000, 18, 5_000)
    slow = Timings([Run(9.0, 10**9, "")], [Run(1.2, 10**8, "")], [])
    heavy = Timings([Run(2.0, 2 * 10**9, "")], [Run(1.2, 10**8, "")], [])
    time_row, memory_row = national_rows(size, slow)
    assert (time_row.met, time_row.target) == (None, "reported")
    assert (time_row.value, time_row.compared, time_row.ratio) == (
        "9.00 s",
        "parse floor 1.20 s",
        "7.50×",
    )
    assert memory_row.met is True
    assert [row.met for row in national_rows(size, heavy)] == [None, False]


def test_summary_rows_report_the_parse_floor_and_judge_only_the_naive_script():
    timings = Timings([Run(0.70, 1, "")], [Run(0.25, 1, "")], [Run(2.0, 1, "")])
    naive, floor = summary_rows(TINY, timings)
    assert (floor.met, floor.target, floor.ratio) == (None, "reported", "2.80×")
    assert naive.met is True and naive.target == f"≤ {NAIVE_RATIO:g}×"
    (own,) = summary_rows(TINY, Timings(timings.summary, timings.floor, []), own_points=True)
    assert "every row its own point" in own.measure and own.met is None


def test_a_ratio_just_over_its_goal_is_not_shown_as_the_goal():
    naive_seconds = 6.0
    ours = NAIVE_RATIO * naive_seconds * 1.001
    timings = Timings([Run(ours, 1, "")], [Run(0.60, 1, "")], [Run(naive_seconds, 1, "")])
    naive, _ = summary_rows(BenchSize(1_000_000, 24, 1_000), timings)
    assert naive.met is False and naive.ratio == f"{NAIVE_RATIO * 1.001:.3f}×"  # not the goal


def test_a_goal_not_met_says_what_it_is_up_against(monkeypatch):
    monkeypatch.setattr("tools.bench.os.cpu_count", lambda: 2)
    naive_seconds = 2.0
    budget = NAIVE_RATIO * naive_seconds
    timings = Timings(
        [Run(budget + 0.25, 1, "", cpu_seconds=2 * budget + 0.4)], [Run(0.23, 1, "")],
        [Run(naive_seconds, 1, "")], startup=[Run(0.50, 1, "")],
    )  # fmt: skip
    naive, floor, cpu, startup = summary_rows(BenchSize(1_000_000, 24, 1_000), timings)
    assert naive.met is False
    assert naive.why == (
        f"the goal allows {budget:.2f} s; importing its libraries alone takes 0.50 s; "
        f"its {2 * budget + 0.4:.2f} s of CPU time need at least {budget + 0.2:.2f} s on 2 cores"
    )
    assert floor.met is None and not floor.why
    assert (cpu.value, cpu.compared) == (
        f"{2 * budget + 0.4:.2f} s",
        f"over 2 cores at least {budget + 0.2:.2f} s",
    )
    assert startup.value == "0.50 s" and "pandas" in startup.measure
    table = format_table([naive, floor, cpu, startup], "heading")
    assert f"where the goal is ≤ {NAIVE_RATIO:g}× ({naive.why})" in table
    assert table.count("NOT MET") == 1  # the floor is reported, not judged


def test_a_goal_not_met_with_nothing_measured_against_it_gives_no_reason():
    timings = Timings([Run(0.90, 1, "")], [Run(0.25, 1, "")], [Run(1.0, 1, "")])
    table = format_table(summary_rows(TINY, timings), "heading")
    assert f"where the goal is ≤ {NAIVE_RATIO:g}×\n" in table + "\n"


def test_the_start_up_floor_imports_its_libraries(tmp_path):
    startup = measure(startup_command(write_scripts(tmp_path)))
    bare = measure([sys.executable, "-c", "pass"])  # the interpreter alone: about 10 MB
    assert startup.seconds > bare.seconds
    assert startup.peak_bytes > 5 * bare.peak_bytes  # pandas, geopandas and the rest loaded


def test_database_map_rows_judge_the_first_paint_and_a_colouring_and_report_the_rest():
    from tools.bench import (
        FULL,
        PAINT_DATABASE,
        QUICK,
        REPAINT_DATABASE,
        Paint,
        Repaint,
        database_label,
        database_map_rows,
    )

    median, slowest = REPAINT_DATABASE
    paint = Paint([9.0, 8.0], [PAINT_DATABASE - 0.2, PAINT_DATABASE - 0.1], [1.0, 1.0],
                  start=[4.0, 4.2], load=[1.0, 1.0])  # fmt: skip
    quick = [median - 0.3, median - 0.2, slowest - 0.1]
    rows = database_map_rows(
        "PostgreSQL store, 10 rows", 12.5, paint, Repaint(quick, [9.0] * 3, [9.0] * 3)
    )
    first, copied, colouring, town, back = rows
    assert first.met is True and "first visit while it starts 8.50 s" in first.compared
    assert copied.value == "12.50 s" and copied.met is None
    assert colouring.met is True and colouring.measure.startswith("map repainted after a colouring")
    assert (town.met, back.met) == (None, None) and town.target == "reported"
    slow_paint = Paint([1.0], [PAINT_DATABASE + 0.1], [1.0], start=[1.0], load=[1.0])
    slow = database_map_rows("x", 1.0, slow_paint, Repaint([*quick, slowest + 0.1], [1.0], [1.0]))
    assert (slow[0].met, slow[2].met) == (False, False)
    assert "quick stand-in" in database_label(QUICK) and "quick" not in database_label(FULL)
    skipped = database_map_rows("x", 1.0, "skipped: no chromium", "skipped: no chromium")
    assert [row.value for row in skipped] == [
        "skipped: no chromium",
        "1.00 s",
        "skipped: no chromium",
    ]
