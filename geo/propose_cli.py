"""`python -m geo propose`: proposed hotspots for a period, as a layer `geo import hotspots` takes.

Kept apart from geo.cli so that module only registers the verb; nothing heavy is imported until
the verb runs. Everything is checked and computed before the one file is written (to a temporary
name, then renamed), so bad input leaves nothing behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import HotspotDataError
from geo.words import count_text, plural

if TYPE_CHECKING:
    import geopandas as gpd

    from geo.analysis.proposal_data import ProposalSource

OUT_SUFFIXES = {".geojson": "GeoJSON", ".gpkg": "GPKG"}


def add_propose_verb(verbs: argparse._SubParsersAction) -> None:
    """The `propose` sub-command and its options."""
    propose = verbs.add_parser(
        "propose", help="propose hotspots: small places where incidents concentrate and stay"
    )
    propose.add_argument(
        "--data",
        type=str,
        help="a dataset folder or postgresql:// URL (its hotspots are kept out and name towns)",
    )
    propose.add_argument(
        "--crimes", nargs="+", type=Path, help="police.uk street CSVs, folders, or archive zip"
    )
    propose.add_argument(
        "--period", help="whole months START:END (default: the latest 12 months of the data)"
    )
    propose.add_argument(
        "--crime-type", help="the police.uk crime type (default: Anti-social behaviour)"
    )
    propose.add_argument("--max", type=int, default=20, help="most places to propose (20)")
    propose.add_argument(
        "--max-area-km2", type=float, default=0.5, help="largest area of one place (0.5 km²)"
    )
    propose.add_argument(
        "--out", type=Path, help="write the places as a hotspot file (.geojson or .gpkg)"
    )
    propose.add_argument(
        "--keep-flagged",
        action="store_true",
        help="count months flagged as anomalous for the crime type (left out by default)",
    )


def run_propose(args: argparse.Namespace) -> None:
    """Print the proposals as CSV (and write them to --out); notes on stderr."""
    from geo.analysis.proposals import ProposalRules

    rules = ProposalRules(places=args.max, max_area_km2=args.max_area_km2)
    rules.check()
    if args.out is not None:
        _check_out(args.out)
    source = _source(args)
    from geo.analysis.proposals import propose

    proposals = propose(source, args.crime_type, args.period, rules, args.keep_flagged)
    if proposals.left_out:
        print(
            f"note: {proposals.crime_type} of {', '.join(proposals.left_out)} left out "
            "(flagged as anomalous)",
            file=sys.stderr,
        )
    if len(proposals.frame) < rules.places:
        print(
            f"note: only {count_text(len(proposals.frame), 'place')} "
            f"{plural(len(proposals.frame), 'qualifies', 'qualify')}: incidents in at least "
            "half the period's months, outside the existing hotspots",
            file=sys.stderr,
        )
    if args.out is not None:
        _write(proposals.frame, args.out)
    table = proposals.frame.drop(columns="geometry")
    table.to_csv(sys.stdout, index=False, lineterminator="\n")
    where = f"; written to {args.out}" if args.out is not None else ""
    print(f"{proposals.line()}{where}", file=sys.stderr)


def _source(args: argparse.Namespace) -> ProposalSource:
    """The rows to propose from: a dataset (--data) or crime files (--crimes)."""
    from geo.app.proposals import dataset_source, files_source

    if args.data is not None and args.crimes:
        raise HotspotDataError("give --data or --crimes, not both")
    if args.data is not None:
        return dataset_source(args.data)
    if args.crimes:
        return files_source(args.crimes)
    raise HotspotDataError("give --data DIR|URL, or --crimes PATH...")


def _check_out(out: Path) -> None:
    """Refuse an output the layer cannot be written to, before any work is done."""
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise HotspotDataError("give a file name ending in .geojson or .gpkg", path=out)
    if out.is_dir():
        raise HotspotDataError("is a folder; give a file name", path=out)
    if not out.parent.is_dir():
        raise HotspotDataError("the folder to write into does not exist", path=out.parent)


def _write(frame: gpd.GeoDataFrame, out: Path) -> None:
    """Write the layer (GeoJSON in longitude/latitude, GeoPackage in British National Grid
    metres, each declaring its CRS) to a temporary name beside `out`, then rename it."""
    from geo.crs import WGS84

    driver = OUT_SUFFIXES[out.suffix.lower()]
    layer = frame.to_crs(WGS84) if driver == "GeoJSON" else frame
    temporary = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}{out.suffix}")
    try:
        layer.to_file(temporary, driver=driver, engine="pyogrio", layer=out.stem)
        os.replace(temporary, out)
    except Exception as exc:  # GDAL raises many types; all mean the same to the user
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HotspotDataError(f"cannot be written ({detail})", path=out) from exc
    finally:
        temporary.unlink(missing_ok=True)
