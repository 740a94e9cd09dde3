"""`python -m geo …`: the command line of the hotspot library (verbs listed in the README)."""

from __future__ import annotations

import argparse
import gc
import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import HotspotDataError
from geo.propose_cli import add_propose_verb, run_propose
from geo.words import count_text

if TYPE_CHECKING:  # imported lazily at run time: start-up is much of a short command
    import geopandas as gpd
    import pandas as pd

    from geo.analysis.anomalies import Anomaly
    from geo.analysis.figures import ProgrammeFigures
    from geo.counting.aggregate import CrimeCounts
    from geo.counting.file_tally import FileTally
    from geo.io.crimes import FileReads
    from geo.io.pings import PingFilesReader

EXIT_BAD_INPUT = 2
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: object) -> str:
    """Text from files shown on a terminal: control characters (escape sequences, new lines,
    bidirectional overrides) written as visible escapes such as \\x1b, never obeyed."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


KEEP_FLAGGED_HELP = "count months flagged as anomalous (left out of both years by default)"


def _add_period_options(parser: argparse.ArgumentParser, formats: tuple[str, str]) -> None:
    """--period, --format (the first is the default) and --keep-flagged, as every figure verb
    takes them."""
    parser.add_argument(
        "--period", required=True, help="whole months START:END, e.g. 2024-01:2024-12"
    )
    parser.add_argument("--format", choices=list(formats), default=formats[0])
    parser.add_argument("--keep-flagged", action="store_true", help=KEEP_FLAGGED_HELP)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per verb."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)

    summary = verbs.add_parser("summary", help="figures per hotspot for a period")
    summary.add_argument("--hotspots", type=Path, help="hotspot polygon file")
    summary.add_argument(
        "--data",
        type=str,
        help="a dataset folder or postgresql:// URL, instead of --hotspots/--crimes/--patrols",
    )
    summary.add_argument(
        "--crimes",
        nargs="+",
        type=Path,
        help="police.uk street CSVs, folders of them, or the police.uk archive zip",
    )
    summary.add_argument("--patrols", type=Path, help="patrol log CSV")
    _add_period_options(summary, formats=("csv", "json"))

    evaluate = verbs.add_parser(
        "evaluate", help="the evaluation of a period: tests, intervals, chance (README)"
    )
    evaluate.add_argument(
        "--data", type=str, help="dataset folder or postgresql:// URL (instead of files)"
    )
    evaluate.add_argument("--hotspots", type=Path, help="hotspot polygon file")
    evaluate.add_argument(
        "--crimes", nargs="+", type=Path, help="police.uk street CSVs, folders, or archive zip"
    )
    evaluate.add_argument("--patrols", type=Path, help="patrol log CSV")
    evaluate.add_argument("--control", type=Path, help="control polygons (default: the rest)")
    _add_period_options(evaluate, formats=("json", "csv"))

    briefing = verbs.add_parser("briefing", help="write the briefing as a one-page PDF or PNG")
    briefing.add_argument("--out", required=True, type=Path, help="file to write (.pdf or .png)")
    briefing.add_argument(
        "--data",
        type=str,
        help="dataset folder or postgresql:// URL (default: HOTSPOT_DATA, else data/sample)",
    )
    briefing.add_argument("--period", help="whole months START:END (default: latest 12 months)")
    briefing.add_argument("--town", help="only the hotspots of this town")
    briefing.add_argument("--keep-flagged", action="store_true", help=KEEP_FLAGGED_HELP)

    importing = verbs.add_parser(
        "import", help="check files and add them to a dataset folder (all or nothing)"
    )
    importing.add_argument(
        "--data", required=True, type=str, help="dataset folder or postgresql:// URL"
    )
    importing.add_argument("kind", choices=["hotspots", "crimes", "patrols", "pings"])
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importing.add_argument(
        "--append",
        action="store_true",
        help="hotspots only: add the file's hotspots after the current ones, which stay as they "
        "are (by default an import replaces the hotspots whole)",
    )

    screens = verbs.add_parser(
        "screen-token", help="make, list or revoke read-only links for wall screens"
    )
    screens.add_argument("action", choices=["add", "list", "revoke"])
    screens.add_argument("name", nargs="?", help="the screen's name, e.g. 'briefing room'")
    screens.add_argument(
        "--data",
        type=str,
        help="dataset folder or postgresql:// URL (default: HOTSPOT_DATA, else data/sample)",
    )
    _add_dosage(verbs)

    monthly = verbs.add_parser("return", help="write the monthly return (CSV or Excel)")
    monthly.add_argument(
        "--data",
        type=str,
        help="dataset folder or postgresql:// URL (default: HOTSPOT_DATA, else data/sample)",
    )
    monthly.add_argument("--month", required=True, help="the month, YYYY-MM")
    monthly.add_argument("--out", required=True, type=Path, help="file to write (.csv or .xlsx)")

    bench = verbs.add_parser("bench", help="time the pipeline on generated data, print a table")
    bench.add_argument("--quick", action="store_true", help="small sizes: a run of a minute")
    bench.add_argument("--work", type=Path, help="folder for the generated data (default: temp)")
    bench.add_argument(
        "--postgres", help="also import into this empty, upgraded postgresql:// database"
    )

    _add_db_verbs(verbs)
    add_propose_verb(verbs)

    sample = verbs.add_parser("sample", help="write the generated sample dataset")
    sample.add_argument("--out", type=Path, default=Path("data/sample"), help="folder to write")
    return parser


def _add_db_verbs(verbs: argparse._SubParsersAction) -> None:
    """`db upgrade`, `db copy`, `db status`: a store's set-up, moves and state."""
    db = verbs.add_parser("db", help="PostgreSQL store: upgrade its schema, copy datasets")
    actions = db.add_subparsers(dest="db_verb", required=True)
    upgrade = actions.add_parser("upgrade", help="apply the schema migrations the database lacks")
    upgrade.add_argument("--data", required=True, help="postgresql:// URL")
    upgrade.add_argument("--ring-m", type=int, help="widest displacement ring to count (metres)")
    copy = actions.add_parser("copy", help="copy a dataset folder into an empty database, or back")
    copy.add_argument("--from", dest="source", required=True, type=str)
    copy.add_argument("--to", dest="target", required=True, type=str)
    status = actions.add_parser("status", help="schema, version, months held and recent imports")
    status.add_argument("--data", required=True, help="dataset folder or postgresql:// URL")


