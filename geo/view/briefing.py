"""The briefing: headline figures in words a room can read, and a one-page PDF or PNG of them
beside the map (drawn by `geo.view.briefing_drawing`, written by `geo.view.briefing_file`: no
browser, no tiles, no network).

Only aggregated figures appear: hotspot outlines and names, never incidents or street locations.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.anomalies import Anomaly
from geo.analysis.dataset import Dataset
from geo.analysis.evaluation import with_q
from geo.analysis.figures import (
    NO_PATROL_LOG,
    ProgrammeFigures,
    programme_figures,
)
from geo.analysis.outcomes import (
    NOT_RECORDED,
    NOT_RECORDED_WHY,
    OPTIONAL_OUTCOMES,
    Outcome,
    programme_outcomes,
)
from geo.analysis.programme import ProgrammeEvaluation, programme_evaluation
from geo.errors import HotspotDataError
from geo.period import Period
from geo.view.scales import MISSING_COLOUR, Scale, verdict_colour
from geo.view.unranked import no_largest_fall_reason, no_mean_reason
from geo.view.verdict import verdict
from geo.words import count_text, signed_percent

BACKGROUND = "#0d1117"
PANEL = "#161b22"
TEXT = "#f0f3f6"
MUTED = "#9da7b3"
PAGE_INCHES = (19.2, 10.8)


NEUTRAL = "neutral"
"""The tone of a figure that takes no verdict's colour."""


@dataclass(frozen=True)
class Headline:
    """One figure of the briefing: what it is, its value, a line saying where it comes from, and
    the verdict kind whose colour it takes (NEUTRAL: none, the surface's own text colour)."""

    label: str
    value: str
    detail: str
    tone: str = NEUTRAL
    missing: str = ""
    """Why there is no value ('no patrol log', 'not recorded'), for a surface with room to say
    it in place of '—'; '' when there is a value."""
    lead: bool = False
    """The programme's verdict: shown first, across the width of the figures."""

    def colour(self, dark: bool = False) -> str | None:
        """The colour of the value: its verdict kind's, on a light page or (`dark`) on the wall
        and briefing; None for a neutral figure."""
        return None if self.tone == NEUTRAL else verdict_colour(self.tone, dark)


def percent(value: float) -> str:
    """A whole-number change with a real minus sign, e.g. '−25%'; '—' when there is none."""
    return signed_percent(value, missing="—")


def _patrol_headlines(figures: ProgrammeFigures) -> list[Headline]:
    """Patrol figures; without a patrol log each says so instead of showing a zero, and with
    hours from GPS but no patrol log, arrests and people spoken to say they are not recorded."""
    if not figures.patrol_log:
        return [
            Headline(label, "—", NO_PATROL_LOG, missing=NO_PATROL_LOG)
            for label in ("Officer patrol hours", "Arrests", "People spoken to")
        ]
    outcomes = [
        Headline(label, "—", NOT_RECORDED_WHY, missing=NOT_RECORDED)
        if value != value
        else Headline(label, f"{value:,.0f}", "during hotspot patrols")
        for label, value in zip(
            ("Arrests", "People spoken to"), (figures.arrests, figures.engagements)
        )
    ]
    hours = Headline(
        "Officer patrol hours",
        f"{figures.officer_hours:,.0f}",
        count_text(int(figures.visits), "visit"),
    )
    return [hours, *outcomes]


def left_out_note(figures: ProgrammeFigures) -> str:
    """One line naming the months the figures leave out of both years; '' when none."""
    parts = []
    if figures.asb_left_out and figures.asb_left_out == figures.crime_left_out:
        parts.append(f"ASB and all-crime figures leave out {', '.join(figures.asb_left_out)}")
    else:
        for what, months in (("ASB", figures.asb_left_out), ("all-crime", figures.crime_left_out)):
            if months:
                parts.append(f"{what} figures leave out {', '.join(months)}")
    if parts:
        parts[-1] += " (flagged months, with the same months of the other year)"
    if figures.late_starters:
        parts.append(
            f"{count_text(figures.late_starters, 'hotspot')} counted from the month they started "
            "(and the same months a year earlier)"
        )
    return "; ".join(parts)


def flags_line(anomalies: tuple[Anomaly, ...], figures: ProgrammeFigures, kept: bool) -> str:
    """A short line for the wall: which months are flagged and whether they are left out."""
    if not anomalies:
        return left_out_note(figures)
    flagged = ", ".join(a.label() for a in anomalies)
    months = sorted(set(figures.asb_left_out) | set(figures.crime_left_out))
    if kept:
        what = "counted, as chosen"
    elif months:
        what = f"left out of both years ({', '.join(months)})"
    else:
        what = "none in this period"
    return f"Flagged {flagged}: {what}"


VERDICT_LABEL = "ASB, all hotspots together"
MEAN_LABEL = "ASB, mean of hotspot changes"
LARGEST_FALL_LABEL = "ASB, largest fall in one hotspot"


