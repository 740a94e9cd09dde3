"""The dataset folder (`HOTSPOT_DATA`): hotspots, an optional patrol log and police.uk crime files.

Loading reads and validates everything once and aggregates crimes per hotspot × month; the pages
then compute any period's figures from those counts. `dataset_version` changes whenever a file is
added, removed or modified, so callers can key caches on it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.analysis.anomalies import Anomaly, Exclusions, find_anomalies
from geo.analysis.context import EvaluationContext
from geo.analysis.coverage import check_period, comparable_months, latest_comparable
from geo.analysis.patrol_source import (
    GPS,
    LOG,
    NONE,
    gps_patrols,
    log_patrols,
    source_label,
    source_sentence,
)
from geo.analysis.report import period_table
from geo.counting.aggregate import CrimeCounts, count_crimes
from geo.counting.areas import AreaCounts, area_counts
from geo.counting.ping_files import visits_from_files
from geo.counting.type_counts import type_month_counts
from geo.counting.visits import VisitResult, VisitRules, shared_visits
from geo.errors import HotspotDataError
from geo.io.crime_cache import read_crimes_cached
from geo.io.crimes import files_below, street_files_in
from geo.io.hotspots import read_hotspots
from geo.io.patrols import empty_patrols, read_patrols
from geo.period import Period
from geo.settings import default_of, setting
from geo.store.folder_writes import recover_before_reading, recovery_notes
from geo.store.ping_cache import PingCache
from geo.store.pings_store import stored_ping_files

DEFAULT_FOLDER = Path(default_of("HOTSPOT_DATA"))
HOTSPOT_FILES = ("hotspots.geojson", "hotspots.gpkg", "hotspots.zip", "hotspots.kml")
SAMPLE_MARKER = "SAMPLE.md"
CONTROL_FILE = "control.geojson"
"""Optional control polygons (hotspot_id, name, polygon) for the displacement test."""


def data_folder() -> Path:
    """The dataset folder: `HOTSPOT_DATA`, or the generated sample."""
    return Path(setting("HOTSPOT_DATA"))


def data_location() -> Path | str:
    """Where the dataset is: a `postgresql://` URL in `HOTSPOT_DATA`, else `data_folder()`."""
    return location(setting("HOTSPOT_DATA"))


def location(text: str | Path) -> Path | str:
    """A dataset location as given on the command line or in settings: a URL or a folder."""
    from geo.store.postgres import DatabaseUrl, is_database_url

    return DatabaseUrl(text) if is_database_url(text) else Path(text)


def find_hotspot_file(folder: Path) -> Path:
    """The folder's hotspot file, whichever of the accepted formats it is in."""
    for name in HOTSPOT_FILES:
        if (folder / name).is_file():
            return folder / name
    raise HotspotDataError(
        f"no hotspot file; expected one of {', '.join(HOTSPOT_FILES)}", path=folder
    )


def dataset_version(folder: Path | str) -> str:
    """A key that changes whenever any file of the dataset changes (path, size, mtime), or, for a
    database, whenever an import commits."""
    from geo.store.postgres import is_database_url, store_version

    if is_database_url(folder):
        return store_version(str(folder))
    folder = Path(folder)
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(_files_below(folder)):
            if not path.name.startswith("."):
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
                )
    return digest.hexdigest()[:16]


def _files_below(folder: Path) -> list[Path]:
    """Every file below `folder`, following linked folders once each, outside hidden ones."""
    return files_below(folder, skip_hidden=True)