def run_db(args: argparse.Namespace) -> None:
    """Run a `db` sub-verb on the store(s) named (geo.store.interface)."""
    from geo.app.configured import visit_rules
    from geo.store.interface import open_store

    if args.db_verb == "upgrade":
        applied = open_store(args.data).upgrade(visit_rules(), args.ring_m)
        print("\n".join(f"applied {name}" for name in applied) or "schema up to date")
    elif args.db_verb == "copy":
        lines = open_store(args.source).copy_to(open_store(args.target), visit_rules())
        print("\n".join(lines))
    else:
        print("\n".join(for_terminal(line) for line in open_store(args.data).status_lines()))


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off for a short command, whose objects reference counting frees:
    its passes over what the imports and pandas make cost up to 0.13 s of CPU in `geo summary`
    (1,000,000 rows with a point each) and 0.25-0.3 s in `geo dosage` (10,000,000 pings), freeing
    nothing. Back on after, also after an error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_cycle_collection_paused()
def run_summary(args: argparse.Namespace) -> None:
    """Print one row per hotspot for the period.

    Start-up is much of a run, so the crime files are parsed and counted by month and crime type
    in threads (pyarrow and numpy only) while pandas and geopandas load; then each file's rows
    near hotspots are counted as it comes, while the next are parsed (see _counted). Problems are
    still reported in order.
    """
    from geo.counting.file_tally import tally_crime_file
    from geo.io.crimes import FileReads, find_crime_files

    if args.data is not None:
        if args.hotspots or args.crimes or args.patrols:
            raise HotspotDataError("give --data, or --hotspots and --crimes, not both")
        _summary_of_dataset(args)
        return
    if args.hotspots is None or args.crimes is None:
        raise HotspotDataError("give --data, or --hotspots and --crimes")
    try:
        sources, unfound = find_crime_files(args.crimes), None
    except HotspotDataError as exc:  # reported in its turn, after the period and hotspots
        sources, unfound = [], exc
    with FileReads(sources, tally_crime_file) as reads:
        from geo.analysis.anomalies import Exclusions, find_anomalies
        from geo.analysis.context import EvaluationContext
        from geo.analysis.coverage import check_period
        from geo.analysis.figures import hotspot_table, programme_figures
        from geo.io.hotspots import read_hotspots
        from geo.io.patrols import read_patrols
        from geo.period import Period

        period = Period.parse(args.period)
        hotspots = read_hotspots(args.hotspots)
        patrols = read_patrols(args.patrols, hotspots["hotspot_id"]) if args.patrols else None
        if unfound is not None:
            raise unfound
        counts, type_counts = _counted(reads, hotspots)
    check_period(period, counts.months)
    anomalies = tuple(find_anomalies(type_counts))
    context = EvaluationContext.of(
        period, hotspots, Exclusions(anomalies, keep_flagged=args.keep_flagged)
    )
    table = hotspot_table(hotspots, counts, patrols, context)
    _print_notes(programme_figures(table, counts, context), anomalies, patrols is None)
    _print_table(table, args.format)


