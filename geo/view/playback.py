"""Month-by-month playback on the map page and the wall (`?play=1`, `?play=5`): what the link
asks for, and what the map frame is sent to step through the months by itself.

The frame is sent every month's colours at once (per hotspot: this month's ASB, the same month a
year before, its class) and steps through them on its own timer, so no step reruns the page or
rebuilds the map. Each month shows as long as every other, the last included, then it starts
again. Text is HTML-escaped here; everything else is numbers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from geo.analysis.month_by_month import COUNTED, FLAGGED, MonthByMonth, MonthStatus
from geo.view.mapping import MapStyle, compact_json
from geo.view.scales import MISSING_COLOUR, Scale

PLAY_PARAM = "play"
"""Query parameter: `play=1` plays the period month by month; `play=N` shows each month N s."""
DEFAULT_SECONDS = 3
"""Seconds a month at `play=1`."""
MIN_SECONDS, MAX_SECONDS = 2, 60
PLAY_RULE = (
    f"write play=1 to play the period month by month ({DEFAULT_SECONDS} seconds a month), or "
    f"play=N for N seconds a month, N a whole number from {MIN_SECONDS} to {MAX_SECONDS}"
)
"""What `play=` takes, in words, from the constants above."""
NOT_STARTED = -2
"""The class of a hotspot in a month before it started (−1: not known otherwise)."""


def play_seconds(text: str | None) -> tuple[int, str]:
    """Seconds a month asked for by a link's `play=` value (0: no playback), and a note on a
    value that cannot be used ('' when none). An unusable value plays nothing: the page shows
    the period as without `play`, and the note says what to write."""
    given = (text or "").strip()
    if given in ("", "0"):
        return 0, ""
    if given.isascii() and given.isdigit() and len(given) <= 3:
        number = int(given)
        if number == 1:
            return DEFAULT_SECONDS, ""
        if MIN_SECONDS <= number <= MAX_SECONDS:
            return number, ""
    shown = ascii(given[:24])[1:-1] + ("..." if len(given) > 24 else "")
    return 0, f"Ignoring play={shown} in the link: {PLAY_RULE}."


@dataclass(frozen=True)
class Playback:
    """Every month's colours as compact JSON (`text`), a digest of it (`key`) that the frame
    reports back once it holds them, and the months' count."""

    key: str
    text: str
    months: int


def playback(readings: MonthByMonth, scale: Scale) -> Playback:
    """The months of `readings` for the frame: per month its name, the month it is compared
    with, a note when it is not counted and why, and per hotspot [this month's ASB, a year
    before's, class] (None where not known; class −1 not known, NOT_STARTED before the hotspot
    started)."""
    classes = scale.classify(readings.change_pct())
    classes = np.where(readings.started, classes, NOT_STARTED)
    cells = [
        [[_count(a), _count(b), int(c)] for a, b, c in zip(this, before, kinds)]
        for this, before, kinds in zip(readings.this_year, readings.year_before, classes)
    ]
    months = [
        [_name(s.month), _name(s.year_before), month_note(s), s.status] for s in readings.months
    ]
    text = compact_json({"ids": readings.ids, "months": months, "cells": cells})
    return Playback(hashlib.sha256(text.encode()).hexdigest()[:16], text, len(months))


def _count(value: float) -> int | None:
    return None if np.isnan(value) else int(value)


def _name(month: pd.Period) -> str:
    return month.strftime("%B %Y")


def month_note(status: MonthStatus) -> str:
    """Why a month is not counted, escaped ('' when it is)."""
    if status.status == COUNTED:
        return ""
    which = _name(status.because_of)
    if status.status == FLAGGED:
        why = "; ".join(a.what for a in status.flags)
        return escape(
            f"ASB of {which} is flagged as anomalous ({why}): left out, as in the figures"
        )
    if status.because_of == status.month:
        return escape(f"No crime data for {which}: nothing to show")
    return escape(f"No crime data for {which}, the month a year before: nothing to compare with")


def playback_options(scale: Scale, seconds: int) -> dict:
    """How the frame plays: seconds a month, the class colours and the grey of not known."""
    return {"seconds": seconds, "colours": list(scale.colours), "missing": MISSING_COLOUR}


def _row(colour: str, label: str) -> str:
    return (
        f"<div class='legend-row'><span class='swatch' style='background:{colour}'></span>"
        f"{escape(label)}</div>"
    )


def playback_legend_html(scale: Scale, style: MapStyle | None = None, extra: str = "") -> str:
    """The legend box while the months play: the classes, the grey of not known, then `extra`
    rows (escaped HTML); no counts, since they change with every month."""
    style = style or MapStyle()
    rows = "".join(_row(c, label) for c, label in zip(scale.colours, scale.labels))
    return (
        "<div class='hotspot-legend playback-legend' role='figure' aria-label='Map legend' "
        f"style='font-size:{style.legend_size}'>"
        f"<div class='legend-title'>{escape(scale.title)}</div>"
        f"<div class='legend-note'>{escape(scale.note)}</div>"
        f"{rows}{_row(MISSING_COLOUR, scale.missing_label)}{extra}</div>"
    )


def playback_strip_html(scale: Scale) -> str:
    """The wall's one-line legend while the months play: every class and the grey of not
    known."""
    items = [
        f"<span><span class='swatch' style='background:{colour}'></span>{escape(label)}</span>"
        for colour, label in [*zip(scale.colours, scale.labels), (MISSING_COLOUR, "not known")]
    ]
    return (
        "<div class='wall-legend' data-testid='wall-legend'>"
        f"<span class='title'>{escape(scale.title)}:</span>{''.join(items)}</div>"
    )
