"""Tables sent to the page's grid hold the numbers they show: a screen reader reads the grid's
values, so a change shown as -32.6% must not be read out as -32.58426966292135."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

UNFORMATTED_DECIMALS = 4
"""Decimals streamlit's grid shows of a number without a format (and of one in 'plain')."""
LOCALIZED_DECIMALS = 3
"""Decimals of a number in the 'localized' format (the browser's own, at most three)."""
PERCENT_DECIMALS = 4
"""Decimals of a fraction in the 'percent' format, shown with at most two decimals of percent."""
_PRINTF = re.compile(r"%[-+ 0#,]*\d*(?:\.(\d+))?([dfeEgGi])")


def shown_decimals(config: object) -> int | None:
    """How many decimals a grid column shows, from its column config (a NumberColumn's dict, a
    heading alone, or None); None for a format of significant digits ('%.2e'), not decimals."""
    kind = config.get("type_config") if isinstance(config, Mapping) else None
    number_format = kind.get("format") if isinstance(kind, Mapping) else None
    if not number_format or number_format == "plain":
        return UNFORMATTED_DECIMALS
    if number_format == "localized":
        return LOCALIZED_DECIMALS
    if number_format == "percent":
        return PERCENT_DECIMALS
    if number_format in ("scientific", "engineering", "compact"):
        return None
    match = _PRINTF.search(str(number_format))
    if match is None:
        return UNFORMATTED_DECIMALS
    if match.group(2) in "di":
        return 0
    if match.group(2) != "f":
        return None
    return int(match.group(1)) if match.group(1) is not None else 6


def rounded_as_shown(
    frame: pd.DataFrame, column_config: Mapping[str, object] | None = None
) -> pd.DataFrame:
    """A copy of `frame` whose float columns are rounded to the decimals their column config
    shows (`shown_decimals`), so the grid holds what a person sees."""
    config = column_config or {}
    rounded = frame.copy()
    for column in frame.columns:
        decimals = shown_decimals(config.get(column))
        if decimals is not None and pd.api.types.is_float_dtype(frame[column]):
            rounded[column] = frame[column].round(decimals)
    return rounded
