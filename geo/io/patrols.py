"""Read the patrol log: one row per visit, `hotspot_id,start,end,officers,arrests,engagements`.

Times are ISO 8601 local times (Europe/London). Officer hours = (end − start) × officers, with the
duration measured in real elapsed time, so a visit across a clock change counts what was worked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import HotspotDataError

PATROL_COLUMNS = ["hotspot_id", "start", "end", "officers", "arrests", "engagements"]
LOCAL_TZ = "Europe/London"
MAX_COUNT = 1_000_000_000


def read_patrols(path: str | Path, hotspot_ids: Collection[str] | None = None) -> pd.DataFrame:
    """Read and validate a patrol log; add `hours` (officer hours) and `month` (ordinal)."""
    path = Path(path)
    raw = _read_text_table(path)
    frame = pd.DataFrame({"hotspot_id": raw["hotspot_id"].str.strip()})
    _check_ids(frame["hotspot_id"], hotspot_ids, path)
    for column in ("start", "end"):
        frame[column] = _parse_times(raw[column], path, column)
    frame["officers"] = _parse_counts(raw["officers"], path, "officers", minimum=1)
    frame["arrests"] = _parse_counts(raw["arrests"], path, "arrests", minimum=0)
    frame["engagements"] = _parse_counts(raw["engagements"], path, "engagements", minimum=0)
    elapsed = _elapsed_hours(frame["start"], frame["end"])
    _check_order(elapsed, path)
    frame["hours"] = elapsed * frame["officers"]
    frame["month"] = frame["start"].dt.to_period("M").array.asi8.astype(np.int32)
    return frame


def empty_patrols() -> pd.DataFrame:
    """A patrol log with no visits, for datasets that have none."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in PATROL_COLUMNS})
    frame["start"] = pd.Series(dtype="datetime64[ns]")
    frame["end"] = pd.Series(dtype="datetime64[ns]")
    for column in ("officers", "arrests", "engagements"):
        frame[column] = pd.Series(dtype=np.int64)
    frame["hours"] = pd.Series(dtype=float)
    frame["month"] = pd.Series(dtype=np.int32)
    return frame


def _read_text_table(path: Path) -> pd.DataFrame:
    """The CSV as text cells, after checking it exists, is text and has the columns."""
    if not path.is_file():
        raise HotspotDataError("file not found", path=path)
    data = path.read_bytes()
    if not data.strip():
        raise HotspotDataError("the file is empty", path=path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HotspotDataError("is UTF-16 text; re-save it as 'CSV UTF-8'", path=path)
    if b"\x00" in data[:4096]:
        raise HotspotDataError("is not a text CSV file (it holds binary data)", path=path)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HotspotDataError(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x}; Windows-1252 from Excel?); "
            "re-save it as 'CSV UTF-8'",
            path=path,
            row=data.count(b"\n", 0, exc.start) + 1,
        ) from exc
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise HotspotDataError(f"cannot be read as CSV ({exc})", path=path) from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in PATROL_COLUMNS if c not in raw.columns]
    if missing:
        raise HotspotDataError(
            f"lacks the column(s) {', '.join(missing)}; the header must be "
            + ",".join(PATROL_COLUMNS),
            path=path,
            row=1,
            column=missing[0],
        )
    return raw


def _refuse_first(bad: pd.Series, path: Path, column: str, message: Callable[[int], str]) -> None:
    """Raise for the first row where `bad` holds; `message` gets that row's position.

    Rows are named as a spreadsheet shows them: the header is row 1.
    """
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise HotspotDataError(message(position), path=path, row=position + 2, column=column)


def _check_ids(ids: pd.Series, known: Collection[str] | None, path: Path) -> None:
    _refuse_first(ids == "", path, "hotspot_id", lambda _: "hotspot_id is empty")
    if known is not None:
        _refuse_first(
            ~ids.isin(set(known)), path, "hotspot_id",
            lambda i: f"hotspot_id '{ids.iloc[i]}' is not one of the hotspots",
        )  # fmt: skip


def _parse_times(values: pd.Series, path: Path, column: str) -> pd.Series:
    """ISO 8601 times as naive Europe/London local times; offsets are converted to local."""
    parsed = values.str.strip().map(_parse_one_time)
    _refuse_first(
        parsed.isna(), path, column,
        lambda i: f"'{values.iloc[i]}' is not an ISO 8601 date and time (e.g. 2025-03-01T18:30)",
    )  # fmt: skip
    return pd.to_datetime(parsed.tolist()).astype("datetime64[ns]")


_ISO_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$"
)
"""ISO 8601 date and time; '03/01/2025 18:00' is refused, never read month-first."""


def _parse_one_time(text: str) -> pd.Timestamp | None:
    if not _ISO_TIME.match(text):
        return None
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        return None
    if pd.isna(stamp) or ("T" not in text and " " not in text):
        return None
    if not 1900 <= stamp.year <= 2200:  # a typo such as 224-03-31; also outside pandas' range
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(LOCAL_TZ).tz_localize(None)
    return stamp


def _parse_counts(values: pd.Series, path: Path, column: str, minimum: int) -> pd.Series:
    """Whole numbers from `minimum` up to a billion (so 1e999 is refused, not infinite)."""
    numbers = pd.to_numeric(values.str.strip(), errors="coerce").astype(float)
    finite = np.isfinite(numbers) & (numbers.abs() <= MAX_COUNT)
    _refuse_first(
        ~finite | (numbers != numbers.round()), path, column,
        lambda i: f"'{values.iloc[i]}' is not a whole number (up to {MAX_COUNT:,})",
    )  # fmt: skip
    _refuse_first(
        numbers < minimum, path, column,
        lambda i: f"{int(numbers.iloc[i])} is below the minimum of {minimum}",
    )  # fmt: skip
    return numbers.astype(np.int64)


def _elapsed_hours(start: pd.Series, end: pd.Series) -> pd.Series:
    """Real elapsed hours between local times (clock changes taken into account)."""

    def to_utc(times: pd.Series) -> pd.Series:
        standard_time = np.zeros(len(times), dtype=bool)
        local = times.dt.tz_localize(LOCAL_TZ, ambiguous=standard_time, nonexistent="shift_forward")
        return local.dt.tz_convert("UTC")

    return (to_utc(end) - to_utc(start)).dt.total_seconds() / 3600.0


def _check_order(elapsed: pd.Series, path: Path) -> None:
    _refuse_first(elapsed <= 0, path, "end", lambda _: "the visit ends before (or when) it starts")
