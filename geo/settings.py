"""Every setting the app reads from its environment (`HOTSPOT_*`): name, default and meaning.

The one list of them: each is read here (`setting`), and the documentation's table of settings
is made from SETTINGS. The modules that use a setting check its value and say what is wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, the value used when it is unset, and what it does."""

    name: str
    default: str
    meaning: str


SETTINGS = (
    Setting(
        "HOTSPOT_DATA",
        "data/sample",
        "The dataset: a folder, or a postgresql:// URL (passwords belong in ~/.pgpass).",
    ),
    Setting(
        "HOTSPOT_TILES",
        "osm",
        "Map tiles: `osm` (OpenStreetMap), a force's own tile URL with {z}/{x}/{y}, or `none` "
        "(a plain background; the map still reads).",
    ),
    Setting("HOTSPOT_TILES_ATTRIBUTION", "", "The credit shown for your own tile server."),
    Setting("HOTSPOT_RING_M", "200", "Width in metres of each hotspot's displacement ring."),
    Setting(
        "HOTSPOT_PING_TOLERANCE_M",
        "",
        "GPS visits: how far outside a hotspot (metres) a ping still counts as in it "
        "(empty: the rule's default).",
    ),
    Setting(
        "HOTSPOT_PING_MAX_ACCURACY_M",
        "",
        "GPS visits: pings less accurate than this (metres) are left out (empty: the default).",
    ),
    Setting(
        "HOTSPOT_PING_MAX_GAP_MIN",
        "",
        "GPS visits: a longer gap between pings (minutes) ends a visit (empty: the default).",
    ),
    Setting(
        "HOTSPOT_PING_MIN_VISIT_MIN",
        "",
        "GPS visits: shorter visits (minutes) are not counted (empty: the default).",
    ),
    Setting(
        "HOTSPOT_PSEUDONYM_KEY",
        "",
        "The key officer ids are pseudonymised with when pings are imported (empty: a key "
        "kept in the dataset, readable by its owner only).",
    ),
    Setting(
        "HOTSPOT_OPEN_WITHOUT_SIGNIN",
        "",
        "`yes` lets the server listen beyond this computer without sign-in (others may look, "
        "never change data).",
    ),
)
"""Every `HOTSPOT_*` setting, in the order the documentation lists them."""
_BY_NAME = {s.name: s for s in SETTINGS}
VISIT_RULE_SETTINGS = {
    "tolerance_m": "HOTSPOT_PING_TOLERANCE_M",
    "max_accuracy_m": "HOTSPOT_PING_MAX_ACCURACY_M",
    "max_gap_min": "HOTSPOT_PING_MAX_GAP_MIN",
    "min_visit_min": "HOTSPOT_PING_MIN_VISIT_MIN",
}
"""The setting that changes each of the app's GPS visit rules (geo.counting.visits.VisitRules)."""


def setting(name: str, strip: bool = True) -> str:
    """The value of setting `name` (stripped unless `strip` is False, as a key's spaces are
    part of it); its default when unset or empty."""
    value = os.environ.get(name, "")
    return (value.strip() if strip else value) or _BY_NAME[name].default


def default_of(name: str) -> str:
    """The value setting `name` takes when it is not set."""
    return _BY_NAME[name].default


def settings_table() -> str:
    """The settings as a Markdown table, for the documentation."""
    rows = ["| setting | default | what it does |", "|---|---|---|"]
    for item in SETTINGS:
        default = f"`{item.default}`" if item.default else "(none)"
        rows.append(f"| `{item.name}` | {default} | {item.meaning} |")
    return "\n".join(rows)
