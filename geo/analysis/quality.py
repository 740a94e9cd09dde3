"""A data-quality report for a dataset: what is missing, doubled, misplaced or out of date range.

Plain tables for the data page and the command line. Counts only: no incident is listed, so the
report can be shown on any screen.

- months covered, and months missing between the first and the last;
- months of a force held in more than one file (they would be counted twice);
- crime rows without a location (counted in force totals, never placed in a hotspot);
- crime rows farther than `far_m` metres from every hotspot (a wrong force's file, or swapped
  coordinates, shows up here as a large share);
- hotspots with no crime at all in the before or the after period (a polygon in the wrong place,
  or too small to hold any of police.uk's snap points);
- overlapping hotspots (their crimes count in each; programme totals count them once);
- patrol visits before their hotspot's `started` date (or after its `ended` date, where the
  hotspot layer has one); "no patrol log" when there is none, not a count of 0;
- months flagged as anomalous per crime type (geo.analysis.anomalies), which the figures leave
  out of both years by default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.analysis.anomalies import RULES, Anomaly
from geo.analysis.dataset import Dataset
from geo.analysis.figures import NO_PATROL_LOG, sum_in_period
from geo.crs import BRITISH_NATIONAL_GRID, WGS84
from geo.io.pings import PingStats
from geo.period import Period
from geo.words import count_text, span

FAR_M = 1000
"""Crime rows farther than this from every hotspot are counted as outside their surroundings."""
PATROL_PROBLEMS = {
    "entered twice": "Patrol log visits entered twice (both count until one is removed)",
    "one officer's visits overlap": "One officer's patrol visits overlapping in time",
    "time in the repeated hour": "Patrol times in the hour repeated when the clocks go back",
}
"""Each kind of patrol log problem (geo.io.patrols.log_problems) and its line in the summary."""
MIN_OVERLAP_M2 = 1.0
FAR_NOT_COUNTED = (
    "not counted for a database store: it needs every crime row, which app instances do not "
    "read (the store holds each month and force once, so no month is held twice)"
)


@dataclass(frozen=True)
class QualityReport:
    """The findings of `quality_report`, as plain values and tables."""

    months: list[str]
    missing_months: list[str]
    duplicate_months: pd.DataFrame
    rows: int
    no_location: int
    no_location_by_month: pd.DataFrame
    far_m: int
    far_rows: int | None
    """None for a database store, whose app instances read no crime rows to measure it."""
    period: Period | None
    quiet_hotspots: pd.DataFrame
    overlaps: pd.DataFrame
    patrols_outside: pd.DataFrame
    patrol_problems: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["problem", "rows", "detail"])
    )
    """Patrol log rows entered twice, one officer's overlapping visits, repeated-hour times."""
    ping_stats: PingStats | None = None
    """What reading the GPS pings counted (None without pings)."""
    patrol_log: bool = True
    anomalies: tuple[Anomaly, ...] = ()

    def anomaly_table(self) -> pd.DataFrame:
        """One row per flagged month and crime type: month, crime_type, what."""
        return pd.DataFrame(
            [(str(a.month), a.crime_type, a.what) for a in self.anomalies],
            columns=["month", "crime_type", "what"],
        )

    def summary(self) -> pd.DataFrame:
        """One row per check: check, count, detail."""
        located = self.rows - self.no_location
        covered = span(self.months[0], self.months[-1]) if self.months else "no crime data"
        rows = [
            ("Months of crime data", len(self.months), covered),
            ("Missing months (gaps)", len(self.missing_months), _listed(self.missing_months)),
            (
                "Months held twice (same force in two files)",
                len(self.duplicate_months),
                _listed(list(self.duplicate_months["month"])),
            ),
            (
                "Crime rows without a location",
                self.no_location,
                f"{_share(self.no_location, self.rows)} of {self.rows:,} rows; counted forcewide, "
                "never placed in a hotspot",
            ),
            (
                f"Crime rows more than {self.far_m:,} m from every hotspot",
                self.far_rows,
                FAR_NOT_COUNTED
                if self.far_rows is None
                else f"{_share(self.far_rows, located)} of {located:,} rows with a location. "
                "Context, not a fault: hotspots cover a small part of a force, so most rows of "
                "a force-wide file lie far from them; only if nearly all rows do, check the "
                "file is this force's and its coordinates are not swapped",
            ),
            (
                "Hotspots with no crime in the before or the after period",
                len(self.quiet_hotspots),
                (_listed(list(self.quiet_hotspots["hotspot_id"])) or "none")
                + (f"; {self.period.label()} and the year before" if self.period else ""),
            ),
            (
                "Overlapping hotspot pairs",
                len(self.overlaps),
                _listed(
                    [f"{a} & {b}" for a, b in self.overlaps[["hotspot_a", "hotspot_b"]].values]
                ),
            ),
            (
                "Months flagged as anomalous (left out of both years by default)",
                len(self.anomalies),
                _listed([f"{a.month} {a.crime_type}" for a in self.anomalies]) or RULES,
            ),
            (
                "Patrol visits outside their hotspot's programme dates",
                (int(self.patrols_outside["visits"].sum()) if len(self.patrols_outside) else 0)
                if self.patrol_log
                else pd.NA,
                _listed(list(self.patrols_outside["hotspot_id"]))
                if self.patrol_log
                else NO_PATROL_LOG,
            ),
        ]
        if self.ping_stats is not None:
            pings = self.ping_stats
            rows.append(
                (
                    "GPS ping files",
                    pings.files,
                    f"{count_text(pings.rows - pings.no_fix, 'ping')} with a position; patrol "
                    "hours come from them",
                )
            )
            rows.append(
                ("GPS pings without a position (no fix), skipped", pings.no_fix,
                 f"{_share(pings.no_fix, pings.rows)} of {count_text(pings.rows, 'ping')}")
            )  # fmt: skip
            rows.append(
                ("GPS ping times in the repeated autumn hour, without an offset", pings.ambiguous,
                 "read as the first occurrence (BST)" if pings.ambiguous else "")
            )  # fmt: skip
        for problem, label in PATROL_PROBLEMS.items():
            found = self.patrol_problems[self.patrol_problems["problem"] == problem]
            rows.append((label, len(found), "; ".join(found["detail"].head(3))))
        frame = pd.DataFrame(rows, columns=["check", "count", "detail"])
        frame["count"] = frame["count"].astype("Int64")  # empty, not 0, where nothing is known
        return frame


