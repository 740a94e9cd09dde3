"""A small dataset with a flagged month: 36 months, one hotspot, no ASB published in 2024-03."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.helpers import square_hotspots, write_patrols, write_street_csv

ASB = "Anti-social behaviour"
NO_ASB_MONTH = "2024-03"
ASB_PER_MONTH = 40


def three_year_dataset(
    folder: Path, no_asb_months: tuple[str, ...] = (NO_ASB_MONTH,), town: str = "Testtown"
) -> Path:
    """2022-01 to 2024-12: 40 ASB reports and 10 burglaries a month in hotspot A (of `town`), no
    ASB in 2024-03 (or `no_asb_months`; flagged as absent), and a one-visit patrol log."""
    folder.mkdir(parents=True)
    square_hotspots(folder / "hotspots.geojson", {"A": (0.0, 50.0, 1.0, 51.0)}, towns=[town])
    for month in pd.period_range("2022-01", "2024-12", freq="M"):
        asb = 0 if str(month) in no_asb_months else ASB_PER_MONTH
        rows = [(str(month), 0.5, 50.5, ASB)] * asb + [(str(month), 0.5, 50.5, "Burglary")] * 10
        write_street_csv(folder / "crimes" / f"{month}-test-street.csv", rows)
    write_patrols(folder / "patrols.csv", [("A", "2024-01-02T10:00", "2024-01-02T11:00", 2, 1, 7)])
    return folder
