"""`python -m geo …`: the command line of the hotspot library (verbs listed in the README)."""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from geo.errors import HotspotDataError

EXIT_BAD_INPUT = 2
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: object) -> str:
    """Text from files shown on a terminal: control characters (escape sequences, new lines,
    bidirectional overrides) written as visible escapes such as \\x1b, never obeyed."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per verb."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)

    summary = verbs.add_parser("summary", help="figures per hotspot for a period")
    summary.add_argument("--hotspots", required=True, type=Path, help="hotspot polygon file")
    summary.add_argument(
        "--crimes",
        required=True,
        nargs="+",
        type=Path,
        help="police.uk street CSVs, folders of them, or the police.uk archive zip",
    )
    summary.add_argument("--patrols", type=Path, help="patrol log CSV")
    summary.add_argument(
        "--period", required=True, help="whole months START:END, e.g. 2024-01:2024-12"
    )
    summary.add_argument("--format", choices=["csv", "json"], default="csv")

    briefing = verbs.add_parser("briefing", help="write the briefing as a one-page PDF or PNG")
    briefing.add_argument("--out", required=True, type=Path, help="file to write (.pdf or .png)")
    briefing.add_argument(
        "--data", type=Path, help="dataset folder (default: HOTSPOT_DATA, else data/sample)"
    )
    briefing.add_argument("--period", help="whole months START:END (default: latest 12 months)")
    briefing.add_argument("--town", help="only the hotspots of this town")

    importing = verbs.add_parser(
        "import", help="check files and add them to a dataset folder (all or nothing)"
    )
    importing.add_argument("--data", required=True, type=Path, help="dataset folder to change")
    importing.add_argument("kind", choices=["hotspots", "crimes", "patrols"])
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")

    bench = verbs.add_parser("bench", help="time the pipeline on generated data, print a table")
    bench.add_argument("--quick", action="store_true", help="small sizes: a run of a minute")
    bench.add_argument("--work", type=Path, help="folder for the generated data (default: temp)")

    sample = verbs.add_parser("sample", help="write the generated sample dataset")
    sample.add_argument("--out", type=Path, default=Path("data/sample"), help="folder to write")
    return parser


def run_summary(args: argparse.Namespace) -> None:
    """Print one row per hotspot for the period.

    Start-up is much of a run, so the crime files are parsed in a thread (pyarrow only, without
    the interpreter lock) while pandas and geopandas load; problems are still reported in order.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS here; idle BLAS threads spin
    from geo.io.crimes import read_crimes

    gc.disable()  # a short run whose data holds no cycles: no need to walk what imports made
    with ThreadPoolExecutor(max_workers=1) as pool:
        crimes = pool.submit(read_crimes, args.crimes)
        import numpy as np

        from geo.analysis.aggregate import count_crimes
        from geo.analysis.figures import hotspot_table
        from geo.io.hotspots import read_hotspots
        from geo.io.patrols import empty_patrols, read_patrols
        from geo.period import Period

        period = Period.parse(args.period)
        hotspots = read_hotspots(args.hotspots)
        patrols = (
            read_patrols(args.patrols, hotspots["hotspot_id"]) if args.patrols else empty_patrols()
        )
        counts = count_crimes(crimes.result(), hotspots)
    period.covered_by(counts.months)
    table = hotspot_table(hotspots, counts, patrols, period)
    if args.format == "json":
        records = table.replace({np.nan: None}).to_dict(orient="records")
        json.dump(records, sys.stdout, indent=1, default=_json_default)
        sys.stdout.write("\n")
    else:
        table.to_csv(sys.stdout, index=False, float_format="%.2f", lineterminator="\n")


def _json_default(value: object) -> object:
    import numpy as np
    import pandas as pd

    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def run_briefing(args: argparse.Namespace) -> None:
    """Write the briefing of a dataset folder as PDF or PNG."""
    from geo.period import Period
    from geo.store.dataset import data_folder, load_dataset
    from geo.view.briefing import briefing_page, write

    dataset = load_dataset(args.data or data_folder())
    for note in dataset.notes:
        print(f"note: {for_terminal(note)}", file=sys.stderr)
    period = Period.parse(args.period) if args.period else dataset.default_period
    write(briefing_page(dataset, period, args.town), args.out)
    print(f"briefing written to {for_terminal(args.out)}", file=sys.stderr)


def run_import(args: argparse.Namespace) -> None:
    """Check the files, then commit them; on bad input the dataset folder is left as it was."""
    from geo.store.importer import import_files

    staged, result = import_files(args.data, args.kind, args.files)
    for finding in staged.warnings:
        print(f"warning: {for_terminal(finding.line())}", file=sys.stderr)
    for line in result.lines:
        print(for_terminal(line))


def run_bench(args: argparse.Namespace) -> None:
    """Generate data, time the pipeline against its comparisons, print the table (tools.bench)."""
    from tools.bench import run

    run(quick=args.quick, work=args.work, out=sys.stdout)


def run_sample(args: argparse.Namespace) -> None:
    """Write the deterministic sample dataset."""
    from tools.sample import write_sample

    write_sample(args.out)
    print(f"sample dataset written to {for_terminal(args.out)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a verb; bad input ends with one plain line on stderr and exit status 2."""
    args = build_parser().parse_args(argv)
    handlers = {
        "summary": run_summary,
        "briefing": run_briefing,
        "import": run_import,
        "sample": run_sample,
        "bench": run_bench,
    }
    try:
        handlers[args.verb](args)
    except HotspotDataError as exc:
        print(f"error: {for_terminal(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
    gc.freeze()  # the final collection need not walk every object pandas made: ~0.1 s at exit
    return 0