def quality_report(
    dataset: Dataset,
    crimes: pd.DataFrame | None,
    duplicate_months: pd.DataFrame,
    patrol_problems: pd.DataFrame,
    far_m: int = FAR_M,
) -> QualityReport:
    """Check a loaded dataset, given what its store holds beside it: its crime rows (geo.io.crimes
    rows; None for a database, whose app instances read none: every check but the rows far from
    every hotspot is made from its counts), the months of a force held in more than one file, and
    what its patrol log holds that should be looked at (geo.io.patrols.log_problems)."""
    months = [str(m) for m in dataset.counts.months]
    force = dataset.counts.force
    period = dataset.default_period if months else None
    return QualityReport(
        months=months,
        missing_months=missing_months(dataset.counts.months),
        duplicate_months=duplicate_months,
        rows=int(force["crime"].sum()),
        no_location=int(force["no_location"].sum()),
        no_location_by_month=pd.DataFrame(
            {
                "month": months,
                "rows": force["crime"].to_numpy(),
                "no_location": force["no_location"].to_numpy(),
            }
        ),
        far_m=far_m,
        far_rows=None if crimes is None else far_rows(crimes, dataset.hotspots, far_m),
        period=period,
        quiet_hotspots=quiet_hotspots(dataset, period),
        overlaps=overlapping_hotspots(dataset.hotspots),
        patrols_outside=patrols_outside_dates(dataset.hotspots, dataset.patrols),
        patrol_log=dataset.patrol_log,
        anomalies=dataset.anomalies,
        ping_stats=dataset.gps.stats if dataset.gps is not None else None,
        patrol_problems=patrol_problems,
    )


def missing_months(months: list[pd.Period]) -> list[str]:
    """Months between the first and the last that have no rows at all."""
    if not months:
        return []
    present = {str(m) for m in months}
    return [
        str(m) for m in pd.period_range(months[0], months[-1], freq="M") if str(m) not in present
    ]