def headlines(figures: ProgrammeFigures, evaluation: ProgrammeEvaluation) -> list[Headline]:
    """The programme's figures in the order the map page, the wall and the briefing show them.

    First the verdict: the pooled change with its interval, read against the control trend
    (geo.view.verdict) and coloured by it. Then the mean of hotspot changes and the largest fall,
    labelled as what they are and never coloured (chance and regression to the mean move them,
    so they must not look like a verdict); all crime; patrol figures.
    """
    said = verdict(evaluation)
    chance = evaluation.chance_largest_fall_pct
    where = figures.asb_largest_reduction_where
    return [
        Headline(
            VERDICT_LABEL, percent(evaluation.pooled_change_pct), said.words, said.kind, lead=True
        ),
        Headline(
            MEAN_LABEL,
            percent(figures.asb_mean_change_pct),
            _mean_of(figures),
            missing="" if figures.asb_mean_over else no_mean_reason(figures),
        ),
        Headline(
            LARGEST_FALL_LABEL,
            percent(figures.asb_largest_reduction_pct),
            (where or no_largest_fall_reason(figures))
            + (f"\nchance alone gives {percent(chance)}" if chance == chance else ""),
            missing="" if where else no_largest_fall_reason(figures),
        ),
        Headline(
            "All crime in hotspots",
            percent(figures.crime_change_pct),
            f"against {percent(figures.force_crime_change_pct)} forcewide",
        ),
        *_patrol_headlines(figures),
    ]


def _mean_of(figures: ProgrammeFigures) -> str:
    """What the mean ASB change is taken over: 'mean of 24 hotspots', or why there is none."""
    if figures.asb_mean_over:
        return f"mean of {count_text(figures.asb_mean_over, 'hotspot')}"
    return no_mean_reason(figures)


@dataclass(frozen=True)
class BriefingPage:
    """Everything one briefing page shows."""

    title: str
    subtitle: str
    figures: ProgrammeFigures
    hotspots: gpd.GeoDataFrame
    table: pd.DataFrame
    is_sample: bool
    note: str = ""
    evaluation: ProgrammeEvaluation | None = None
    outcomes: tuple[Outcome, ...] = ()
    """Outcomes the patrol log records beyond arrests and people spoken to (none when absent)."""


def briefing_page(
    dataset: Dataset,
    period: Period,
    town: str | None = None,
    table: pd.DataFrame | None = None,
    keep_flagged: bool = False,
) -> BriefingPage:
    """The briefing of a dataset for a period, for one town or (None) the whole programme.

    `table` is the period's hotspot table when the caller already has it (the app caches it).
    A period whose months or baseline have no data is refused (HotspotDataError).
    """
    dataset.check_period(period)
    context = dataset.context(period, keep_flagged)
    if table is None:
        table = dataset.table(period, keep_flagged)
    hotspots = dataset.hotspots
    if town:
        if town not in dataset.towns:
            raise HotspotDataError(
                f"no hotspots in a town called '{town}'", path=dataset.store.shown
            )
        table = table[table["town"] == town]
        hotspots = hotspots[hotspots["town"] == town]
    evaluated = with_q(table)
    where = f" — {town}" if town else ""
    figures = programme_figures(table, dataset.counts, context, patrol_log=dataset.patrol_log)
    return BriefingPage(
        title=f"Hotspot patrols{where}",
        subtitle=(
            f"{period.label()} against {period.before.label()} · "
            f"data up to {dataset.last_month.strftime('%B %Y')} · {dataset.patrol_source_label}"
        ),
        figures=figures,
        hotspots=hotspots,
        table=table,
        is_sample=dataset.is_sample,
        note=left_out_note(figures),
        evaluation=programme_evaluation(evaluated, dataset.counts, dataset.areas, context),
        outcomes=tuple(
            programme_outcomes(dataset.patrol_rows, period, table["hotspot_id"], OPTIONAL_OUTCOMES)
        ),
    )


OUTCOME_LINE_CHARS = 80
"""Characters of an outcome line on the briefing page: the width of the headline tiles."""


def outcome_parts(outcomes: tuple[Outcome, ...]) -> list[str]:
    """The recorded outcomes as 'During patrols:' then 'Label total' items; [] when none."""
    if not outcomes:
        return []
    return ["During patrols:", *(f"{item.label} {item.value()}" for item in outcomes)]


def outcome_line(outcomes: tuple[Outcome, ...]) -> str:
    """The recorded outcomes on one line, 'During patrols: Label total · …'; '' when none."""
    parts = outcome_parts(outcomes)
    return f"{parts[0]} {' · '.join(parts[1:])}" if parts else ""


def wrap_parts(parts: list[str], width: int) -> list[str]:
    """Parts joined with ' · ' into lines of at most `width` characters where they fit."""
    lines: list[str] = []
    for part in parts:
        joiner = " " if lines and lines[-1].endswith(":") else " · "
        if lines and len(lines[-1]) + len(joiner) + len(part) <= width:
            lines[-1] += joiner + part
        else:
            lines.append(part)
    return lines


