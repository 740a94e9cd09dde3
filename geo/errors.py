"""The project's one exception type, carrying where in which file a problem was found."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from geo.store.location_text import shown_location, without_passwords

CSV_FIRST_ROW = 2
"""The row of a CSV's first data line: rows are file lines as a spreadsheet shows them, the
header being row 1."""
LAYER_FIRST_ROW = 1
"""The row of a layer's first feature: a hotspot file (GeoJSON, GeoPackage, Shapefile, KML) has
no header row, so row N is its Nth feature, as GIS tools number them."""


class HotspotDataError(ValueError):
    """Input that cannot be used, with a message a manager can act on.

    The message names the file and, where there is one, the row (CSV_FIRST_ROW and
    LAYER_FIRST_ROW say how rows are counted) and the column. Its text is shown to people: any
    password of a database location in the path or the message is hidden here, whatever made it.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        location = str(path) if path is not None else None
        self.problem = without_passwords(message, location)
        self.path = shown_location(location) if location is not None else None
        self.row = row
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.problem}" if where else self.problem


def refuse_first(
    bad: object,
    message: Callable[[int], str],
    *,
    path: str | Path | None,
    first_row: int,
    column: str | None = None,
) -> None:
    """Raise HotspotDataError for the first position where `bad` (booleans, one per data row)
    holds; `message` gets that 0-based position, and the row named is position + `first_row`."""
    positions = np.flatnonzero(np.asarray(bad, dtype=bool))
    if len(positions):
        position = int(positions[0])
        raise HotspotDataError(
            message(position), path=path, row=position + first_row, column=column
        )
