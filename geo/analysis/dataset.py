"""A dataset as the app shows it: the store it came from, its outlines and patrols, its counts,
the months flagged as anomalous, and the figures of any period worked out from them.

Made by geo.app.load from what a store's load gives (geo.store.loaded); every page, the wall,
the briefing and the command line read it.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.analysis.anomalies import Anomaly, Exclusions
from geo.analysis.context import EvaluationContext
from geo.analysis.coverage import check_period, comparable_months, latest_comparable
from geo.analysis.patrol_source import GPS, LOG, NONE, source_label, source_sentence
from geo.analysis.report import period_table
from geo.counting.aggregate import CrimeCounts
from geo.counting.areas import AreaCounts
from geo.counting.visits import VisitResult, VisitRules
from geo.errors import HotspotDataError
from geo.period import Period
from geo.settings import VISIT_RULE_SETTINGS
from geo.source import Source


@dataclass(frozen=True)
class Dataset:
    """Everything the app shows, read and aggregated once."""

    store: Source
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
            raise HotspotDataError("holds no crime rows under crimes/", path=self.store.shown)
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


BUILT_RULES = ("tolerance_m", "max_accuracy_m", "max_gap_min")
"""The visit rules a database's visits are built with at import (the shortest visit applies when
they are read, so each app instance keeps its own)."""


def rules_set_by_imports(used: VisitRules, asked: VisitRules) -> str:
    """What the pages say when a database's visit rules are used in place of this app's own."""
    differ = [
        f"{VISIT_RULE_SETTINGS[name]} is {getattr(asked, name):g} here, "
        f"{getattr(used, name):g} there"
        for name in BUILT_RULES
        if getattr(used, name) != getattr(asked, name)
    ]
    return (
        "These are the database's visit rules, not this app's settings ("
        + "; ".join(differ)
        + "): the visits are built when pings or hotspots are imported, under the settings of "
        "whoever imports."
    )