HEADLINE_KEY = "headline-figures"
"""The key of the map page's container of figures after the verdict (its class: st-key-…)."""
REASON_KEY = "headline-reason"
"""The key prefix of a map page figure that shows why it has no value, in smaller type."""
HEADLINES_CSS = f"""<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 3.5rem; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 2.1rem; padding: 0.25rem 0 0.25rem; }}
[data-testid="stMainBlockContainer"] h2 {{ font-size: 1.5rem; padding: 0.75rem 0 0.25rem; }}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {{ gap: 0.75rem; }}
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] {{ padding: 0.55rem 1rem; }}
.verdict-headline {{ line-height: 1.2; }}
.verdict-headline .verdict-label {{ font-size: 0.875rem; color: rgba(49, 51, 63, 0.8); }}
.verdict-headline .verdict-line {{ display: flex; flex-wrap: wrap; align-items: baseline;
  column-gap: 0.8rem; }}
.verdict-headline .verdict-value {{ font-size: 2rem; font-weight: 700; line-height: 1.15; }}
.verdict-headline .verdict-words {{ font-size: 1.15rem; font-weight: 600; }}
.st-key-{HEADLINE_KEY} [data-testid="stMetricLabel"] p {{ white-space: normal; font-size: 0.8rem;
  line-height: 1.25; }}
.st-key-{HEADLINE_KEY} [data-testid="stMetricValue"] {{ font-size: 1.5rem; line-height: 1.25; }}
.st-key-{HEADLINE_KEY} [data-testid="stMetricValue"] * {{ white-space: normal;
  overflow-wrap: anywhere; text-overflow: clip; }}
[class*="st-key-{REASON_KEY}"] [data-testid="stMetricValue"] {{ font-size: 1rem;
  line-height: 1.25; min-height: 1.9rem; display: flex; align-items: flex-end; }}
</style>"""
"""The look of the map page's headlines: a smaller title, section headings (h2, under the h1)
and notices, the verdict at the size of a metric's value with its words beside it, then the
other figures smaller and a reason for a missing one smaller still, names and reasons wrapped
rather than cut: with the map's top and its legend, all on the first screen of a 1366×768 laptop
(the page's top margin a little less than streamlit's)."""


def verdict_html(item: Headline) -> str:
    """The verdict (the lead headline) for the map page, a light page: its label, then the
    pooled change and the verdict's words in the verdict's colour; every text escaped."""
    colour = item.colour() or "inherit"
    return (
        "<div class='verdict-headline' data-testid='verdict-headline'>"
        f"<div class='verdict-label'>{escape(item.label)}</div>"
        f"<div class='verdict-line' style='color:{colour}'>"
        f"<span class='verdict-value'>{escape(item.value)}</span>"
        f"<span class='verdict-words'>{escape(item.detail)}</span></div></div>"
    )


def headlines_html(items: list[Headline], outcomes: bool = False) -> str:
    """The headline tiles for the wall screen, the verdict first and across the width, a little
    shorter when an outcome strip goes below them (`outcomes`); every text is escaped."""
    kind = "wall-grid with-outcomes" if outcomes else "wall-grid"
    return f"<div class='{kind}' data-testid='wall-headlines'>{''.join(map(_tile, items))}</div>"


def _tile(item: Headline) -> str:
    """One wall tile; the verdict's value and words in its colour, other values in the text's."""
    colour = item.colour(dark=True)
    style = f" style='color:{colour}'" if colour else ""
    lead = " lead' data-testid='verdict" if item.lead else ""
    detail = escape(item.detail).replace(chr(10), "<br>")
    return (
        f"<div class='wall-tile{lead}'><div class='wall-label'>{escape(item.label)}</div>"
        f"<div class='wall-value'{style}>{escape(item.value)}</div>"
        f"<div class='wall-detail'{style if item.lead else ''}>{detail}</div></div>"
    )


def outcomes_html(outcomes: tuple[Outcome, ...]) -> str:
    """The recorded outcomes as one strip for the wall screen ('' when none); text escaped."""
    if not outcomes:
        return ""
    items = "".join(
        f"<span><span class='label'>{escape(item.label)}</span> "
        f"<span class='value'>{escape(item.value())}</span></span>"
        for item in outcomes
    )
    return (
        "<div class='wall-outcomes' data-testid='wall-outcomes'>"
        f"<span class='title'>During patrols:</span>{items}</div>"
    )


def legend_strip_html(scale: Scale, values: np.ndarray) -> str:
    """A one-line legend for the wall screen: title, then a swatch and range per class."""
    classes = scale.classify(values)
    items = [
        f"<span><span class='swatch' style='background:{colour}'></span>{escape(label)}</span>"
        for colour, label in zip(scale.colours, scale.labels)
    ]
    if (classes == -1).any():
        items.append(
            f"<span><span class='swatch' style='background:{MISSING_COLOUR}'></span>"
            f"{escape(scale.missing_label)}</span>"
        )
    return (
        f"<div class='wall-legend' data-testid='wall-legend'>"
        f"<span class='title'>{escape(scale.title)}:</span>{''.join(items)}</div>"
    )
