"""Colour scales for the map: classes, colours and legend labels, without any drawing.

ASB change uses a diverging ColorBrewer RdBu scale centred on 0 (blue = fall, red = rise), patrol
hours a sequential YlGnBu scale; both are colour-blind safe. Values outside the breaks fall in the
end classes and missing values get their own grey class, never black.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

MISSING_COLOUR = "#bdbdbd"
RDBU_7 = ("#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b")
YLGNBU_5 = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
ASB_BREAKS = (-40.0, -20.0, -5.0, 5.0, 20.0, 40.0)


@dataclass(frozen=True)
class Scale:
    """Classes of a metric: inner `breaks` (ascending), one colour and label per class."""

    metric: str
    title: str
    note: str
    breaks: tuple[float, ...]
    colours: tuple[str, ...]
    labels: tuple[str, ...]
    missing_label: str

    def classify(self, values: Sequence[float] | np.ndarray) -> np.ndarray:
        """Class index of each value; −1 if missing. A value on a break goes to the class nearer
        zero, so ±5% is 'within ±5%' and −40% is 'fell 20% to 40%'."""
        array = np.asarray(values, dtype=float)
        breaks = np.asarray(self.breaks)
        classes = np.where(
            array < 0,
            np.searchsorted(breaks, array, side="right"),
            np.searchsorted(breaks, array, side="left"),
        )
        return np.where(np.isnan(array), -1, classes)

    def colours_for(self, values: Sequence[float] | np.ndarray) -> list[str]:
        """The fill colour of each value."""
        return [self.colours[c] if c >= 0 else MISSING_COLOUR for c in self.classify(values)]


ASB_CHANGE_LABELS = (
    "fell more than 40%",
    "fell 20% to 40%",
    "fell 5% to 20%",
    "within ±5%",
    "rose 5% to 20%",
    "rose 20% to 40%",
    "rose more than 40%",
)
"""The classes of ASB_BREAKS in words."""


def asb_change_scale() -> Scale:
    """Diverging scale for ASB change %, centred on 0; falls are blue."""
    return Scale(
        metric="asb_change_pct",
        title="ASB change on the same months last year",
        note="Blue: ASB fell. Red: ASB rose.",
        breaks=ASB_BREAKS,
        colours=RDBU_7,
        labels=ASB_CHANGE_LABELS,
        missing_label="too few reports to tell, or none last year",
    )


def month_change_scale() -> Scale:
    """The ASB change scale for one month against the same month a year before (the map's
    playback): the same classes and colours, with no "too few to tell" rule, since a single
    month is shown as counted, not ranked or averaged; its note says how far it swings."""
    return Scale(
        metric="month_change_pct",
        title="ASB this month against the same month a year before",
        note="Blue: fewer reports. Red: more. One month's counts are small and swing by chance; "
        "the period's figures are the test.",
        breaks=ASB_BREAKS,
        colours=RDBU_7,
        labels=ASB_CHANGE_LABELS,
        missing_label="not known: none a year before, not yet started, or the month has no "
        "data or is flagged (said under the month)",
    )


FELL, ROSE, NO_CHANGE, CANNOT_TELL = "fell", "rose", "no change", "cannot tell"
"""The kinds of programme verdict (geo.view.verdict): ASB fell or rose beyond the control trend
and chance, changed no more than they give, or cannot be told."""
VERDICT_COLOURS = {
    FELL: (RDBU_7[0], RDBU_7[1]),
    ROSE: (RDBU_7[6], RDBU_7[5]),
    NO_CHANGE: ("#4d4d4d", RDBU_7[3]),
    CANNOT_TELL: ("#6e6e6e", MISSING_COLOUR),
}
"""Each verdict's colour as (on a light page, on a dark screen): the ASB change scale's blue for a
fall and red for a rise, so the verdict and the map agree (its darkest classes on white, the next
ones on the dark wall and briefing, where the darkest are too faint); its centre, or the grey of
what cannot be told, otherwise. Text in any of them is legible on its background."""


def verdict_colour(kind: str, dark: bool = False) -> str:
    """The colour of a verdict kind on a light page or (`dark`) on the wall and briefing."""
    return VERDICT_COLOURS[kind][1 if dark else 0]


def told_change(table: pd.DataFrame) -> np.ndarray:
    """Each hotspot's ASB change % where its reports are enough to tell a change, NaN where they
    are too few (geo.analysis.stats) or there were none last year: what every map colours and
    every legend counts, as the hotspot table shows it, so no colour claims a change the
    figures do not rank."""
    change = table["asb_change_pct"].to_numpy(dtype=float)
    if "asb_too_few" not in table:
        return change
    return np.where(table["asb_too_few"].to_numpy(dtype=bool), np.nan, change)


HOURS_PER_WEEK_BREAKS = (1.0, 2.5, 5.0, 10.0)
"""Officer patrol hours per week (the unit of the dose chart): fixed, rounded, each class about
twice the last, so the same hours get the same colour in every town, period and screen."""


def hours_scale() -> Scale:
    """Sequential scale for officer patrol hours per week, on the fixed `HOURS_PER_WEEK_BREAKS`."""
    edges = HOURS_PER_WEEK_BREAKS
    labels = [f"up to {_fmt(edges[0])} h a week"]
    labels += [f"{_fmt(lo)}–{_fmt(hi)} h a week" for lo, hi in pairwise(edges)]
    labels.append(f"over {_fmt(edges[-1])} h a week")
    return Scale(
        metric="hours_per_week",
        title="Officer patrol hours per week",
        note="Darker: more hours (officers × time on patrol).",
        breaks=edges,
        colours=YLGNBU_5,
        labels=tuple(labels),
        missing_label="no patrol data",
    )


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


BIVARIATE_3X3 = (
    ("#e8e8e8", "#cbb8d7", "#9972af"),
    ("#e4d9ac", "#c8ada0", "#976b82"),
    ("#c8b35a", "#af8e53", "#804d36"),
)
"""Joshua Stevens' purple–gold 3×3 scheme: rows = ASB outcome (fell ≥20%, fell less, no fall),
columns = patrol hours (fewer → more). Its two hues stay apart for the common colour-vision
deficiencies; the dark corner is "many hours, no fall"."""
ASB_OUTCOMES = ("fell 20% or more", "fell less than 20%", "did not fall")


BIVARIATE_HOURS_BREAKS = HOURS_PER_WEEK_BREAKS[-2:]
"""The hours columns of the bivariate map: the hours map's own last two breaks, so its three lower
classes make the first column and a hotspot's hours fall in the same place on both maps."""


