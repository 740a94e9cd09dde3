"""The project's one exception type, carrying where in which file a problem was found."""

from __future__ import annotations

from pathlib import Path


class HotspotDataError(ValueError):
    """Input that cannot be used, with a message a manager can act on.

    The message names the file and, where there is one, the row (1-based, counting the header as
    row 1, as a spreadsheet shows it) and the column.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problem = message
        self.path = str(path) if path is not None else None
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