def _counted(
    reads: FileReads[FileTally], hotspots: gpd.GeoDataFrame
) -> tuple[CrimeCounts, pd.DataFrame]:
    """The crime files' counts against the hotspots, and their rows by month and crime type,
    each file counted as it comes: its counts by month and by month and crime type were made in
    the thread that read it (geo.counting.file_tally); here only its rows near a hotspot are
    tested and kept (see CrimeTally), so the rows are never held all at once."""
    from geo.counting.aggregate import CrimeTally
    from geo.counting.type_counts import type_counts_frame

    tally, type_counts = CrimeTally(hotspots), []
    for counted in reads:
        rows = counted.columns
        tally.add_months(counted.by_month)
        tally.add_located(rows.month, rows.lon, rows.lat, rows.asb)
        type_counts.append(counted.type_months)
    return tally.counts(), type_counts_frame(type_counts)


def _summary_of_dataset(args: argparse.Namespace) -> None:
    """The summary of a stored dataset (folder or database): the pages' table, its columns."""
    from geo.analysis.figures import SUMMARY_COLUMNS, programme_figures
    from geo.app.load import load_dataset
    from geo.period import Period

    dataset = load_dataset(args.data)
    period = Period.parse(args.period)
    dataset.check_period(period)
    context = dataset.context(period, args.keep_flagged)
    table = dataset.table(period, args.keep_flagged)[SUMMARY_COLUMNS]
    figures = programme_figures(table, dataset.counts, context)
    _print_notes(figures, dataset.anomalies, not dataset.patrol_log)
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


def _print_notes(figures: ProgrammeFigures, anomalies: Sequence[Anomaly], no_patrols: bool) -> None:
    """What the figures leave out, on stderr (the table on stdout stays machine-readable)."""
    from geo.analysis.figures import NO_PATROL_LOG

    for anomaly in anomalies:
        print(f"note: flagged month: {_plain_line(anomaly.line())}", file=sys.stderr)
    for kind, months in (("ASB", figures.asb_left_out), ("all crime", figures.crime_left_out)):
        if months:
            print(f"note: {kind} figures leave out {', '.join(months)}", file=sys.stderr)
    if figures.late_starters:
        print(
            f"note: {count_text(figures.late_starters, 'hotspot')} started during the period; "
            "their months before starting are left out of both years",
            file=sys.stderr,
        )
    if no_patrols:
        print(f"note: {NO_PATROL_LOG}: patrol columns are empty", file=sys.stderr)
    elif figures.arrests != figures.arrests:  # hours from GPS, outcomes from no log
        print(
            f"note: {NO_PATROL_LOG}: arrests and engagements are empty (GPS gives hours, not "
            "outcomes)",
            file=sys.stderr,
        )


