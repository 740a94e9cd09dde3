"""The briefing: headline figures in words a room can read, and a one-page PDF or PNG of them
beside the map (drawn by `geo.view.briefing_drawing`: no browser, no tiles, no network).

Only aggregated figures appear: hotspot outlines and names, never incidents or street locations.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.anomalies import Anomaly
from geo.analysis.evaluation import with_q
from geo.analysis.figures import (
    NO_PATROL_LOG,
    ProgrammeFigures,
    programme_figures,
)
from geo.analysis.outcomes import OPTIONAL_OUTCOMES, Outcome, programme_outcomes
from geo.analysis.programme import ProgrammeEvaluation, programme_evaluation
from geo.errors import HotspotDataError
from geo.period import Period
from geo.store.dataset import Dataset
from geo.view.scales import MISSING_COLOUR, Scale
from geo.view.unranked import no_largest_fall_reason, no_mean_reason

BACKGROUND = "#0d1117"
PANEL = "#161b22"
TEXT = "#f0f3f6"
MUTED = "#9da7b3"
GOOD = "#79c0ff"
BAD = "#ff9b8a"
PAGE_INCHES = (19.2, 10.8)
FORMATS = (".pdf", ".png")


@dataclass(frozen=True)
class Headline:
    """One figure of the briefing: what it is, its value, and a line saying where it comes from."""

    label: str
    value: str
    detail: str
    tone: str = "neutral"


def percent(value: float) -> str:
    """A whole-number change with a real minus sign, e.g. '−25%'; '—' when there is none."""
    if value is None or np.isnan(value):
        return "—"
    rounded = round(value)
    return f"{'−' if rounded < 0 else '+' if rounded > 0 else ''}{abs(rounded)}%"


def _hotspots(count: int) -> str:
    return f"{count} hotspot" + ("" if count == 1 else "s")


def _tone(value: float) -> str:
    if value is None or np.isnan(value) or round(value) == 0:
        return "neutral"
    return "good" if value < 0 else "bad"


def _patrol_headlines(figures: ProgrammeFigures) -> list[Headline]:
    """Patrol figures; without a patrol log each says so instead of showing a zero."""
    if not figures.patrol_log:
        return [
            Headline(label, "—", NO_PATROL_LOG)
            for label in ("Officer patrol hours", "Arrests", "People spoken to")
        ]
    return [
        Headline(
            "Officer patrol hours", f"{figures.officer_hours:,.0f}", f"{figures.visits:,.0f} visits"
        ),
        Headline("Arrests", f"{figures.arrests:,.0f}", "during hotspot patrols"),
        Headline("People spoken to", f"{figures.engagements:,.0f}", "during hotspot patrols"),
    ]


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
            f"{_hotspots(figures.late_starters)} counted from the month they started "
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


def headlines(
    figures: ProgrammeFigures, evaluation: ProgrammeEvaluation | None = None
) -> list[Headline]:
    """The programme's figures in the order a briefing reads them; with `evaluation`, the
    pooled change's interval beside the mean and what chance gives beside the largest fall
    (each on a second line of the detail)."""
    pooled = percent(figures.asb_pooled_change_pct)
    chance = ""
    if evaluation is not None:
        if evaluation.pooled_low_pct == evaluation.pooled_low_pct:
            pooled += (
                f"\n95% interval {percent(evaluation.pooled_low_pct)} to "
                f"{percent(evaluation.pooled_high_pct)}"
            )
        if evaluation.chance_largest_fall_pct == evaluation.chance_largest_fall_pct:
            chance = f"\nchance alone gives {percent(evaluation.chance_largest_fall_pct)}"
    return [
        *_patrol_headlines(figures),
        Headline(
            "ASB, average hotspot",
            percent(figures.asb_mean_change_pct),
            f"{_mean_of(figures)}; pooled {pooled}",
            _tone(figures.asb_mean_change_pct),
        ),
        Headline(
            "Largest ASB reduction",
            percent(figures.asb_largest_reduction_pct),
            (figures.asb_largest_reduction_where or no_largest_fall_reason(figures)) + chance,
            _tone(figures.asb_largest_reduction_pct),
        ),
        Headline(
            "All crime in hotspots",
            percent(figures.crime_change_pct),
            f"against {percent(figures.force_crime_change_pct)} forcewide",
            _tone(figures.crime_change_pct),
        ),
    ]


def _mean_of(figures: ProgrammeFigures) -> str:
    """What the mean ASB change is taken over: 'mean of 24 hotspots', or why there is none."""
    if figures.asb_mean_over:
        return f"mean of {_hotspots(figures.asb_mean_over)}"
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
            raise HotspotDataError(f"no hotspots in a town called '{town}'", path=dataset.folder)
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


def render(page: BriefingPage, kind: str) -> bytes:
    """The briefing as PDF or PNG bytes (`kind` is 'pdf' or 'png'), one 16:9 page."""
    if f".{kind}" not in FORMATS:
        raise HotspotDataError(f"a briefing is a .pdf or a .png, not .{kind}")
    from geo.view.briefing_drawing import draw  # matplotlib loads only when a file is drawn

    fig = draw(page)
    buffer = io.BytesIO()
    metadata = {"Title": page.title} if kind == "pdf" else None
    fig.savefig(buffer, format=kind, facecolor=BACKGROUND, metadata=metadata)
    return buffer.getvalue()


def write(page: BriefingPage, out: Path) -> None:
    """Write the briefing to `out`, a .pdf or .png file (written aside, then renamed)."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise HotspotDataError("the briefing file must end in .pdf or .png", path=out)
    data = render(page, suffix[1:])
    partial = out.with_name(f".{out.name}.partial")
    partial.write_bytes(data)
    partial.replace(out)


def headlines_html(items: list[Headline], outcomes: bool = False) -> str:
    """The headline tiles for the wall screen, a little shorter when an outcome strip goes
    below them (`outcomes`); every text is escaped."""
    tiles = "".join(
        f"<div class='wall-tile'><div class='wall-label'>{escape(item.label)}</div>"
        f"<div class='wall-value {item.tone}'>{escape(item.value)}</div>"
        f"<div class='wall-detail'>{escape(item.detail).replace(chr(10), '<br>')}</div></div>"
        for item in items
    )
    kind = "wall-grid with-outcomes" if outcomes else "wall-grid"
    return f"<div class='{kind}' data-testid='wall-headlines'>{tiles}</div>"


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
