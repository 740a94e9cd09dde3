"""The briefing drawn with matplotlib: header, headline tiles and the map, with the map fitted
clear of its legend. Apart from the model (`geo.view.briefing`) so that the pages that only read
the figures never import matplotlib (about 0.5 s of a first page's start).
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from geo.crs import BRITISH_NATIONAL_GRID
from geo.view.briefing import (
    BACKGROUND,
    MUTED,
    OUTCOME_LINE_CHARS,
    PAGE_INCHES,
    PANEL,
    TEXT,
    BriefingPage,
    Headline,
    headlines,
    outcome_parts,
    wrap_parts,
)
from geo.view.scales import MISSING_COLOUR, Scale, asb_change_scale, told_change


def draw(page: BriefingPage) -> Figure:
    """The briefing as a matplotlib figure. Every text is drawn as written (`parse_math=False`):
    a name such as `X $\\foo$` is text, never a formula to parse (or to fail on)."""
    # A bare Figure (no pyplot): no global state, so it is safe in the app's threads.
    fig = Figure(figsize=PAGE_INCHES, dpi=100, facecolor=BACKGROUND)
    _draw_header(fig, page)
    _draw_headlines(fig, headlines(page.figures, page.evaluation), bool(page.outcomes))
    for line, text in enumerate(wrap_parts(outcome_parts(page.outcomes), OUTCOME_LINE_CHARS)[:2]):
        fig.text(0.02, 0.095 - 0.03 * line, text, color=TEXT, fontsize=14, va="center",
                 parse_math=False)  # fmt: skip
    _draw_map(fig.add_axes((0.47, 0.06, 0.51, 0.8)), page)
    return fig


def _draw_header(fig: Figure, page: BriefingPage) -> None:
    fig.text(
        0.02, 0.94, page.title, color=TEXT, fontsize=34, fontweight="bold", va="center",
        parse_math=False,
    )  # fmt: skip
    fig.text(0.02, 0.895, page.subtitle, color=MUTED, fontsize=18, va="center", parse_math=False)
    if page.note:
        _draw_note(fig, page.note)
    if page.is_sample:
        fig.text(
            0.98, 0.94, "SAMPLE DATA — not real police figures", color="#111111", fontsize=16,
            fontweight="bold", ha="right", va="center",
            bbox={"boxstyle": "round,pad=0.4", "facecolor": "#f2cc60", "edgecolor": "none"},
        )  # fmt: skip


TILES_WIDTH = 0.435
"""Width of the headline tiles (figure fraction), from the left margin to the map's gutter."""
COLUMNS = 3
GAP = 0.0125


def _draw_headlines(fig: Figure, items: list[Headline], outcomes: bool = False) -> None:
    """The verdict across the top, then the other figures three to a row; raised a little to
    leave a line for the outcomes below them."""
    height, step = (0.24, 0.255) if outcomes else (0.25, 0.27)
    small = (TILES_WIDTH - GAP * (COLUMNS - 1)) / COLUMNS
    place = 0
    for item in items:
        row, column = divmod(place, COLUMNS)
        y = 0.87 - height - row * step
        if item.lead:
            _draw_tile(fig, (0.02, y, TILES_WIDTH, height))
            _draw_verdict(fig, item, 0.02, y)
            place += COLUMNS
            continue
        x = 0.02 + column * (small + GAP)
        _draw_tile(fig, (x, y, small, height))
        _draw_figure(fig, item, x, y, height)
        place += 1


def _draw_tile(fig: Figure, box: tuple[float, float, float, float]) -> None:
    x, y, width, height = box
    fig.patches.append(
        Rectangle((x, y), width, height, transform=fig.transFigure, facecolor=PANEL,
                  edgecolor="#30363d", figure=fig)
    )  # fmt: skip


def _draw_verdict(fig: Figure, item: Headline, x: float, y: float) -> None:
    """The verdict: its label, the pooled change and, below it, the verdict's words, both in the
    verdict's colour."""
    colour = item.colour(dark=True) or TEXT
    fig.text(x + 0.012, y + 0.205, item.label, color=MUTED, fontsize=17, parse_math=False)
    fig.text(x + 0.012, y + 0.105, item.value, color=colour, fontsize=54, fontweight="bold",
             parse_math=False)  # fmt: skip
    lines = textwrap.wrap(item.detail, VERDICT_LINE_CHARS)
    if len(lines) > 2:
        lines = [lines[0], _fit(" ".join(lines[1:]), VERDICT_LINE_CHARS)]
    for line, text in enumerate(lines):
        fig.text(x + 0.012, y + 0.065 - 0.03 * line, text, color=colour, fontsize=19,
                 fontweight="bold", va="center", parse_math=False)  # fmt: skip


