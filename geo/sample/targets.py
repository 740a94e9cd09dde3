"""What the sample is built to show: its months, the programme's published figures, and each
hotspot's fixed ASB counts and patrol weight.

The figures hold by construction: `HOTSPOT_TARGETS` gives every hotspot's ASB in the year before
patrols and the year of patrols (a mean change of -25% across hotspots, and the largest fall, -45%,
at the hotspot with the largest patrol weight), and the generator writes exactly those counts.
Every hotspot's baseline is at least the too-few threshold (stats.TOO_FEW_BEFORE), so every one
counts in the mean: a programme chosen for its busiest places. The app's own figures are checked
against these in tests/test_sample.py.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

MONTHS = pd.period_range("2024-10", periods=24, freq="M")

TARGET_OFFICER_MINUTES = 9_250 * 60
TARGET_ARRESTS = 111
TARGET_ENGAGEMENTS = 30_500
HOTSPOT_CRIME_RATIO = 0.88  # all crime in the hotspots: -12%
FORCE_CRIME_RATIO = 0.98  # all crime forcewide: -2%
FORCE_YEAR_ROWS = 31_400  # rows in the "before" year: about 2,600 a month, under 15 MB in all


class HotspotTarget(NamedTuple):
    """One hotspot's ASB in the year before and the year of patrols, and its share of patrols
    (a relative weight: officer time is split across hotspots in proportion to it)."""

    asb_before: int
    asb_after: int
    patrol_weight: float


HOTSPOT_TARGETS: dict[str, HotspotTarget] = {
    "HS-CHE-01": HotspotTarget(196, 132, 1.25),  # Chesterfield Market Place
    "HS-CHE-02": HotspotTarget(174, 188, 0.80),  # Chesterfield Station
    "HS-CHE-03": HotspotTarget(152, 121, 1.20),  # Chesterfield Holme Hall
    "HS-CHE-04": HotspotTarget(172, 131, 1.12),  # Chesterfield Boythorpe
    "HS-HEA-01": HotspotTarget(199, 173, 0.91),  # Heanor Market Place
    "HS-HEA-02": HotspotTarget(135, 89, 1.22),  # Heanor Loscoe Road
    "HS-HEA-03": HotspotTarget(176, 185, 0.61),  # Heanor Derby Road
    "HS-SHI-01": HotspotTarget(154, 128, 0.88),  # Shirebrook Market Square
    "HS-SHI-02": HotspotTarget(165, 119, 1.26),  # Shirebrook Model Village
    "HS-SHI-03": HotspotTarget(133, 105, 0.96),  # Shirebrook Carter Lane
    "HS-ILK-01": HotspotTarget(180, 99, 1.73),  # Ilkeston Market Place: -45%, most patrolled
    "HS-ILK-02": HotspotTarget(132, 96, 1.21),  # Ilkeston Cotmanhay
    "HS-LEA-01": HotspotTarget(179, 111, 1.31),  # Long Eaton Market Place
    "HS-SWA-01": HotspotTarget(179, 111, 1.40),  # Swadlincote Delph
    "HS-BUX-01": HotspotTarget(194, 154, 0.89),  # Buxton Market Place
    "HS-BUX-02": HotspotTarget(208, 171, 0.99),  # Buxton Spring Gardens
    "HS-GLO-01": HotspotTarget(242, 163, 1.61),  # Glossop Norfolk Street
    "HS-GLO-02": HotspotTarget(179, 131, 1.02),  # Glossop Gamesley
    "HS-ALF-01": HotspotTarget(248, 151, 1.24),  # Alfreton King Street
    "HS-BOL-01": HotspotTarget(250, 218, 0.78),  # Bolsover Market Place
    "HS-STA-01": HotspotTarget(208, 158, 1.16),  # Staveley High Street
    "HS-RIP-01": HotspotTarget(243, 172, 1.33),  # Ripley Market Place
    "HS-DER-01": HotspotTarget(213, 138, 1.60),  # Derby Market Place
    "HS-DER-02": HotspotTarget(130, 83, 1.32),  # Derby Normanton Road
}


def sample_period() -> tuple[str, str]:
    """The months the sample is built for (the latest 12 of its 24), as `YYYY-MM`."""
    return str(MONTHS[12]), str(MONTHS[-1])
