"""The briefing: headline figures in words a room can read, and a one-page PDF or PNG of them
beside the map, drawn on the server with matplotlib (no browser, no tiles, no network).

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
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from geo.analysis.figures import ProgrammeFigures, hotspot_table, programme_figures
from geo.crs import BRITISH_NATIONAL_GRID
from geo.errors import HotspotDataError
from geo.period import Period
from geo.store.dataset import Dataset
from geo.view.scales import MISSING_COLOUR, Scale, asb_change_scale

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


def headlines(figures: ProgrammeFigures) -> list[Headline]:
    """The programme's figures in the order a briefing reads them."""
    return [
        Headline(
            "Officer patrol hours", f"{figures.officer_hours:,.0f}", f"{figures.visits:,} visits"
        ),
        Headline("Arrests", f"{figures.arrests:,}", "during hotspot patrols"),
        Headline("People spoken to", f"{figures.engagements:,}", "during hotspot patrols"),
        Headline(
            "ASB, average hotspot",
            percent(figures.asb_mean_change_pct),
            f"mean of {_hotspots(figures.asb_mean_over)}; pooled "
            f"{percent(figures.asb_pooled_change_pct)}",
            _tone(figures.asb_mean_change_pct),
        ),
        Headline(
            "Largest ASB reduction",
            percent(figures.asb_largest_reduction_pct),
            figures.asb_largest_reduction_where or "no hotspot fell",
            _tone(figures.asb_largest_reduction_pct),
        ),
        Headline(
            "All crime in hotspots",
            percent(figures.crime_change_pct),
            f"against {percent(figures.force_crime_change_pct)} forcewide",
            _tone(figures.crime_change_pct),
        ),
    ]


@dataclass(frozen=True)
class BriefingPage:
    """Everything one briefing page shows."""

    title: str
    subtitle: str
    figures: ProgrammeFigures
    hotspots: gpd.GeoDataFrame
    table: pd.DataFrame
    is_sample: bool


def briefing_page(
    dataset: Dataset,
    period: Period,
    town: str | None = None,
    table: pd.DataFrame | None = None,
) -> BriefingPage:
    """The briefing of a dataset for a period, for one town or (None) the whole programme.

    `table` is the period's hotspot table when the caller already has it (the app caches it).
    """
    dataset.checked_period(period)
    if table is None:
        table = hotspot_table(dataset.hotspots, dataset.counts, dataset.patrols, period)
    hotspots = dataset.hotspots
    if town:
        if town not in dataset.towns:
            raise HotspotDataError(f"no hotspots in a town called '{town}'", path=dataset.folder)
        table = table[table["town"] == town]
        hotspots = hotspots[hotspots["town"] == town]
    where = f" — {town}" if town else ""
    return BriefingPage(
        title=f"Hotspot patrols{where}",
        subtitle=(
            f"{period.label()} against {period.before.label()} · "
            f"data up to {dataset.last_month.strftime('%B %Y')}"
        ),
        figures=programme_figures(table, dataset.counts, period),
        hotspots=hotspots,
        table=table,
        is_sample=dataset.is_sample,
    )


def render(page: BriefingPage, kind: str) -> bytes:
    """The briefing as PDF or PNG bytes (`kind` is 'pdf' or 'png'), one 16:9 page."""
    if f".{kind}" not in FORMATS:
        raise HotspotDataError(f"a briefing is a .pdf or a .png, not .{kind}")
    fig = draw(page)
    buffer = io.BytesIO()
    metadata = {"Title": page.title} if kind == "pdf" else None
    fig.savefig(buffer, format=kind, facecolor=BACKGROUND, metadata=metadata)
    return buffer.getvalue()


def draw(page: BriefingPage) -> Figure:
    """The briefing as a matplotlib figure. Every text is drawn as written (`parse_math=False`):
    a name such as `X $\\foo$` is text, never a formula to parse (or to fail on)."""
    # A bare Figure (no pyplot): no global state, so it is safe in the app's threads.
    fig = Figure(figsize=PAGE_INCHES, dpi=100, facecolor=BACKGROUND)
    _draw_header(fig, page)
    _draw_headlines(fig, headlines(page.figures))
    _draw_map(fig.add_axes((0.47, 0.06, 0.51, 0.8)), page)
    return fig


