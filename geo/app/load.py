"""Loading the dataset the app shows: the store opened, its dataset loaded and counted under the
settings (ring width, GPS visit rules), and the analysis run on what it gives (months flagged as
anomalous, patrol hours from GPS or the patrol log)."""

from __future__ import annotations

from pathlib import Path

from geo.analysis.anomalies import find_anomalies
from geo.analysis.dataset import Dataset
from geo.analysis.patrol_source import gps_patrols, log_patrols
from geo.app.configured import ring_width, visit_rules
from geo.counting.visits import VisitResult, VisitRules
from geo.errors import HotspotDataError
from geo.io.patrols import empty_patrols
from geo.store.interface import Store, as_store


def load_dataset(given: Store | Path | str) -> Dataset:
    """Read, validate and count the dataset of a store (or the store at a location), and find
    its flagged months; HotspotDataError on bad input."""
    store = as_store(given)
    rules = visit_rules()
    stored = store.load(ring_width(), rules)
    log = stored.patrol_log if stored.patrol_log is not None else empty_patrols()
    gps = stored.gps
    return Dataset(
        store=store,
        hotspots=stored.hotspots,
        patrols=gps_patrols(gps, log) if gps is not None else log_patrols(log),
        counts=stored.counts,
        areas=stored.areas,
        is_sample=stored.is_sample,
        version=stored.version,
        patrol_log=stored.patrol_log is not None or gps is not None,
        type_counts=stored.type_counts,
        anomalies=tuple(find_anomalies(stored.type_counts)),
        patrol_rows=stored.patrol_log,
        gps=gps,
        notes=stored.notes,
        gps_asked=rules if gps is not None and gps.rules != rules else None,
    )


def dataset_version(given: Store | Path | str) -> str:
    """A key that changes whenever the store's data changes (caches are keyed on it)."""
    return as_store(given).version()


def dataset_visits(given: Store | Path | str, rules: VisitRules) -> VisitResult:
    """The visits the store's GPS pings give under `rules` (for `geo dosage --data`)."""
    store = as_store(given)
    result = store.visits(rules)
    if result is None:
        raise HotspotDataError(
            "holds no GPS pings; import them with `python -m geo import --data "
            "DATASET pings FILE…`",
            path=store.shown,
        )
    return result