def _plain_line(text: str) -> str:
    """File-derived text for a terminal: control characters (escape sequences) removed."""
    return "".join(c if c.isprintable() else "?" for c in text)


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


def run_evaluate(args: argparse.Namespace) -> None:
    """Print the period's evaluation (geo.analysis.report) as JSON, or its hotspots as CSV.

    The period is checked against the months with data, and flagged months are left out of
    both years unless --keep-flagged, exactly as the pages do.
    """
    from geo.analysis.anomalies import Exclusions
    from geo.analysis.context import EvaluationContext
    from geo.analysis.coverage import check_period
    from geo.analysis.report import evaluation_record, hotspot_frame, period_table
    from geo.period import Period

    period = Period.parse(args.period)
    if args.data is not None:
        if args.hotspots or args.crimes or args.patrols or args.control:
            raise HotspotDataError("give either --data or --hotspots and --crimes, not both")
        from geo.app.load import load_dataset

        dataset = load_dataset(args.data)
        hotspots, counts, areas, patrols = (
            dataset.hotspots, dataset.counts, dataset.areas, dataset.patrols_or_none
        )  # fmt: skip
        anomalies = tuple(dataset.anomalies)
    else:
        hotspots, counts, areas, patrols, anomalies = _evaluation_inputs(args)
    check_period(period, counts.months)
    context = EvaluationContext.of(
        period, hotspots, Exclusions(anomalies, keep_flagged=args.keep_flagged)
    )
    table = period_table(hotspots, counts, areas, patrols, context)
    record = evaluation_record(table, counts, areas, context)
    if args.format == "json":
        json.dump(record, sys.stdout, indent=1, ensure_ascii=False, allow_nan=False)
        sys.stdout.write("\n")
    else:
        hotspot_frame(record).to_csv(sys.stdout, index=False, lineterminator="\n")


def _evaluation_inputs(args: argparse.Namespace) -> tuple:
    """Hotspots, crime counts, area counts, patrols and flagged months read from the files."""
    if args.hotspots is None or not args.crimes:
        raise HotspotDataError("give --data DIR, or --hotspots FILE and --crimes PATH...")
    from geo.analysis.anomalies import find_anomalies
    from geo.app.configured import ring_width
    from geo.counting.aggregate import count_crimes
    from geo.counting.areas import area_counts
    from geo.counting.type_counts import type_month_counts
    from geo.io.crimes import read_crimes
    from geo.io.hotspots import read_hotspots
    from geo.io.patrols import read_patrols

    hotspots = read_hotspots(args.hotspots)
    patrols = read_patrols(args.patrols, hotspots["hotspot_id"]) if args.patrols else None
    control = read_hotspots(args.control) if args.control else None
    crimes = read_crimes(args.crimes)
    areas = area_counts(crimes, hotspots, ring_width(), control)
    anomalies = tuple(find_anomalies(type_month_counts(crimes)))
    return hotspots, count_crimes(crimes, hotspots), areas, patrols, anomalies


