"""The domain's vocabulary, in one place: what police.uk files, hotspot layers, patrol logs and
pings hold, and the names every layer uses for them (beside geo.crs, the coordinate systems)."""

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
ROLES = ("police", "PCSO", "warden", "plain clothes")
"""The roles a GPS ping may name; code 0 is 'not given', role i has code i + 1."""
MAX_HOTSPOTS = 5_000
"""The most hotspots a file may hold: the map draws each one in the browser, and far more than a
programme patrols make it unusable (100,000 took minutes to draw)."""
MAX_TEXT_CHARS = 120
"""The longest hotspot_id, name or town: longer text squashes the map labels, charts and tables."""
LOCAL_TZ = "Europe/London"
"""The time zone of times written without an offset (patrol logs, pings)."""
VIEWER = "viewer"
"""The role that may see the map, the wall and the data quality report."""
IMPORTER = "importer"
"""The role that may also change the data."""
