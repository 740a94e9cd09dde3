"""Read the patrol log: one row per visit, `hotspot_id,start,end,officers,arrests,engagements`.

Optional columns: `patrol_type` (uniformed, plain clothes or partner), the outcome counts
`stop_searches`, `asb_powers` (dispersal orders, community protection notices…), `missing_found`
and `drugs_seized`, free-text `notes` (kept for the analyst, never shown on the wall or map), and
`officer_id` (used only to find one officer's overlapping visits). An outcome column the log does
not have is missing (NaN), never zero.

Times are ISO 8601, with an offset or in local time (Europe/London). Every time is turned into a
real instant (UTC) first: a time with an offset is exactly that instant; a local time in the hour
repeated when the clocks go back is read as its first occurrence (British Summer Time) and
flagged (`ambiguous`) so it can be reported; a local time that never happened (the hour skipped
when the clocks go forward) is refused. Officer hours = (end − start) × officers in real elapsed
time. `start` and `end` are then kept as local times, and a visit belongs to the month it starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import CSV_FIRST_ROW, HotspotDataError, refuse_first
from geo.io.text_checks import check_csv_text
from geo.schema import LOCAL_TZ, OUTCOME_COLUMNS, PATROL_COLUMNS, PATROL_TYPES
from geo.words import plural

MAX_COUNT = 1_000_000_000
MAX_NOTE = 2_000
"""Longest note kept (characters); longer ones are refused, not cut."""


def read_patrols(path: str | Path, hotspot_ids: Collection[str] | None = None) -> pd.DataFrame:
    """Read and validate a patrol log; add `hours` (officer hours) and `month` (ordinal)."""
    path = Path(path)
    raw = _read_text_table(path)
    frame = pd.DataFrame({"hotspot_id": raw["hotspot_id"].str.strip()})
    _check_ids(frame["hotspot_id"], hotspot_ids, path)
    instants = {}
    ambiguous = np.zeros(len(raw), dtype=bool)
    for column in ("start", "end"):
        instants[column], flagged = _parse_times(raw[column], path, column)
        ambiguous |= flagged
        frame[column] = instants[column].dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    frame["officers"] = _parse_counts(raw["officers"], path, "officers", minimum=1)
    frame["arrests"] = _parse_counts(raw["arrests"], path, "arrests", minimum=0)
    frame["engagements"] = _parse_counts(raw["engagements"], path, "engagements", minimum=0)
    elapsed = (instants["end"] - instants["start"]).dt.total_seconds() / 3600.0
    _check_order(elapsed, path)
    frame["hours"] = elapsed * frame["officers"]
    frame["month"] = frame["start"].dt.to_period("M").array.asi8.astype(np.int32)
    for column in OUTCOME_COLUMNS:
        frame[column] = (
            _parse_counts(raw[column], path, column, minimum=0, blank=np.nan).astype(float)
            if column in raw.columns
            else np.nan
        )
    frame["patrol_type"] = _patrol_types(raw, path)
    frame["notes"] = _texts(raw, "notes", MAX_NOTE, path)
    frame["officer_id"] = _texts(raw, "officer_id", 200, path)
    frame["row"] = np.arange(2, len(raw) + 2, dtype=np.int64)
    frame["ambiguous"] = ambiguous
    return frame


def _patrol_types(raw: pd.DataFrame, path: Path) -> pd.Series:
    """`patrol_type` in its listed spelling ('' when not given); other values are refused."""
    if "patrol_type" not in raw.columns:
        return pd.Series("", index=raw.index, dtype=object)
    given = raw["patrol_type"].str.strip().str.lower().str.replace(r"[\s_-]+", " ", regex=True)
    known = {t.lower(): t for t in PATROL_TYPES}
    _refuse_first(
        (given != "") & ~given.isin(set(known)), path, "patrol_type",
        lambda i: f"'{raw['patrol_type'].iloc[i][:40]}' is not a patrol type; give one of "
        + ", ".join(PATROL_TYPES) + " (or leave it empty)",
    )  # fmt: skip
    return given.map(lambda v: known.get(v, "")).astype(object)


def _texts(raw: pd.DataFrame, column: str, longest: int, path: Path) -> pd.Series:
    """A free-text column, trimmed ('' when the log lacks it); over-long text is refused."""
    if column not in raw.columns:
        return pd.Series("", index=raw.index, dtype=object)
    values = raw[column].str.strip()
    _refuse_first(
        values.str.len() > longest, path, column,
        lambda _i: f"is longer than {longest:,} characters",
    )  # fmt: skip
    return values.astype(object)


def log_problems(log: pd.DataFrame) -> pd.DataFrame:
    """What a patrol log holds that should be looked at, not summed silently: one row per
    problem (problem, rows, detail), rows as a spreadsheet numbers them (header = row 1).

    - the same visit entered twice (every column equal);
    - one officer (`officer_id`) in two visits at the same time (a visit entered twice counts
      once here);
    - local times in the repeated autumn hour, read as the first occurrence.
    """
    found = []
    if log.empty:
        return pd.DataFrame(columns=["problem", "rows", "detail"])
    compared = [c for c in log.columns if c not in ("row", "ambiguous")]
    twice = log[log.duplicated(compared, keep=False)]
    for _key, group in twice.groupby(compared, dropna=False, sort=False):
        rows = group["row"].tolist()
        found.append(("entered twice", rows, f"rows {_rows(rows)} are the same visit"))
    once = ~log.duplicated(compared, keep="first")  # a visit entered twice is reported above
    named = log[(log["officer_id"] != "") & once].sort_values(["officer_id", "start"])
    for _officer, visits in named.groupby("officer_id", sort=False):
        latest_end = visits["end"].cummax().shift()
        overlapping = visits[visits["start"] < latest_end]
        for _, visit in overlapping.iterrows():
            earlier = visits[(visits["start"] < visit["start"]) & (visits["end"] > visit["start"])]
            rows = [*earlier["row"].tolist(), int(visit["row"])]
            found.append(
                ("one officer's visits overlap", rows,
                 f"rows {_rows(rows)}: the same officer in two visits at once")
            )  # fmt: skip
    ambiguous = log.loc[log["ambiguous"], "row"].tolist()
    if ambiguous:
        found.append(
            ("time in the repeated hour", ambiguous,
             f"rows {_rows(ambiguous)}: a local time between 01:00 and 02:00 on the night the "
             "clocks go back, without an offset; read as the first occurrence (BST). Add the "
             "offset (+01:00 or +00:00) to say which")
        )  # fmt: skip
    return pd.DataFrame(found, columns=["problem", "rows", "detail"])


def _rows(rows: list[int], limit: int = 6) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" and {len(rows) - limit:,} more" if len(rows) > limit else "")


def empty_patrols() -> pd.DataFrame:
    """A patrol log with no visits, for datasets that have none."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in PATROL_COLUMNS})
    frame["start"] = pd.Series(dtype="datetime64[ns]")
    frame["end"] = pd.Series(dtype="datetime64[ns]")
    for column in ("officers", "arrests", "engagements"):
        frame[column] = pd.Series(dtype=np.int64)
    frame["hours"] = pd.Series(dtype=float)
    frame["month"] = pd.Series(dtype=np.int32)
    for column in OUTCOME_COLUMNS:
        frame[column] = pd.Series(dtype=float)
    for column in ("patrol_type", "notes", "officer_id"):
        frame[column] = pd.Series(dtype=object)
    frame["row"] = pd.Series(dtype=np.int64)
    frame["ambiguous"] = pd.Series(dtype=bool)
    return frame


