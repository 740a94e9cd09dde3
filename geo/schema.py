"""The domain's vocabulary, in one place: what police.uk files, patrol logs and pings hold, and
the names every layer uses for them (beside geo.crs, the coordinate systems)."""

from __future__ import annotations

POLICE_UK_HEADER = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
]  # fmt: skip
"""The columns of a police.uk street-level file, in order."""
ASB = "Anti-social behaviour"
"""police.uk's crime type for anti-social behaviour; 'all crime' is every row, ASB included."""
PATROL_COLUMNS = ["hotspot_id", "start", "end", "officers", "arrests", "engagements"]
"""The columns a patrol log must have: one row per visit."""
OUTCOME_COLUMNS = ["stop_searches", "asb_powers", "missing_found", "drugs_seized"]
"""Optional outcome counts of a patrol log; missing (NaN) when the log lacks the column."""
PATROL_TYPES = ("uniformed", "plain clothes", "partner")
"""The values a patrol log's `patrol_type` may take (any case); empty when not given."""
LOCAL_TZ = "Europe/London"
"""The time zone of times written without an offset (patrol logs, pings)."""
VIEWER = "viewer"
"""The role that may see the map, the wall and the data quality report."""
IMPORTER = "importer"
"""The role that may also change the data."""