def _add_dosage(verbs: argparse._SubParsersAction) -> None:
    """`dosage`: GPS pings to per-hotspot patrol dosage (rules from geo.counting.visits)."""
    from geo.counting.visit_rules import MAX_ACCURACY_M, MAX_GAP_MIN, MIN_VISIT_MIN, TOLERANCE_M

    dosage = verbs.add_parser("dosage", help="patrol dosage per hotspot from GPS pings")
    dosage.add_argument("--hotspots", type=Path, help="hotspot polygon file")
    dosage.add_argument("--pings", nargs="+", type=Path, help="ping CSVs or folders of them")
    dosage.add_argument(
        "--data",
        type=str,
        help="a dataset folder or postgresql:// URL with imported pings (instead of files)",
    )
    dosage.add_argument(
        "--period", required=True, help="whole months START:END, e.g. 2025-01:2025-12"
    )
    dosage.add_argument("--format", choices=["csv", "json"], default="csv")
    dosage.add_argument(
        "--by-month", action="store_true", help="one row per hotspot and month of the period"
    )
    rules = (
        ("--tolerance-m", TOLERANCE_M, "distance outside a hotspot's edge that still counts"),
        ("--max-gap-min", MAX_GAP_MIN, "longest gap between one officer's pings in one visit"),
        ("--min-visit-min", MIN_VISIT_MIN, "shorter visits are pass-throughs"),
        ("--max-accuracy-m", MAX_ACCURACY_M, "pings with a worse stated accuracy are ignored"),
    )
    for flag, default, meaning in rules:
        dosage.add_argument(flag, type=float, default=default, help=f"{meaning} ({default:g})")


@_cycle_collection_paused()
def run_dosage(args: argparse.Namespace) -> None:
    """Print one row per hotspot of GPS dosage for the period; notes on what was skipped."""
    reader = _early_ping_reader(args)  # the pings are read while the rest is imported
    try:
        _dosage(args, reader)
    finally:
        if reader is not None:
            reader.close()


def _early_ping_reader(args: argparse.Namespace) -> PingFilesReader | None:
    """The reading of `--pings` begun (with `--hotspots`, no `--data`); None when it cannot be,
    the reason then given in its turn by `_dosage`."""
    from geo.io.pings import PingFilesReader, ping_files_in

    if args.data is not None or args.hotspots is None or not args.pings:
        return None
    try:
        return PingFilesReader(ping_files_in(args.pings))
    except HotspotDataError:
        return None


def _dosage(args: argparse.Namespace, reader: PingFilesReader | None) -> None:
    """`run_dosage` with the reading of the pings perhaps begun."""
    import numpy as np

    from geo.analysis.gps_dosage import gps_dosage, gps_dosage_by_month
    from geo.counting.ping_files import visits_from_files
    from geo.counting.visits import VisitRules
    from geo.io.hotspots import read_hotspots
    from geo.period import Period

    period = Period.parse(args.period)
    rules = VisitRules(
        tolerance_m=args.tolerance_m,
        max_accuracy_m=args.max_accuracy_m,
        max_gap_min=args.max_gap_min,
        min_visit_min=args.min_visit_min,
    )
    if args.data is not None:
        if args.hotspots or args.pings:
            raise HotspotDataError("give either --data or --hotspots and --pings, not both")
        from geo.app.load import dataset_visits

        result = dataset_visits(args.data, rules)
    elif args.hotspots is None or not args.pings:
        raise HotspotDataError("give --data DIR, or --hotspots FILE and --pings PATH...")
    else:
        result = visits_from_files(args.pings, read_hotspots(args.hotspots), rules, reader=reader)
    table = (gps_dosage_by_month if args.by_month else gps_dosage)(result, period)
    for note in result.stats.notes():
        print(f"note: {note}", file=sys.stderr)
    if args.format == "json":
        records = table.replace({np.nan: None}).to_dict(orient="records")
        json.dump(records, sys.stdout, indent=1, default=_json_default)
        sys.stdout.write("\n")
    else:
        table.to_csv(sys.stdout, index=False, float_format="%.2f", lineterminator="\n")


def run_return(args: argparse.Namespace) -> None:
    """Write the monthly return of a dataset (folder or database) as CSV or Excel."""
    from geo.analysis.monthly_return import monthly_return
    from geo.app.configured import data_location
    from geo.app.load import load_dataset
    from geo.period import parse_month
    from geo.view.return_file import SUFFIXES, write_return

    month = parse_month(args.month)
    if args.out.suffix.lower() not in SUFFIXES:
        raise HotspotDataError("give a file name ending in .csv or .xlsx", path=args.out)
    dataset = load_dataset(args.data or data_location())
    write_return(monthly_return(dataset, month), args.out)
    print(f"monthly return for {month} written to {args.out}", file=sys.stderr)