def _read_text_table(path: Path) -> pd.DataFrame:
    """The CSV as text cells, after checking it exists, is text and has the columns."""
    if not path.is_file():
        raise HotspotDataError("file not found", path=path)
    check_csv_text(path.read_bytes(), path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise HotspotDataError(f"cannot be read as CSV ({exc})", path=path) from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in PATROL_COLUMNS if c not in raw.columns]
    if missing:
        raise HotspotDataError(
            f"lacks the {plural(len(missing), 'column')} {', '.join(missing)}; the header must be "
            + ",".join(PATROL_COLUMNS),
            path=path,
            row=1,
            column=missing[0],
        )
    return raw


def _refuse_first(bad: pd.Series, path: Path, column: str, message: Callable[[int], str]) -> None:
    """Raise for the first row where `bad` holds (rows as a spreadsheet shows them)."""
    refuse_first(bad.to_numpy(), message, path=path, first_row=CSV_FIRST_ROW, column=column)


def _check_ids(ids: pd.Series, known: Collection[str] | None, path: Path) -> None:
    _refuse_first(ids == "", path, "hotspot_id", lambda _: "hotspot_id is empty")
    if known is not None:
        _refuse_first(
            ~ids.isin(set(known)), path, "hotspot_id",
            lambda i: f"hotspot_id '{ids.iloc[i]}' is not one of the hotspots",
        )  # fmt: skip