@dataclass(frozen=True)
class Dataset:
    """Everything the app shows, read and aggregated once."""

    folder: Path  # a geo.store.postgres.DatabaseUrl for a database store
    hotspots: gpd.GeoDataFrame
    patrols: pd.DataFrame
    counts: CrimeCounts
    areas: AreaCounts
    is_sample: bool
    version: str
    patrol_log: bool = True
    """False when the folder has neither patrols.csv nor GPS pings: patrol figures are unknown,
    not zero."""
    type_counts: pd.DataFrame | None = None
    """Rows and exact duplicate rows per month and crime type (geo.counting.type_counts)."""
    anomalies: tuple[Anomaly, ...] = ()
    """Flagged months per crime type (geo.analysis.anomalies), found at load."""
    patrol_rows: pd.DataFrame | None = None
    """The patrol log as read (None without patrols.csv): outcomes, and hours without GPS."""
    gps: VisitResult | None = None
    notes: tuple[str, ...] = ()
    """Things a reader should know about how the data came to be (an undone import)."""
    gps_asked: VisitRules | None = None
    """This app's own visit rules when a database's visits were built by others (and used)."""

    @property
    def patrol_source(self) -> str:
        """Where patrol hours come from: GPS pings, the patrol log, or none."""
        if self.gps is not None:
            return GPS
        return LOG if self.patrol_rows is not None and len(self.patrol_rows) else NONE

    @property
    def patrol_source_sentence(self) -> str:
        """The sentence pages show about the source of patrol hours."""
        if self.gps is None:
            return source_sentence(self.patrol_source)
        rules = " ".join(self.gps.rules.describe())
        said = f"{source_sentence(self.patrol_source, self.gps.stats.files)} {rules}"
        if self.gps_asked is None:
            return said
        return f"{said} {rules_set_by_imports(self.gps.rules, self.gps_asked)}"

    @property
    def patrol_source_label(self) -> str:
        """A few words on the source of patrol hours, for the wall and the briefing."""
        return source_label(self.patrol_source)

    @property
    def last_month(self) -> pd.Period:
        """The latest month with crime data."""
        months = self.counts.months
        if not months:
            raise HotspotDataError("holds no crime rows under crimes/", path=self.folder)
        return months[-1]

    @property
    def default_period(self) -> Period:
        """The latest twelve months whose baseline has data; else the latest twelve months."""
        return latest_comparable(self.counts.months) or Period.latest_year(self.last_month)

    @property
    def comparable_months(self) -> list[pd.Period]:
        """Months a period may start or end on: the same month a year earlier has data."""
        return comparable_months(self.counts.months)

    def check_period(self, period: Period) -> None:
        """Refuse (HotspotDataError) a period whose months or baseline have no data."""
        check_period(period, self.counts.months)

    def exclusions(self, keep_flagged: bool = False) -> Exclusions:
        """Months the figures leave out: flagged ones by default, only gaps when kept."""
        return Exclusions(self.anomalies, keep_flagged)

    def context(self, period: Period, keep_flagged: bool = False) -> EvaluationContext:
        """How every figure of `period` counts months: flagged months (unless kept) and each
        hotspot's months before it started left out."""
        return EvaluationContext.of(period, self.hotspots, self.exclusions(keep_flagged))

    def table(self, period: Period, keep_flagged: bool = False) -> pd.DataFrame:
        """The evaluated per-hotspot table of `period` (geo.analysis.report.period_table)."""
        return period_table(
            self.hotspots, self.counts, self.areas, self.patrols_or_none,
            self.context(period, keep_flagged),
        )  # fmt: skip

    @property
    def patrols_or_none(self) -> pd.DataFrame | None:
        """The patrol log, or None when the dataset has none (unknown, not zero)."""
        return self.patrols if self.patrol_log else None

    @property
    def towns(self) -> list[str]:
        """The towns named by hotspots, sorted."""
        return sorted(t for t in self.hotspots["town"].unique() if t)


def load_dataset(folder: Path | str) -> Dataset:
    """Read, validate and aggregate a dataset folder (or database URL); HotspotDataError on bad
    input."""
    from geo.store.postgres import is_database_url

    if is_database_url(folder):
        from geo.store.pg_dataset import load_dataset_pg

        return load_dataset_pg(str(folder), ring_width())
    folder = Path(folder)
    if not folder.is_dir():
        raise HotspotDataError(
            "dataset folder not found (set HOTSPOT_DATA, or run `python -m geo sample`)",
            path=folder,
        )
    recover_before_reading(folder)
    version = dataset_version(folder)
    hotspots = read_hotspots(find_hotspot_file(folder))
    patrol_file = folder / "patrols.csv"
    log = (
        read_patrols(patrol_file, hotspots["hotspot_id"])
        if patrol_file.is_file()
        else empty_patrols()
    )
    ping_files = stored_ping_files(folder)
    gps = None
    if ping_files:
        rules = visit_rules()
        cache = PingCache(folder, hotspots, rules)
        gps = _shared(visits_from_files(ping_files, hotspots, rules, cache=cache))
    patrols = gps_patrols(gps, log) if gps is not None else log_patrols(log)
    crimes = read_crimes_cached(folder, _crime_paths(folder))
    type_counts = type_month_counts(crimes)
    control_file = folder / CONTROL_FILE
    control = read_hotspots(control_file) if control_file.is_file() else None
    return Dataset(
        folder=folder,
        hotspots=hotspots,
        patrols=patrols,
        counts=count_crimes(crimes, hotspots),
        areas=area_counts(crimes, hotspots, ring_width(), control),
        is_sample=(folder / SAMPLE_MARKER).is_file(),
        version=version,
        patrol_log=patrol_file.is_file() or gps is not None,
        type_counts=type_counts,
        anomalies=tuple(find_anomalies(type_counts)),
        patrol_rows=log if patrol_file.is_file() else None,
        gps=gps,
        notes=tuple(recovery_notes(folder)),
    )


