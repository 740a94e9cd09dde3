"""What the settings say the app works with: where the dataset is, the displacement rings' width
and the GPS visit rules (each read through geo.settings and checked here, with a message saying
which setting is wrong)."""

from __future__ import annotations

from pathlib import Path

from geo.counting.visits import VisitRules
from geo.errors import HotspotDataError
from geo.settings import VISIT_RULE_SETTINGS, default_of, setting
from geo.store.interface import Store, open_store

DEFAULT_FOLDER = Path(default_of("HOTSPOT_DATA"))


def data_folder() -> Path:
    """The dataset folder: `HOTSPOT_DATA`, or the generated sample (its text as a path, also for
    hiding server paths in what pages show)."""
    return Path(setting("HOTSPOT_DATA"))


def data_location() -> str:
    """Where the dataset is, as `HOTSPOT_DATA` says: a folder or a `postgresql://` URL."""
    return setting("HOTSPOT_DATA")


def data_store() -> Store:
    """The store `HOTSPOT_DATA` names."""
    return open_store(data_location())


def visit_rules() -> VisitRules:
    """The GPS visit rules: the defaults, each changed by its setting (VISIT_RULE_SETTINGS)."""
    values = {}
    for name, variable in VISIT_RULE_SETTINGS.items():
        text = setting(variable)
        if text:
            try:
                values[name] = float(text)
            except ValueError:
                raise HotspotDataError(f"{variable} is '{text[:40]}'; give a number") from None
    try:
        return VisitRules(**values)
    except HotspotDataError as exc:
        variable = next((VISIT_RULE_SETTINGS[n] for n in values if n in exc.problem), "")
        raise HotspotDataError(f"{variable}: {exc.problem}" if variable else exc.problem) from exc


def ring_width() -> int:
    """Width of the displacement rings: `HOTSPOT_RING_M` metres, 200 by default."""
    text = setting("HOTSPOT_RING_M")
    if not text.isdigit() or not 10 <= int(text) <= 5000:
        raise HotspotDataError(f"HOTSPOT_RING_M is '{text}'; give a width in metres, 10 to 5000")
    return int(text)