def write(page: BriefingPage, out: Path) -> None:
    """Write the briefing to `out`, a .pdf or .png file (written aside, then renamed)."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise HotspotDataError("the briefing file must end in .pdf or .png", path=out)
    data = render(page, suffix[1:])
    partial = out.with_name(f".{out.name}.partial")
    partial.write_bytes(data)
    partial.replace(out)


def _draw_header(fig: Figure, page: BriefingPage) -> None:
    fig.text(
        0.02, 0.94, page.title, color=TEXT, fontsize=34, fontweight="bold", va="center",
        parse_math=False,
    )  # fmt: skip
    fig.text(0.02, 0.895, page.subtitle, color=MUTED, fontsize=18, va="center", parse_math=False)
    if page.is_sample:
        fig.text(
            0.98, 0.94, "SAMPLE DATA — not real police figures", color="#111111", fontsize=16,
            fontweight="bold", ha="right", va="center",
            bbox={"boxstyle": "round,pad=0.4", "facecolor": "#f2cc60", "edgecolor": "none"},
        )  # fmt: skip


def _draw_headlines(fig: Figure, items: list[Headline]) -> None:
    colours = {"good": GOOD, "bad": BAD, "neutral": TEXT}
    for index, item in enumerate(items):
        column, row = index % 2, index // 2
        x, y = 0.02 + column * 0.225, 0.62 - row * 0.27
        fig.patches.append(
            Rectangle((x, y), 0.21, 0.25, transform=fig.transFigure, facecolor=PANEL,
                      edgecolor="#30363d", figure=fig)
        )  # fmt: skip
        fig.text(x + 0.012, y + 0.205, item.label, color=MUTED, fontsize=17, parse_math=False)
        fig.text(x + 0.012, y + 0.085, item.value, color=colours[item.tone], fontsize=54,
                 fontweight="bold", parse_math=False)  # fmt: skip
        fig.text(
            x + 0.012, y + 0.03, _fit(item.detail, 38), color=MUTED, fontsize=14,
            parse_math=False,
        )  # fmt: skip


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _draw_map(ax: Axes, page: BriefingPage) -> None:
    """Hotspots coloured by ASB change; dots where a polygon would be too small to see."""
    ax.set_facecolor(PANEL)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#30363d")
    scale = asb_change_scale()
    shown = page.hotspots.merge(page.table[["hotspot_id", "asb_change_pct"]], on="hotspot_id")
    if shown.empty:
        return
    metres = shown.to_crs(BRITISH_NATIONAL_GRID)
    colours = scale.colours_for(metres["asb_change_pct"].to_numpy(dtype=float))
    minx, miny, maxx, maxy = metres.total_bounds
    span = max(maxx - minx, maxy - miny, 1500.0)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - span * 0.62, cx + span * 0.62)
    ax.set_ylim(cy - span * 0.55, cy + span * 0.55)
    ax.set_aspect("equal")
    metres.plot(ax=ax, color=colours, edgecolor="#f0f3f6", linewidth=1.2)
    points = metres.geometry.representative_point()
    small = span > 6000
    if small:
        ax.scatter(points.x, points.y, s=260, c=colours, edgecolors="#f0f3f6", linewidths=1.5)
    ax.set_xlabel("")
    ax.set_ylabel("")
    if small:
        towns = metres[metres["town"] != ""].dissolve(by="town").geometry.centroid
        _place_labels(ax, list(towns.index), list(towns))
    else:
        _place_labels(ax, list(metres["name"]), list(points))
    _draw_legend(ax, scale, metres["asb_change_pct"])


_OFFSETS = ((0, 16, "center", "bottom"), (0, -16, "center", "top"), (14, 0, "left", "center"),
            (-14, 0, "right", "center"))  # fmt: skip


def _place_labels(ax: Axes, texts: list[str], points: list) -> None:
    """Put each label above, below, right or left of its point, wherever it overlaps no other."""
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    taken = []
    for text, point in zip(texts, points):
        for dx, dy, ha, va in _OFFSETS:
            label = ax.annotate(
                text, (point.x, point.y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                va=va, color=TEXT, fontsize=15, fontweight="bold", parse_math=False,
            )  # fmt: skip
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            label.remove()


def _draw_legend(ax: Axes, scale: Scale, values: pd.Series) -> None:
    classes = scale.classify(values.to_numpy(dtype=float))
    handles = [
        Patch(facecolor=colour, edgecolor="#f0f3f6", label=f"{label} ({(classes == i).sum()})")
        for i, (colour, label) in enumerate(zip(scale.colours, scale.labels))
    ]
    if (classes == -1).any():
        handles.append(Patch(facecolor=MISSING_COLOUR, label=scale.missing_label))
    legend = ax.legend(
        handles=handles, title=f"{scale.title}\n{scale.note}", loc="lower left", fontsize=13,
        title_fontsize=14,
        facecolor=BACKGROUND, edgecolor="#30363d", labelcolor=TEXT, framealpha=0.92,
    )  # fmt: skip
    legend.get_title().set_color(TEXT)
    for text in [legend.get_title(), *legend.get_texts()]:
        text.set_parse_math(False)


def headlines_html(items: list[Headline]) -> str:
    """The headline tiles for the wall screen; every text is escaped."""
    tiles = "".join(
        f"<div class='wall-tile'><div class='wall-label'>{escape(item.label)}</div>"
        f"<div class='wall-value {item.tone}'>{escape(item.value)}</div>"
        f"<div class='wall-detail'>{escape(item.detail)}</div></div>"
        for item in items
    )
    return f"<div class='wall-grid' data-testid='wall-headlines'>{tiles}</div>"


def legend_strip_html(scale: Scale, values: pd.Series) -> str:
    """A one-line legend for the wall screen: title, then a swatch and range per class."""
    classes = scale.classify(values.to_numpy(dtype=float))
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
