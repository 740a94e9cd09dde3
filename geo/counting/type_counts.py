"""Rows and exact duplicate rows per month and crime type, forcewide: what the anomaly rules
(geo.analysis.anomalies) judge, counted by a folder's load, a database's import and the command
line alike."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.counting.file_tally import TypeMonths, type_months


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
    return type_counts_frame([type_months(month, type_code, names, duplicate)])


def type_counts_frame(parts: list[TypeMonths]) -> pd.DataFrame:
    """Counts of batches of rows (geo.counting.file_tally.type_months) as one frame: month,
    crime_type, rows, duplicates (a month and type may recur: find_anomalies sums them)."""
    if not parts:
        return pd.DataFrame(
            {
                "month": np.array([], dtype=np.int32),
                "crime_type": np.array([], dtype=object),
                "rows": np.array([], dtype=np.int64),
                "duplicates": np.array([], dtype=np.int64),
            }
        )
    return pd.DataFrame(
        {
            name: np.concatenate([getattr(part, name) for part in parts])
            for name in ("month", "crime_type", "rows", "duplicates")
        }
    )