@dataclass(frozen=True)
class BivariateScale:
    """Classes of patrol hours per week (fixed breaks) × ASB change (three outcomes)."""

    hours_breaks: tuple[float, float] = BIVARIATE_HOURS_BREAKS
    change_breaks: tuple[float, float] = (-20.0, 0.0)
    metric: str = "bivariate"
    title: str = "Patrol hours per week × ASB change"
    note: str = "Dark brown: many hours and no fall in ASB."
    missing_label: str = "too few ASB reports to tell, none last year, or no patrol data"

    def classify(self, hours: np.ndarray, change: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(hours class 0–2, ASB class 0–2) per hotspot, −1 where that figure is missing. Hours
        on a break go to the lower class, as on the hours map."""
        hours = np.asarray(hours, dtype=float)
        hours_class = np.searchsorted(np.asarray(self.hours_breaks), hours, side="left")
        change = np.asarray(change, dtype=float)
        asb_class = np.where(change <= self.change_breaks[0], 0, np.where(change < 0, 1, 2))
        return (
            np.where(np.isnan(hours), -1, hours_class),
            np.where(np.isnan(change), -1, asb_class),
        )

    def colours_for_rows(self, hours: np.ndarray, change: np.ndarray) -> list[str]:
        """The fill colour of each hotspot (grey where either figure is missing)."""
        xs, ys = self.classify(np.asarray(hours, dtype=float), change)
        return [
            BIVARIATE_3X3[y][x] if x >= 0 and y >= 0 else MISSING_COLOUR for x, y in zip(xs, ys)
        ]

    @property
    def hours_labels(self) -> tuple[str, str, str]:
        """The three hours-per-week classes in words, with their breaks."""
        low, high = self.hours_breaks
        return (f"up to {_fmt(low)} h", f"{_fmt(low)}–{_fmt(high)} h", f"over {_fmt(high)} h")


def bivariate_scale() -> BivariateScale:
    """Patrol hours per week on `BIVARIATE_HOURS_BREAKS` × ASB change: the same hours get the
    same colour in every town, period and screen."""
    return BivariateScale()
