"""The programme's verdict: the first headline of the map page, the wall and the briefing.

A programme is judged by its pooled ASB change read against the control trend and chance (the
programme evaluation's adjusted ratio and p), never by the mean of hotspot changes or the largest
fall, which rise and fall by chance and by regression to the mean. The verdict says which way
ASB went, with the pooled change's interval, and whether that is beyond what the control trend
and chance give; its colour is the ASB change scale's (geo.view.scales), so the words, the colour
and the map agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.analysis.programme import ProgrammeEvaluation
from geo.analysis.stats import ALPHA
from geo.view.scales import CANNOT_TELL, FELL, NO_CHANGE, ROSE, verdict_colour
from geo.words import signed_percent

KINDS = (FELL, ROSE, NO_CHANGE, CANNOT_TELL)
BEYOND = "more than the control trend explains"
NO_MORE = "no more than the control trend explains"
NOTHING_BEYOND = "no change beyond chance"
TOO_FEW_AREAS = "too few untreated areas to compare, so cannot tell whether beyond chance"


@dataclass(frozen=True)
class Verdict:
    """What the programme's ASB did: its kind (one of KINDS), the sentence that says it, and the
    kind's colour on a light page and on the dark wall and briefing."""

    kind: str
    words: str
    colour: str
    colour_on_dark: str


def verdict(evaluation: ProgrammeEvaluation) -> Verdict:
    """The programme's verdict, e.g. 'ASB fell 25% (20–30%): more than the control trend
    explains', with the colour of its kind."""
    kind = _kind(evaluation)
    return Verdict(
        kind, _words(evaluation, kind), verdict_colour(kind), verdict_colour(kind, dark=True)
    )


def _known(value: float) -> bool:
    return value == value


def _kind(e: ProgrammeEvaluation) -> str:
    """Beyond the control trend and chance when the adjusted p is below ALPHA: a fall when the
    ratio to the control is below 1, a rise above; no change otherwise; cannot tell without a
    pooled change (no ASB last year) or a reading against the control."""
    if not (_known(e.pooled_change_pct) and _known(e.adjusted_ratio) and _known(e.adjusted_p)):
        return CANNOT_TELL
    if e.adjusted_p >= ALPHA:
        return NO_CHANGE
    return FELL if e.adjusted_ratio < 1 else ROSE


def _words(e: ProgrammeEvaluation, kind: str) -> str:
    """The verdict's sentence: the pooled change and its interval, then what it means."""
    if e.asb_before == 0:
        if e.asb_after == 0:
            return "ASB: none recorded in either year, so no change to tell"
        return f"ASB: none recorded last year and {e.asb_after:,} this, so no change to measure"
    change, low, high = e.pooled_change_pct, e.pooled_low_pct, e.pooled_high_pct
    bounded = _known(low) and _known(high)
    crosses = bounded and round(low) <= 0 <= round(high)
    way = _way(change)
    if kind in (NO_CHANGE, CANNOT_TELL) and crosses:
        way = "changed"
    if kind == CANNOT_TELL:
        tail = TOO_FEW_AREAS
    elif kind == NO_CHANGE:
        tail = NOTHING_BEYOND if way == "changed" else NO_MORE
    elif (kind, way) in ((FELL, "fell"), (ROSE, "rose")):
        tail = BEYOND
    else:  # beyond the control trend, while the pooled count went the other way or stayed
        side = "lower" if kind == FELL else "higher"
        tail = f"{side} than the control trend predicts, beyond chance"
    interval = f" ({_interval(way, low, high)})" if bounded else ""
    return f"ASB {_moved(way, change)}{interval}: {tail}"


def _way(change: float) -> str:
    """'fell', 'rose' or 'changed' (a change that rounds to 0%)."""
    rounded = round(change)
    return "fell" if rounded < 0 else "rose" if rounded > 0 else "changed"


def _moved(way: str, change: float) -> str:
    """'fell 25%', 'rose 12%' or 'changed +1%'."""
    if way == "changed":
        return f"changed {signed_percent(change)}"
    return f"{way} {abs(round(change))}%"


def _interval(way: str, low: float, high: float) -> str:
    """The 95% interval of the pooled change: as sizes of a fall ('20–30%') or a rise ('5–19%')
    when both ends go that way, else signed ('−4% to +7%')."""
    if way == "fell" and round(high) < 0:
        return f"{abs(round(high))}–{abs(round(low))}%"
    if way == "rose" and round(low) > 0:
        return f"{round(low)}–{round(high)}%"
    return f"{signed_percent(low)} to {signed_percent(high)}"