VERDICT_LINE_CHARS = 46
"""Characters of a line of the verdict's words: the width of the headline tiles."""
LABEL_CHARS = 22
DETAIL_CHARS = 29


def _draw_figure(fig: Figure, item: Headline, x: float, y: float, height: float) -> None:
    """One figure in a third of the width: its label (on two lines if need be), value and up to
    two lines of detail."""
    colour = item.colour(dark=True) or TEXT
    label = "\n".join(textwrap.wrap(item.label, LABEL_CHARS)[:2])
    fig.text(x + 0.01, y + height - 0.018, label, color=MUTED, fontsize=15, va="top",
             linespacing=1.15, parse_math=False)  # fmt: skip
    fig.text(x + 0.01, y + 0.07, item.value, color=colour, fontsize=40, fontweight="bold",
             parse_math=False)  # fmt: skip
    details = item.detail.split("\n")[:2]
    for line, text in enumerate(details):
        fig.text(x + 0.01, y + 0.022 - 0.022 * line + (0.011 if len(details) > 1 else 0),
                 _fit(text, DETAIL_CHARS), color=MUTED, fontsize=12, parse_math=False)  # fmt: skip


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


NOTE_LINES = 2
"""Lines the note at the foot of the page may take; a longer note ends in an ellipsis."""


def _draw_note(fig: Figure, note: str) -> None:
    """What the figures leave out, at the foot of the page across its width (between margins of
    0.02), on as few lines as it needs: measured as drawn, so it is cut only past `NOTE_LINES`."""
    style = {"color": MUTED, "fontsize": 14, "va": "center", "parse_math": False}
    renderer = FigureCanvasAgg(fig).get_renderer()
    available, per_line = 0.96 * fig.bbox.width, len(note)
    while True:
        lines = textwrap.wrap(note, per_line)
        if len(lines) > NOTE_LINES:
            lines = [*lines[: NOTE_LINES - 1], _fit(" ".join(lines[NOTE_LINES - 1 :]), per_line)]
        texts = [
            fig.text(0.02, 0.035 + 0.0125 * (len(lines) - 1 - 2 * index), line, **style)
            for index, line in enumerate(lines)
        ]
        widest = max(text.get_window_extent(renderer).width for text in texts)
        if widest <= available or per_line == 1:
            return
        for text in texts:
            text.remove()
        per_line = max(min(int(per_line * available / widest), per_line - 1), 1)


MIN_SPAN_M = 1500.0
"""The least ground the map shows (metres): one small hotspot is not drawn a screen wide."""
DOT_POINTS2 = 260
"""The area of a hotspot's dot (points², matplotlib's scatter size) on a whole-force map."""
CLEAR_PX = 64
"""Room kept round the hotspots (pixels): a dot's radius and a name beside it."""
LEGEND_CORNERS = ("lower left", "lower right", "upper left", "upper right")
"""Where the legend may go, in order of preference: the first corner that covers no hotspot."""


