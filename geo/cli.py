"""`python -m geo …`: the command line of the hotspot library (verbs listed in the README)."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from geo.errors import HotspotDataError

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per verb."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)

    summary = verbs.add_parser("summary", help="figures per hotspot for a period")
    summary.add_argument("--hotspots", type=Path, help="hotspot polygon file")
    summary.add_argument(
        "--data",
        type=_location,
        help="a dataset folder or postgresql:// URL, instead of --hotspots/--crimes/--patrols",
    )
    summary.add_argument(
        "--crimes",
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
        "--data",
        type=_location,
        help="dataset folder or postgresql:// URL (default: HOTSPOT_DATA, else data/sample)",
    )
    briefing.add_argument("--period", help="whole months START:END (default: latest 12 months)")
    briefing.add_argument("--town", help="only the hotspots of this town")

    importing = verbs.add_parser(
        "import", help="check files and add them to a dataset folder (all or nothing)"
    )
    importing.add_argument(
        "--data", required=True, type=_location, help="dataset folder or postgresql:// URL"
    )
    importing.add_argument("kind", choices=["hotspots", "crimes", "patrols"])
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")

    bench = verbs.add_parser("bench", help="time the pipeline on generated data, print a table")
    bench.add_argument("--quick", action="store_true", help="small sizes: a run of a minute")
    bench.add_argument("--work", type=Path, help="folder for the generated data (default: temp)")
    bench.add_argument(
        "--postgres", help="also import into this empty, upgraded postgresql:// database"
    )

    _add_db_verbs(verbs)

    sample = verbs.add_parser("sample", help="write the generated sample dataset")
    sample.add_argument("--out", type=Path, default=Path("data/sample"), help="folder to write")
    return parser


def _location(text: str) -> Path | str:
    """A `--data` value: a folder, or a postgresql:// URL kept as written."""
    from geo.store.dataset import location

    return location(text)


def _add_db_verbs(verbs: argparse._SubParsersAction) -> None:
    """`db upgrade`, `db copy`, `db status`: the PostgreSQL store's set-up and moves."""
    db = verbs.add_parser("db", help="PostgreSQL store: upgrade its schema, copy datasets")
    actions = db.add_subparsers(dest="db_verb", required=True)
    upgrade = actions.add_parser("upgrade", help="apply the schema migrations the database lacks")
    upgrade.add_argument("--data", required=True, help="postgresql:// URL")
    upgrade.add_argument("--ring-m", type=int, help="widest displacement ring to count (metres)")
    copy = actions.add_parser("copy", help="copy a dataset folder into an empty database, or back")
    copy.add_argument("--from", dest="source", required=True, type=_location)
    copy.add_argument("--to", dest="target", required=True, type=_location)
    status = actions.add_parser("status", help="schema, version, months held and recent imports")
    status.add_argument("--data", required=True, help="postgresql:// URL")


def run_db(args: argparse.Namespace) -> None:
    """Run a `db` sub-verb (geo.store.pg_*)."""
    from geo.store.postgres import is_database_url

    urls = [getattr(args, n) for n in ("data", "source", "target") if hasattr(args, n)]
    if args.db_verb != "copy" and not is_database_url(urls[0]):
        raise HotspotDataError("--data must be a postgresql:// URL")
    if args.db_verb == "upgrade":
        from geo.store.postgres import upgrade

        applied = upgrade(args.data, args.ring_m)
        print("\n".join(f"applied {name}" for name in applied) or "schema up to date")
    elif args.db_verb == "copy":
        from geo.store.pg_copy import database_to_folder, folder_to_database

        if is_database_url(args.target) and not is_database_url(args.source):
            lines = folder_to_database(Path(args.source), args.target)
        elif is_database_url(args.source) and not is_database_url(args.target):
            lines = database_to_folder(args.source, Path(args.target))
        else:
            raise HotspotDataError("copy from a folder to a postgresql:// URL, or back")
        print("\n".join(lines))
    else:
        from geo.store.pg_status import status_lines

        print("\n".join(status_lines(args.data)))


def run_summary(args: argparse.Namespace) -> None:
    """Print one row per hotspot for the period.

    Start-up is much of a run, so the crime files are parsed in a thread (pyarrow only, without
    the interpreter lock) while pandas and geopandas load; problems are still reported in order.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS here; idle BLAS threads spin
    from geo.io.crimes import read_crimes

    if args.data is not None:
        if args.hotspots or args.crimes or args.patrols:
            raise HotspotDataError("give --data, or --hotspots and --crimes, not both")
        _summary_of_dataset(args)
        return
    if args.hotspots is None or args.crimes is None:
        raise HotspotDataError("give --data, or --hotspots and --crimes")
    gc.disable()  # a short run whose data holds no cycles: no need to walk what imports made
    with ThreadPoolExecutor(max_workers=1) as pool:
        crimes = pool.submit(read_crimes, args.crimes)
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
    table = hotspot_table(hotspots, counts, patrols, period)
    _print_table(table, args.format)


def _summary_of_dataset(args: argparse.Namespace) -> None:
    """The summary of a stored dataset (folder or database), as the pages compute it."""
    from geo.analysis.figures import hotspot_table
    from geo.period import Period
    from geo.store.dataset import load_dataset

    dataset = load_dataset(args.data)
    period = Period.parse(args.period)
    table = hotspot_table(dataset.hotspots, dataset.counts, dataset.patrols, period)
    _print_table(table, args.format)


def _print_table(table, table_format: str) -> None:
    """The per-hotspot table on stdout as CSV or JSON."""
    import numpy as np

    if table_format == "json":
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
    from geo.store.dataset import data_location, load_dataset
    from geo.view.briefing import briefing_page, write

    dataset = load_dataset(args.data or data_location())
    period = Period.parse(args.period) if args.period else dataset.default_period
    write(briefing_page(dataset, period, args.town), args.out)
    print(f"briefing written to {args.out}", file=sys.stderr)


def run_import(args: argparse.Namespace) -> None:
    """Check the files, then commit them; on bad input the dataset folder is left as it was."""
    from geo.store.importer import import_files
    from geo.store.postgres import is_database_url

    if is_database_url(args.data):
        from geo.store.pg_writes import import_files_pg

        staged, lines = import_files_pg(args.data, args.kind, args.files)
    else:
        staged, result = import_files(args.data, args.kind, args.files)
        lines = result.lines
    for finding in staged.warnings:
        print(f"warning: {finding.line()}", file=sys.stderr)
    for line in lines:
        print(line)


def run_bench(args: argparse.Namespace) -> None:
    """Generate data, time the pipeline against its comparisons, print the table (tools.bench)."""
    from tools.bench import run

    run(quick=args.quick, work=args.work, out=sys.stdout)
    if args.postgres:
        from tools.pg_bench import run as run_postgres

        run_postgres(args.postgres, quick=args.quick, out=sys.stdout)


def run_sample(args: argparse.Namespace) -> None:
    """Write the deterministic sample dataset."""
    from tools.sample import write_sample

    write_sample(args.out)
    print(f"sample dataset written to {args.out}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a verb; bad input ends with one plain line on stderr and exit status 2."""
    args = build_parser().parse_args(argv)
    handlers = {
        "summary": run_summary,
        "briefing": run_briefing,
        "import": run_import,
        "sample": run_sample,
        "bench": run_bench,
        "db": run_db,
    }
    try:
        handlers[args.verb](args)
    except HotspotDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
    gc.freeze()  # the final collection need not walk every object pandas made: ~0.1 s at exit
    return 0