def _parse_times(values: pd.Series, path: Path, column: str) -> tuple[pd.Series, np.ndarray]:
    """ISO 8601 times as UTC instants, and which were local times in the repeated hour."""
    texts = values.str.strip()
    parsed = texts.map(_parse_one_time)
    _refuse_first(
        parsed.isna(), path, column,
        lambda i: f"'{values.iloc[i]}' is not an ISO 8601 date and time (e.g. 2025-03-01T18:30)",
    )  # fmt: skip
    has_zone = np.array([stamp.tzinfo is not None for stamp in parsed], dtype=bool)
    instants = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if has_zone.any():
        instants[has_zone] = pd.to_datetime(
            [stamp.tz_convert("UTC") for stamp in parsed[has_zone]], utc=True
        )
    ambiguous = np.zeros(len(values), dtype=bool)
    local = ~has_zone
    if local.any():
        naive = pd.to_datetime(parsed[local].tolist()).astype("datetime64[ns]")
        first = naive.tz_localize(LOCAL_TZ, ambiguous=np.ones(len(naive), bool), nonexistent="NaT")
        second = naive.tz_localize(
            LOCAL_TZ, ambiguous=np.zeros(len(naive), bool), nonexistent="NaT"
        )
        missing = np.zeros(len(values), dtype=bool)
        missing[local] = first.isna()
        _refuse_first(
            pd.Series(missing), path, column,
            lambda i: f"{values.iloc[i].strip()} did not happen in the UK (the clocks went "
            "forward); give the time with its offset",
        )  # fmt: skip
        instants[local] = first.tz_convert("UTC")
        ambiguous[local] = np.asarray(first != second)
    return instants, ambiguous


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
    return stamp


def _parse_counts(
    values: pd.Series, path: Path, column: str, minimum: int, blank: float | None = None
) -> pd.Series:
    """Whole numbers from `minimum` up to a billion (so 1e999 is refused, not infinite); with
    `blank` given, an empty cell is that value (missing), not an error."""
    text = values.str.strip()
    numbers = pd.to_numeric(text, errors="coerce").astype(float)
    empty = (text == "") if blank is not None else pd.Series(False, index=values.index, dtype=bool)
    finite = np.isfinite(numbers) & (numbers.abs() <= MAX_COUNT)
    _refuse_first(
        ~empty & (~finite | (numbers != numbers.round())), path, column,
        lambda i: f"'{values.iloc[i]}' is not a whole number (up to {MAX_COUNT:,})",
    )  # fmt: skip
    _refuse_first(
        ~empty & (numbers < minimum), path, column,
        lambda i: f"{int(numbers.iloc[i])} is below the minimum of {minimum}",
    )  # fmt: skip
    if blank is not None:
        return numbers.where(~empty, blank)
    return numbers.astype(np.int64)


def _check_order(elapsed: pd.Series, path: Path) -> None:
    _refuse_first(elapsed <= 0, path, "end", lambda _: "the visit ends before (or when) it starts")