def fit_view(
    bounds: tuple[float, float, float, float], axes: Bbox, room: float = CLEAR_PX
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The x and y limits (equal scale) that centre the hotspots' `bounds` (map units) in the
    `axes` (display pixels) as large as they go with `room` pixels kept round them."""
    return _placed(bounds, (0.0, 0.0, axes.width, axes.height), axes, room)


def clear_view(
    bounds: tuple[float, float, float, float], axes: Bbox, legend: Bbox, room: float = CLEAR_PX
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The x and y limits (equal scale) that put the hotspots' `bounds` (map units) in the part
    of the axes beside or above a lower-left `legend` (both boxes in display pixels), whichever
    lets them be drawn larger, as near the axes' centre as that part allows, with `room` pixels
    kept round them: the map when no corner of a centred map is free for the legend."""
    free = [  # (left, bottom, right, top) in pixels from the axes' lower left corner
        (legend.x1 - axes.x0, 0.0, axes.width, axes.height),  # right of the legend
        (0.0, legend.y1 - axes.y0, axes.width, axes.height),  # above it
    ]
    best = max(free, key=lambda part: _scale(bounds, part, room))
    if _scale(bounds, best, room) == 0:  # an axes too small for its legend: the whole of it
        return _placed(bounds, (0.0, 0.0, axes.width, axes.height), axes, 0.0)
    return _placed(bounds, best, axes, room)


def _spans(bounds: tuple[float, float, float, float]) -> tuple[float, float]:
    minx, miny, maxx, maxy = bounds
    return max(maxx - minx, MIN_SPAN_M), max(maxy - miny, MIN_SPAN_M)


def _scale(
    bounds: tuple[float, float, float, float], part: tuple[float, float, float, float], room: float
) -> float:
    """Pixels per map unit that fit `bounds` in `part` (left, bottom, right, top in pixels)
    with `room` kept round them; 0 when `part` has no room."""
    width, height = _spans(bounds)
    left, bottom, right, top = part
    room_x, room_y = right - left - 2 * room, top - bottom - 2 * room
    return max(min(room_x / width, room_y / height), 0.0)


def _placed(
    bounds: tuple[float, float, float, float],
    part: tuple[float, float, float, float],
    axes: Bbox,
    room: float,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The limits that draw `bounds` at the largest equal scale that fits `part` of the `axes`,
    their centre as near the axes' centre as `part` and `room` allow."""
    minx, miny, maxx, maxy = bounds
    left, bottom, right, top = part
    scale = _scale(bounds, part, room) or min(
        axes.width / _spans(bounds)[0], axes.height / _spans(bounds)[1]
    )
    half_x, half_y = (maxx - minx) / 2 * scale, (maxy - miny) / 2 * scale
    centre_x = np.clip(axes.width / 2, left + room + half_x, right - room - half_x)
    centre_y = np.clip(axes.height / 2, bottom + room + half_y, top - room - half_y)
    x0 = (minx + maxx) / 2 - centre_x / scale
    y0 = (miny + maxy) / 2 - centre_y / scale
    return (x0, x0 + axes.width / scale), (y0, y0 + axes.height / scale)


def _draw_map(ax: Axes, page: BriefingPage) -> None:
    """Hotspots coloured by ASB change, centred in the map with the legend in a corner clear of
    them (or, when no corner is clear, the map beside the legend); dots where a polygon would
    be too small to see; names beside them."""
    ax.set_facecolor(PANEL)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#30363d")
    scale = asb_change_scale()
    figures = ["hotspot_id", "asb_change_pct", "asb_too_few"]
    shown = page.hotspots.merge(page.table[figures], on="hotspot_id")
    if shown.empty:
        return
    metres = shown.to_crs(BRITISH_NATIONAL_GRID)
    told = told_change(metres)
    colours = scale.colours_for(told)
    bounds = tuple(metres.total_bounds)
    minx, miny, maxx, maxy = bounds
    small = max(maxx - minx, maxy - miny, MIN_SPAN_M) > 6000
    metres.plot(ax=ax, color=colours, edgecolor="#f0f3f6", linewidth=1.2)
    ax.set_aspect("auto")  # the limits below are at equal scale: the axes keep their box,
    ax.apply_aspect()  # and their drawn box is that box now, not the one fitted to the plot
    points = metres.geometry.representative_point()
    if small:
        ax.scatter(
            points.x, points.y, s=DOT_POINTS2, c=colours, edgecolors="#f0f3f6", linewidths=1.5
        )  # fmt: skip
    ax.set_xlabel("")
    ax.set_ylabel("")
    legend = _draw_legend(ax, scale, told)
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    legend_box = _place_legend(ax, legend, bounds, renderer)
    drawn = drawn_hotspots(ax)
    if small:
        towns = metres[metres["town"] != ""].dissolve(by="town").geometry.centroid
        groups = list(metres["town"])
        names, anchors = list(towns.index), list(towns)
    else:
        groups = list(metres["name"])
        names, anchors = groups, list(points)
    owners = list(zip(groups, ax.transData.transform(np.column_stack([points.x, points.y]))))
    _place_labels(ax, names, anchors, legend_box, drawn, owners)


def _place_legend(ax: Axes, legend: Legend, bounds: tuple, renderer) -> Bbox:
    """Centre the hotspots in the map and put the legend in the first of `LEGEND_CORNERS`
    where it covers none of them; with no such corner, lower left and the map beside it.
    Returns the legend's box in display pixels."""
    axes_box = ax.get_window_extent(renderer).frozen()
    xlim, ylim = fit_view(bounds, axes_box)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    drawn = drawn_hotspots(ax)
    for corner in LEGEND_CORNERS:
        legend.set_loc(corner)
        box = legend.get_window_extent(renderer).frozen()
        if not any(box.overlaps(hotspot) for hotspot in drawn):
            return box
    legend.set_loc(LEGEND_CORNERS[0])
    box = legend.get_window_extent(renderer).frozen()
    xlim, ylim = clear_view(bounds, axes_box, box)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return box


def drawn_hotspots(ax: Axes) -> list[Bbox]:
    """The extent of each hotspot outline and dot as drawn on `ax`, in display pixels."""
    boxes = []
    for collection in ax.collections:
        if isinstance(collection, PathCollection):  # dots: centres and sizes in points²
            radius = (np.sqrt(collection.get_sizes()[0]) / 2 + 1) * ax.figure.dpi / 72
            for x, y in ax.transData.transform(collection.get_offsets()):
                boxes.append(Bbox.from_extents(x - radius, y - radius, x + radius, y + radius))
        elif isinstance(collection, PatchCollection):
            boxes += [
                path.transformed(ax.transData).get_extents() for path in collection.get_paths()
            ]
    return boxes


_OFFSETS = (
    (0, 16, "center", "bottom"),
    (0, -16, "center", "top"),
    (14, 0, "left", "center"),
    (-14, 0, "right", "center"),
    (12, 12, "left", "bottom"),
    (12, -12, "left", "top"),
    (-12, 12, "right", "bottom"),
    (-12, -12, "right", "top"),
    (0, 40, "center", "bottom"),
    (0, -40, "center", "top"),
    (36, 0, "left", "center"),
    (-36, 0, "right", "center"),
    (30, 30, "left", "bottom"),
    (30, -30, "left", "top"),
    (-30, 30, "right", "bottom"),
    (-30, -30, "right", "top"),
    (0, 64, "center", "bottom"),
    (0, -64, "center", "top"),
    (60, 0, "left", "center"),
    (-60, 0, "right", "center"),
)
"""Places of a name round its point (offset in points, alignment), nearest first; those from
`_NEAR` on are far enough to need a line back to the point."""  # fmt: skip
_NEAR = 8
_NAME_BACKING = {"boxstyle": "round,pad=0.15", "facecolor": BACKGROUND, "edgecolor": "none",
                 "alpha": 0.6}  # fmt: skip
"""A dark backing under each name: white names stay legible on the pale fills, and stay text
(a halo drawn with path effects would turn them into outlines a PDF's search cannot find)."""


def _place_labels(
    ax: Axes,
    texts: list[str],
    points: list,
    legend: Bbox,
    hotspots: list[Bbox],
    owners: list[tuple[str, np.ndarray]],
) -> None:
    """Put each label at the first of `_OFFSETS` round its point where it is inside the map,
    overlaps no hotspot, the legend or another label, and is nearer a hotspot of its own (its
    name's in `owners`: (name, point in pixels) per hotspot) than any other's, so that it reads
    as theirs; a label with no such place is left out."""
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    inside = ax.get_window_extent(renderer)
    taken = [legend, *hotspots]
    for text, point in zip(texts, points):
        for place, (dx, dy, ha, va) in enumerate(_OFFSETS):
            leader = {"arrowstyle": "-", "color": MUTED, "shrinkA": 2, "shrinkB": 4}
            label = ax.annotate(
                text, (point.x, point.y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                va=va, color=TEXT, fontsize=15, fontweight="bold", parse_math=False,
                arrowprops=leader if place >= _NEAR else None, bbox=_NAME_BACKING,
            )  # fmt: skip
            label.update_positions(renderer)
            box = Text.get_window_extent(label, renderer)  # the name, not its leader
            fits = (
                inside.x0 <= box.x0 and box.x1 <= inside.x1
                and inside.y0 <= box.y0 and box.y1 <= inside.y1
            )  # fmt: skip
            if (
                fits
                and not any(box.overlaps(other) for other in taken)
                and nearest_owner(box, owners) == text
            ):
                taken.append(box)
                break
            label.remove()


def nearest_owner(box: Bbox, owners: list[tuple[str, np.ndarray]]) -> str:
    """The name of the hotspot (of `owners`: name and point in pixels) nearest to `box`."""

    def gap(point: np.ndarray) -> float:
        dx = max(box.x0 - point[0], 0.0, point[0] - box.x1)
        dy = max(box.y0 - point[1], 0.0, point[1] - box.y1)
        return float(np.hypot(dx, dy))

    return min(owners, key=lambda owner: gap(owner[1]))[0]


def _draw_legend(ax: Axes, scale: Scale, values: np.ndarray) -> Legend:
    classes = scale.classify(values)
    handles = [
        Patch(facecolor=colour, edgecolor="#f0f3f6", label=f"{label} ({(classes == i).sum()})")
        for i, (colour, label) in enumerate(zip(scale.colours, scale.labels))
    ]
    if (classes == -1).any():
        missing = f"{scale.missing_label} ({(classes == -1).sum()})"
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor="#f0f3f6", label=missing))
    legend = ax.legend(
        handles=handles, title=f"{scale.title}\n{scale.note}", loc="lower left", fontsize=13,
        title_fontsize=14,
        facecolor=BACKGROUND, edgecolor="#30363d", labelcolor=TEXT, framealpha=0.92,
    )  # fmt: skip
    legend.get_title().set_color(TEXT)
    for text in [legend.get_title(), *legend.get_texts()]:
        text.set_parse_math(False)
    return legend
