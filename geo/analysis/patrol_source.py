"""Where patrol time comes from: GPS pings when the dataset has them, else the patrol log.

Pages take patrol figures from one frame shaped like the patrol log (see geo.io.patrols). With
GPS pings, each GPS visit (pass-throughs apart) becomes a row of one officer with its elapsed
hours, and the patrol log's rows stay for what GPS cannot know (arrests, people spoken to and
other outcomes) with no hours and not counted as visits (`is_visit` False); a GPS visit's own
arrests and people spoken to are empty, so without a log they are missing, never 0 (see
geo.analysis.outcomes.logged_outcomes). Visit times stay in the frame for weekly and monthly
sums only: pages show aggregates per hotspot, never a visit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.analysis.gps_dosage import with_months
from geo.analysis.outcomes import LOGGED_OUTCOMES
from geo.counting.visits import VisitResult
from geo.schema import LOCAL_TZ
from geo.words import count_text

ROLE_TYPES = np.array(["", "uniformed", "uniformed", "partner", "plain clothes"], dtype=object)
"""Patrol type of a GPS visit by role code (geo.io.pings.ROLES): police officers and PCSOs are
uniformed, wardens partners; no role given, no type."""
GPS = "GPS pings"
LOG = "patrol log"
NONE = "none"


def gps_patrols(result: VisitResult, log: pd.DataFrame) -> pd.DataFrame:
    """The patrol frame with hours and visits from GPS and outcomes from the patrol log."""
    visits = with_months(result.visits)
    visits = visits[visits["minutes"] >= result.rules.min_visit_min]

    def local(seconds: pd.Series) -> pd.Series:
        times = pd.to_datetime(seconds.to_numpy(), unit="s", utc=True).tz_convert(LOCAL_TZ)
        return pd.Series(times.tz_localize(None), index=seconds.index)

    gps = pd.DataFrame(
        {
            "hotspot_id": result.hotspot_ids[visits["hotspot"].to_numpy()],
            "start": local(visits["start"]),
            "end": local(visits["end"]),
            "officers": np.ones(len(visits), dtype=np.int64),
            "hours": visits["minutes"].to_numpy() / 60.0,
            "month": visits["month"].to_numpy(dtype=np.int32),
            "is_visit": True,
            "patrol_type": ROLE_TYPES[visits["role"].to_numpy()],
        }
    )
    outcomes = log.assign(hours=0.0, is_visit=False)
    for column in outcomes.columns:
        if column in LOGGED_OUTCOMES:  # a GPS visit records no arrest: empty, not 0
            gps[column] = pd.Series(np.nan, index=gps.index, dtype=float)
        elif column not in gps.columns:
            kind = outcomes[column].dtype
            filler = "" if kind.kind == "O" else (np.nan if kind.kind == "f" else 0)
            gps[column] = pd.Series(filler, index=gps.index, dtype=outcomes[column].dtype)
    frame = pd.concat([gps[outcomes.columns], outcomes], ignore_index=True)
    return frame.astype({"is_visit": bool, "month": np.int32})


def log_patrols(log: pd.DataFrame) -> pd.DataFrame:
    """The patrol frame from the patrol log alone: every row a visit."""
    return log.assign(is_visit=True)


def source_sentence(source: str, files: int = 0) -> str:
    """What the pages say about where patrol hours come from."""
    if source == GPS:
        return (
            f"Patrol hours and visits: GPS pings ({count_text(files, 'file')}); arrests, "
            "people spoken to and any other outcomes recorded: the patrol log."
        )
    if source == LOG:
        return (
            "Patrol hours, visits, arrests, people spoken to and any other outcomes recorded: "
            "the patrol log."
        )
    return "No patrol data in this dataset: no GPS pings and no patrol log."


def source_label(source: str) -> str:
    """A few words for headers and the wall: where patrol hours come from."""
    return {GPS: "patrol hours from GPS", LOG: "patrol hours from the patrol log"}.get(
        source, "no patrol data"
    )