def far_rows(crimes: pd.DataFrame, hotspots: gpd.GeoDataFrame, far_m: float = FAR_M) -> int:
    """Crime rows with a location farther than `far_m` metres from every hotspot."""
    located = crimes[crimes["lon"].notna() & crimes["lat"].notna()]
    if located.empty:
        return 0
    codes, points = pd.factorize(located["lon"].to_numpy() + 1j * located["lat"].to_numpy())
    to_grid = pyproj.Transformer.from_crs(WGS84, BRITISH_NATIONAL_GRID, always_xy=True)
    x, y = to_grid.transform(points.real, points.imag)
    geoms = shapely.points(np.asarray(x), np.asarray(y))
    polygons = hotspots.to_crs(BRITISH_NATIONAL_GRID).geometry.values
    near = np.zeros(len(points), dtype=bool)
    if len(polygons):
        point_idx, _ = shapely.STRtree(polygons).query(geoms, predicate="dwithin", distance=far_m)
        near[point_idx] = True
    return int((~near[codes]).sum())


def quiet_hotspots(dataset: Dataset, period: Period | None) -> pd.DataFrame:
    """Hotspots with no crime in the after period, or in the before period where data covers it."""
    columns = ["hotspot_id", "name", "crime_before", "crime_after"]
    if period is None:
        return pd.DataFrame(columns=columns)
    covered = {str(m) for m in dataset.counts.months}
    after = sum_in_period(dataset.counts.hotspot, period, by="hotspot_id")["crime"]
    before = sum_in_period(dataset.counts.hotspot, period.before, by="hotspot_id")["crime"]
    table = dataset.hotspots[["hotspot_id", "name"]].copy()
    table["crime_before"] = table["hotspot_id"].map(before).fillna(0).astype(int)
    table["crime_after"] = table["hotspot_id"].map(after).fillna(0).astype(int)
    check_before = any(str(m) in covered for m in period.before.months)
    quiet = table["crime_after"] == 0
    if check_before:
        quiet |= table["crime_before"] == 0
    return table[quiet].reset_index(drop=True)[columns]


def overlapping_hotspots(hotspots: gpd.GeoDataFrame) -> pd.DataFrame:
    """Pairs of hotspots that share area: overlap in m² and as a share of the smaller one."""
    columns = ["hotspot_a", "hotspot_b", "overlap_m2", "share_of_smaller_pct"]
    grid = hotspots.to_crs(BRITISH_NATIONAL_GRID)
    geoms = grid.geometry.values
    if len(geoms) < 2:
        return pd.DataFrame(columns=columns)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    overlap = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    smaller = np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
    keep = overlap >= MIN_OVERLAP_M2
    ids = grid["hotspot_id"].to_numpy()
    return pd.DataFrame(
        {
            "hotspot_a": ids[left[keep]],
            "hotspot_b": ids[right[keep]],
            "overlap_m2": np.round(overlap[keep]).astype(int),
            "share_of_smaller_pct": np.round(100 * overlap[keep] / smaller[keep], 1),
        },
        columns=columns,
    )


def patrols_outside_dates(hotspots: gpd.GeoDataFrame, patrols: pd.DataFrame) -> pd.DataFrame:
    """Per hotspot, visits that start before its `started` date (or after its `ended` date)."""
    columns = ["hotspot_id", "started", "ended", "visits", "first_visit", "last_visit"]
    if patrols.empty:
        return pd.DataFrame(columns=columns)
    dates = hotspots.set_index("hotspot_id")
    started = patrols["hotspot_id"].map(dates["started"]) if "started" in dates else None
    ended = patrols["hotspot_id"].map(dates["ended"]) if "ended" in dates else None
    outside = pd.Series(False, index=patrols.index)
    if started is not None:
        outside |= started.notna() & (patrols["start"] < pd.to_datetime(started))
    if ended is not None:
        next_day = pd.to_datetime(ended) + pd.Timedelta(days=1)
        outside |= next_day.notna() & (patrols["start"] >= next_day)
    if not outside.any():
        return pd.DataFrame(columns=columns)
    rows = patrols[outside]
    grouped = rows.groupby("hotspot_id")["start"].agg(["size", "min", "max"]).reset_index()
    return pd.DataFrame(
        {
            "hotspot_id": grouped["hotspot_id"],
            "started": grouped["hotspot_id"].map(dates["started"])
            if started is not None
            else pd.NaT,
            "ended": grouped["hotspot_id"].map(dates["ended"]) if ended is not None else pd.NaT,
            "visits": grouped["size"].astype(int),
            "first_visit": grouped["min"],
            "last_visit": grouped["max"],
        },
        columns=columns,
    )


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"


def _listed(items: list[str], limit: int = 6) -> str:
    if not items:
        return ""
    shown = ", ".join(map(str, items[:limit]))
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