def dataset_visits(location: Path | str, rules: VisitRules) -> VisitResult:
    """The visits the dataset's stored GPS pings give under `rules` (for `geo dosage --data`)."""
    from geo.store.postgres import is_database_url

    if is_database_url(location):
        from geo.store.pg_pings import visits_pg

        result = visits_pg(str(location), rules)
    else:
        folder = Path(location)
        if not folder.is_dir():
            raise HotspotDataError("dataset folder not found", path=folder)
        recover_before_reading(folder)
        hotspots = read_hotspots(find_hotspot_file(folder))
        files = stored_ping_files(folder)
        cache = PingCache(folder, hotspots, rules)
        result = _shared(visits_from_files(files, hotspots, rules, cache=cache)) if files else None
    if result is None:
        raise HotspotDataError(
            "holds no GPS pings; import them with `python -m geo import --data "
            "DATASET pings FILE…`",
            path=getattr(location, "shown", location),
        )
    return result


def _shared(result: VisitResult) -> VisitResult:
    """The visits as both stores give them (geo.counting.visits.shared_visits: no officer)."""
    return dataclasses.replace(result, visits=shared_visits(result.visits))


RULE_SETTINGS = {
    "tolerance_m": "HOTSPOT_PING_TOLERANCE_M",
    "max_accuracy_m": "HOTSPOT_PING_MAX_ACCURACY_M",
    "max_gap_min": "HOTSPOT_PING_MAX_GAP_MIN",
    "min_visit_min": "HOTSPOT_PING_MIN_VISIT_MIN",
}
"""The environment variables that change the app's GPS visit rules (geo.counting.visits)."""


def visit_rules() -> VisitRules:
    """The GPS visit rules: the defaults, each changed by its variable in RULE_SETTINGS."""
    values = {}
    for name, variable in RULE_SETTINGS.items():
        text = setting(variable)
        if text:
            try:
                values[name] = float(text)
            except ValueError:
                raise HotspotDataError(f"{variable} is '{text[:40]}'; give a number") from None
    try:
        return VisitRules(**values)
    except HotspotDataError as exc:
        variable = next((RULE_SETTINGS[n] for n in values if n in exc.problem), "")
        raise HotspotDataError(f"{variable}: {exc.problem}" if variable else exc.problem) from exc


BUILT_RULES = ("tolerance_m", "max_accuracy_m", "max_gap_min")
"""The visit rules a database's visits are built with at import (the shortest visit applies when
they are read, so each app instance keeps its own)."""


def rules_set_by_imports(used: VisitRules, asked: VisitRules) -> str:
    """What the pages say when a database's visit rules are used in place of this app's own."""
    differ = [
        f"{RULE_SETTINGS[name]} is {getattr(asked, name):g} here, {getattr(used, name):g} there"
        for name in BUILT_RULES
        if getattr(used, name) != getattr(asked, name)
    ]
    return (
        "These are the database's visit rules, not this app's settings ("
        + "; ".join(differ)
        + "): the visits are built when pings or hotspots are imported, under the settings of "
        "whoever imports."
    )


def ring_width() -> int:
    """Width of the displacement rings: `HOTSPOT_RING_M` metres, 200 by default."""
    text = setting("HOTSPOT_RING_M")
    if not text.isdigit() or not 10 <= int(text) <= 5000:
        raise HotspotDataError(f"HOTSPOT_RING_M is '{text}'; give a width in metres, 10 to 5000")
    return int(text)


def _crime_paths(folder: Path) -> list[Path]:
    crimes = folder / "crimes"
    if not crimes.is_dir() or not street_files_in(crimes):
        raise HotspotDataError("holds no police.uk *-street.csv files", path=crimes)
    return [crimes]
