"""Rows and exact duplicate rows per month and crime type, forcewide: what the anomaly rules
(geo.analysis.anomalies) judge, counted by a folder's load, a database's import and the command
line alike."""

from __future__ import annotations

import numpy as np
import pandas as pd


def type_month_counts(crimes: pd.DataFrame) -> pd.DataFrame:
    """Rows and exact duplicate rows per month (ordinal) and crime type, from the crime rows:
    one row per month and type that has rows, in month then type order (one counting pass)."""
    kinds = pd.Categorical(crimes["crime_type"])
    return type_counts_of(
        crimes["month"].to_numpy(),
        kinds.codes,
        list(kinds.categories.astype(str)),
        crimes["duplicate"].to_numpy(dtype=bool),
    )


def type_counts_of(
    month: np.ndarray, type_code: np.ndarray, names: list[str], duplicate: np.ndarray
) -> pd.DataFrame:
    """`type_month_counts` of rows given as arrays: crime types as numbers in `names` (-1: none).
    Counts of several batches of rows may be concatenated: find_anomalies sums equal months
    and types."""
    names_array = np.array(names, dtype=object)
    kinds = max(len(names), 1)
    first = int(month.min()) if len(month) else 0
    span = int(month.max()) - first + 1 if len(month) else 0
    slot = (month.astype(np.int64) - first) * kinds + type_code
    typed = type_code >= 0  # a row without a type is in no group
    if not typed.all():
        slot, duplicate = slot[typed], duplicate[typed]
    rows = np.bincount(slot, minlength=span * len(names))
    duplicates = np.bincount(slot[duplicate], minlength=len(rows))
    filled = np.flatnonzero(rows)
    return pd.DataFrame(
        {
            "month": (filled // kinds + first).astype(month.dtype),
            "crime_type": names_array[filled % kinds],
            "rows": rows[filled].astype(np.int64),
            "duplicates": duplicates[filled].astype(np.int64),
        }
    )
