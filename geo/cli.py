"""`python -m geo …`: the command line of the hotspot library (see DESIGN.md, "Command line")."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from geo.aggregate import count_crimes
from geo.crimes import read_crimes
from geo.dataset import data_folder, load_dataset
from geo.errors import HotspotDataError
from geo.figures import hotspot_table
from geo.hotspots import read_hotspots
from geo.patrols import empty_patrols, read_patrols
from geo.period import Period

EXIT_BAD_INPUT = 2


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

    sample = verbs.add_parser("sample", help="write the generated sample dataset")
    sample.add_argument("--out", type=Path, default=Path("data/sample"), help="folder to write")
    return parser


def run_summary(args: argparse.Namespace) -> None:
    """Print one row per hotspot for the period."""
    period = Period.parse(args.period)
    hotspots = read_hotspots(args.hotspots)
    patrols = (
        read_patrols(args.patrols, hotspots["hotspot_id"]) if args.patrols else empty_patrols()
    )
    counts = count_crimes(read_crimes(args.crimes), hotspots)
    table = hotspot_table(hotspots, counts, patrols, period)
    if args.format == "json":
        records = table.replace({np.nan: None}).to_dict(orient="records")
        json.dump(records, sys.stdout, indent=1, default=_json_default)
        sys.stdout.write("\n")
    else:
        table.to_csv(sys.stdout, index=False, float_format="%.2f", lineterminator="\n")


def _json_default(value: object) -> object:
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def run_briefing(args: argparse.Namespace) -> None:
    """Write the briefing of a dataset folder as PDF or PNG."""
    from geo.briefing import briefing_page, write

    dataset = load_dataset(args.data or data_folder())
    period = Period.parse(args.period) if args.period else dataset.default_period
    write(briefing_page(dataset, period, args.town), args.out)
    print(f"briefing written to {args.out}", file=sys.stderr)


def run_sample(args: argparse.Namespace) -> None:
    """Write the deterministic sample dataset."""
    from geo.sample import write_sample

    write_sample(args.out)
    print(f"sample dataset written to {args.out}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a verb; bad input ends with one plain line on stderr and exit status 2."""
    args = build_parser().parse_args(argv)
    handlers = {"summary": run_summary, "briefing": run_briefing, "sample": run_sample}
    try:
        handlers[args.verb](args)
    except HotspotDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
    return 0
