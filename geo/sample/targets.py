"""What the sample is built to show: its months, the programme's published figures, and each
hotspot's fixed ASB counts and patrol weight.

The figures hold by construction: `HOTSPOT_TARGETS` gives every hotspot's ASB in the year before
patrols and the year of patrols (a mean change of -25% across hotspots, and the largest fall, -45%,
at the hotspot with the largest patrol weight), and the generator writes exactly those counts. The
app's own figures are checked against these in tests/test_sample.py.
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
    "HS-CHE-01": HotspotTarget(89, 60, 1.25),  # Chesterfield Market Place
    "HS-CHE-02": HotspotTarget(76, 82, 0.80),  # Chesterfield Station
    "HS-CHE-03": HotspotTarget(63, 50, 1.20),  # Chesterfield Holme Hall
    "HS-CHE-04": HotspotTarget(75, 57, 1.12),  # Chesterfield Boythorpe
    "HS-HEA-01": HotspotTarget(91, 79, 0.91),  # Heanor Market Place
    "HS-HEA-02": HotspotTarget(53, 35, 1.22),  # Heanor Loscoe Road
    "HS-HEA-03": HotspotTarget(77, 81, 0.61),  # Heanor Derby Road
    "HS-SHI-01": HotspotTarget(64, 53, 0.88),  # Shirebrook Market Square
    "HS-SHI-02": HotspotTarget(71, 51, 1.26),  # Shirebrook Model Village
    "HS-SHI-03": HotspotTarget(52, 41, 0.96),  # Shirebrook Carter Lane
    "HS-ILK-01": HotspotTarget(80, 44, 1.73),  # Ilkeston Market Place: -45%, most patrolled
    "HS-ILK-02": HotspotTarget(51, 37, 1.21),  # Ilkeston Cotmanhay
    "HS-LEA-01": HotspotTarget(79, 49, 1.31),  # Long Eaton Market Place
    "HS-SWA-01": HotspotTarget(79, 49, 1.40),  # Swadlincote Delph
    "HS-BUX-01": HotspotTarget(88, 70, 0.89),  # Buxton Market Place
    "HS-BUX-02": HotspotTarget(96, 79, 0.99),  # Buxton Spring Gardens
    "HS-GLO-01": HotspotTarget(116, 78, 1.61),  # Glossop Norfolk Street
    "HS-GLO-02": HotspotTarget(79, 58, 1.02),  # Glossop Gamesley
    "HS-ALF-01": HotspotTarget(120, 73, 1.24),  # Alfreton King Street
    "HS-BOL-01": HotspotTarget(121, 106, 0.78),  # Bolsover Market Place
    "HS-STA-01": HotspotTarget(96, 73, 1.16),  # Staveley High Street
    "HS-RIP-01": HotspotTarget(117, 83, 1.33),  # Ripley Market Place
    "HS-DER-01": HotspotTarget(99, 64, 1.60),  # Derby Market Place
    "HS-DER-02": HotspotTarget(50, 32, 1.32),  # Derby Normanton Road
}


def sample_period() -> tuple[str, str]:
    """The months the sample is built for (the latest 12 of its 24), as `YYYY-MM`."""
    return str(MONTHS[12]), str(MONTHS[-1])
