"""The briefing as a file: one 16:9 page, PDF or PNG, drawn by geo.view.briefing_drawing (which
loads matplotlib, so only when a file is drawn) and written aside, then renamed."""

from __future__ import annotations

import io
from pathlib import Path

from geo.errors import HotspotDataError
from geo.view.briefing import BACKGROUND, BriefingPage

FORMATS = (".pdf", ".png")


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
