"""The default rules that turn GPS pings into visits: cheap to import (the command line's help
shows them), used by geo.counting.visits."""

TOLERANCE_M = 20.0
"""A ping within this distance of a hotspot's edge counts for it (GPS error)."""
MAX_ACCURACY_M = 50.0
"""Pings whose stated accuracy is worse than this are ignored."""
MAX_GAP_MIN = 5.0
"""One officer's counting pings at most this far apart join into one visit."""
MIN_VISIT_MIN = 2.0
"""A visit shorter than this is a pass-through (driving or walking through), not dosage."""
