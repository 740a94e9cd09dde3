"""Three ordinary months of crime and the months that follow them, for tests of what an import's
check says about months that will be flagged as anomalous."""

from __future__ import annotations

from pathlib import Path

from geo.schema import ASB
from tests.helpers import IN_A, IN_B, A, B, square_hotspots, write_patrols, write_street_csv

MONTHS = ("2024-01", "2024-02", "2024-03")


def month_of_crime(month: str, asb: int = 30, burglary: int = 30) -> list[tuple]:
    """A month of distinct ASB reports in hotspot A and distinct burglaries in B."""
    step = 0.00001
    return [(month, IN_A[0] + i * step, IN_A[1], ASB) for i in range(asb)] + [
        (month, IN_B[0] + i * step, IN_B[1], "Burglary") for i in range(burglary)
    ]


def street_file(folder: Path, month: str, rows: list[tuple]) -> Path:
    """`rows` as police.uk's street file of `month` in `folder`."""
    return write_street_csv(folder / f"{month}-test-street.csv", rows)


def repeated_burglaries(path: Path) -> Path:
    """The street file with every burglary row the same row (ids and all), as in a file
    published with its rows copied."""
    lines = path.read_text().splitlines()
    burglaries = [line for line in lines if "Burglary" in line]
    kept = [line for line in lines if "Burglary" not in line]
    path.write_text("\n".join(kept + [burglaries[0]] * len(burglaries)) + "\n")
    return path


def without_asb(path: Path) -> bytes:
    """The street file's bytes without its ASB rows."""
    lines = path.read_bytes().splitlines(keepends=True)
    return b"".join(line for line in lines if ASB.encode() not in line)


def three_month_dataset(folder: Path) -> Path:
    """Hotspots A and B, MONTHS of ordinary crime (none flagged) and a patrol log."""
    folder.mkdir()
    square_hotspots(folder / "hotspots.geojson", {"A": A, "B": B})
    for month in MONTHS:
        street_file(folder / "crimes" / month, month, month_of_crime(month))
    write_patrols(folder / "patrols.csv", [("A", "2024-01-02T10:00", "2024-01-02T11:00", 2, 1, 7)])
    return folder