def run_briefing(args: argparse.Namespace) -> None:
    """Write the briefing of a dataset folder as PDF or PNG."""
    from geo.app.configured import data_location
    from geo.app.load import load_dataset
    from geo.period import Period
    from geo.view.briefing import briefing_page
    from geo.view.briefing_file import write

    dataset = load_dataset(args.data or data_location())
    for note in dataset.notes:
        print(f"note: {for_terminal(note)}", file=sys.stderr)
    period = Period.parse(args.period) if args.period else dataset.default_period
    write(briefing_page(dataset, period, args.town, keep_flagged=args.keep_flagged), args.out)
    print(f"briefing written to {for_terminal(args.out)}", file=sys.stderr)


def run_import(args: argparse.Namespace) -> None:
    """Check the files, then commit them; on bad input the dataset is left as it was."""
    from geo.app.imports import append_hotspots, import_files

    if args.append and (args.kind != "hotspots" or len(args.files) != 1):
        raise HotspotDataError("--append adds one hotspot file: geo import hotspots --append FILE")
    if args.append:
        staged, result = append_hotspots(args.data, args.files[0])
    else:
        staged, result = import_files(args.data, args.kind, args.files)
    for finding in staged.warnings:
        print(f"warning: {for_terminal(finding.line())}", file=sys.stderr)
    for line in result.lines:
        print(for_terminal(line))


def run_screen_token(args: argparse.Namespace) -> None:
    """Make (printing the token once), list or revoke the dataset's wall-screen tokens."""
    from geo.app.configured import data_location
    from geo.store.interface import open_store
    from geo.store.screen_tokens import TOKEN_PARAM

    store = open_store(args.data or data_location())
    if args.action == "list":
        for token in store.list_tokens():
            state = f"revoked {token.revoked}" if token.revoked else "active"
            print(f"{token.name}\tmade {token.created}\t{state}")
        return
    if not args.name:
        raise HotspotDataError(
            f"give the screen's name: python -m geo screen-token {args.action} NAME"
        )
    if args.action == "add":
        token = store.create_token(args.name)
        print(f"/briefing?{TOKEN_PARAM}={token}")
        print(
            "Open the app's address followed by this on the screen. It is shown only now (the "
            "dataset keeps a hash); revoke it with: "
            f"python -m geo screen-token revoke '{args.name}'",
            file=sys.stderr,
        )
    else:
        count = store.revoke_token(args.name)
        print(f"revoked {count_text(count, 'token')} named '{args.name}'", file=sys.stderr)


def run_bench(args: argparse.Namespace) -> None:
    """Generate data, time the pipeline against its comparisons, print the table: the developer
    tool tools.bench, run as a process of its own so the library never imports it; its exit
    status is passed on."""
    import subprocess

    command = [sys.executable, "-m", "tools.bench"]
    if args.quick:
        command.append("--quick")
    if args.work is not None:
        command += ["--work", str(args.work)]
    if args.postgres:
        command += ["--postgres", args.postgres]
    status = subprocess.run(command, check=False).returncode
    if status:
        raise SystemExit(status)


def run_sample(args: argparse.Namespace) -> None:
    """Write the deterministic sample dataset."""
    from geo.sample import write_sample

    write_sample(args.out)
    print(f"sample dataset written to {for_terminal(args.out)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a verb; bad input ends with one plain line on stderr and exit status 2."""
    args = build_parser().parse_args(argv)
    handlers = {
        "summary": run_summary,
        "evaluate": run_evaluate,
        "briefing": run_briefing,
        "import": run_import,
        "screen-token": run_screen_token,
        "sample": run_sample,
        "bench": run_bench,
        "dosage": run_dosage,
        "return": run_return,
        "db": run_db,
        "propose": run_propose,
    }
    try:
        handlers[args.verb](args)
    except HotspotDataError as exc:
        print(f"error: {for_terminal(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
    gc.freeze()  # exit need not walk what pandas made: 0.93 s CPU with, 0.98 s without (1M rows)
    return 0
