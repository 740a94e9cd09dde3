"""The map page's view in its address, so links, Back and Forward show what they name.

The page compares views, not address strings: an address that names the view on screen is left
as it is (no history entry), and only a deliberate change writes a new address, which the
browser keeps as a history entry. Every value comes from the address bar and is checked against
the dataset; anything unknown falls back to the default and is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from geo.errors import HotspotDataError
from geo.period import Period
from geo.view.playback import PLAY_PARAM, play_seconds
from geo.words import span

ALL_TOWNS = "All towns"
NO_HOTSPOT = "—"
FLAGGED_PARAM = "flagged"
"""Query parameter: `flagged=keep` counts months flagged as anomalous (left out by default)."""
PROPOSALS_PARAM = "proposals"
"""Query parameter: `proposals=shown` shows the proposed hotspots (to importers; hidden by
default)."""


@dataclass(frozen=True)
class View:
    """What the map page shows: colouring, town (or all), period, selected hotspot, whether
    months flagged as anomalous are counted, the seconds a month of a playback (0: none), and
    whether proposed hotspots are shown."""

    metric: str
    town: str
    period: tuple[str, str]
    hotspot: str
    keep_flagged: bool = False
    play: int = 0
    proposals: bool = False


def view_from_query(
    query: Mapping[str, str],
    *,
    metrics: Sequence[str],
    towns: Collection[str],
    months: Collection[str],
    hotspots: Collection[str],
    default_period: Period,
    problem: Callable[[Period], str] | None = None,
) -> tuple[View, list[str]]:
    """The view an address names (unknown values replaced by defaults) and notes on what was
    ignored; `metrics[0]` is the default colouring, and `problem` says why a period cannot be
    shown ('' when it can)."""
    notes: list[str] = []
    period = _within((str(default_period.start), str(default_period.end)), sorted(months))
    text = query.get("period")
    if text:
        try:
            parsed = Period.parse(text)
        except HotspotDataError as exc:
            notes.append(f"Ignoring the period in the link: {exc}")
        else:
            why = problem(parsed) if problem else ""
            if not why and str(parsed.start) in months and str(parsed.end) in months:
                period = (str(parsed.start), str(parsed.end))
            else:
                notes.append(
                    f"Ignoring the period in the link: {why or parsed.label() + ' has no data'}. "
                    f"Showing {span(period[0], period[1])} instead."
                )
    metric = query.get("metric")
    town = query.get("town")
    hotspot = query.get("hotspot")
    play, note = play_seconds(query.get(PLAY_PARAM))
    if note:
        notes.append(note)
    view = View(
        metric=metric if metric in metrics else metrics[0],
        town=town if town in towns else ALL_TOWNS,
        period=period,
        hotspot=hotspot if hotspot in hotspots else NO_HOTSPOT,
        keep_flagged=query.get(FLAGGED_PARAM) == "keep",
        play=play,
        proposals=query.get(PROPOSALS_PARAM) == "shown",
    )
    return view, notes


def _within(period: tuple[str, str], months: list[str]) -> tuple[str, str]:
    """`period` with each end moved to the nearest month that has data (months sort as text)."""
    if not months:
        return period
    start = next((m for m in months if m >= period[0]), months[-1])
    end = next((m for m in reversed(months) if m <= period[1]), months[0])
    return (start, end) if start <= end else (months[0], months[-1])


def query_for(view: View) -> dict[str, str]:
    """The address query naming `view` (all towns and no hotspot are left out)."""
    query = {"metric": view.metric, "period": ":".join(view.period)}
    if view.town != ALL_TOWNS:
        query["town"] = view.town
    if view.hotspot != NO_HOTSPOT:
        query["hotspot"] = view.hotspot
    if view.keep_flagged:
        query[FLAGGED_PARAM] = "keep"
    if view.play:
        query[PLAY_PARAM] = str(view.play)
    if view.proposals:
        query[PROPOSALS_PARAM] = "shown"
    return query
