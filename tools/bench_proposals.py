"""How fast `python -m geo propose` chooses a force's hotspots, and how its methods compare.

`time_proposals` times the command as a user runs it (a whole process: start-up, reading and
checking every file, choosing, writing the layer) on a force's police.uk files: the ones given, or
a generated force of 24 months and 220,000 rows (tools.bench.generate). Its goal is
GOAL_SECONDS. `comparison_table` prints the held-out comparison docs/proposals.md reports.

    python -m tools.bench_proposals [CRIMES...]    # the time, on those files or generated ones
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

GOAL_SECONDS = 10.0
"""A force's proposals (24 months, about 220,000 rows) in under this."""
FORCE_ROWS = 220_000
FORCE_MONTHS = 24
SEED = 20250303


def time_proposals(
    crimes: Sequence[Path] | None = None, repetitions: int = 3, work: Path | None = None
) -> float:
    """Median seconds of `geo propose --crimes … --out FILE.geojson` over `repetitions` runs
    (after one unmeasured run that warms the file cache), on `crimes` or on a generated force
    written under `work` (a temporary folder by default)."""
    from tools.bench import BenchSize, generate, measure

    with tempfile.TemporaryDirectory(prefix="geo-propose-bench-") as scratch:
        folder = Path(work or scratch)
        if crimes is None:
            size = BenchSize(FORCE_ROWS, FORCE_MONTHS, hotspots=50)
            crimes = [generate(folder / "force", size, SEED).crimes]
        command = [
            sys.executable, "-m", "geo", "propose", "--crimes", *map(str, crimes),
            "--out", str(folder / "proposals.geojson"),
        ]  # fmt: skip
        runs = [measure(command) for _ in range(repetitions + 1)][1:]
    return statistics.median(run.seconds for run in runs)


def comparison_table(
    crimes: Sequence[Path],
    study_area_km2: float,
    earlier: str = "2023-01:2023-12",
    later: str = "2024-01:2024-12",
    equal_areas_km2: tuple[float, ...] = (0.25, 0.5),
) -> str:
    """The methods compared on held-out months (geo.analysis.proposal_measures), as a Markdown
    table: proposals made from `earlier`, judged on `later`, PAI over `study_area_km2`."""
    from geo.analysis.proposal_measures import compare_methods, split
    from geo.app.proposals import files_source

    table = compare_methods(
        split(files_source(crimes), earlier, later), study_area_km2,
        equal_areas_km2=equal_areas_km2,
    )  # fmt: skip
    percent = [c for c in table.columns if "hit_rate" in c]
    shown = table.copy()
    shown[percent] = shown[percent] * 100
    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "---|" * len(shown.columns)]
    for row in shown.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(value) for value in row) + " |")
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:,.3f}" if abs(value) < 1 else f"{value:,.1f}"
    return str(value)


if __name__ == "__main__":
    given = [Path(p) for p in sys.argv[1:]] or None
    seconds = time_proposals(given)
    print(f"geo propose: {seconds:.2f} s (goal: under {GOAL_SECONDS:g} s)")
