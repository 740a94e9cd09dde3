"""Words for the programme's ASB figures when there is none to give, so the map page, the wall
and the briefing say the same: every hotspot too few to tell, none with ASB last year, none fell;
and the note on those left out for too few reports."""

from __future__ import annotations

from geo.analysis.figures import ProgrammeFigures
from geo.words import count_text, plural


def no_mean_reason(figures: ProgrammeFigures) -> str:
    """Why no mean ASB change is given: every hotspot had too few reports to tell (there is a
    baseline), or none had any ASB last year."""
    return "too few to tell" if figures.too_few else "no baseline"


def no_largest_fall_reason(figures: ProgrammeFigures) -> str:
    """Why no hotspot is named for the largest fall: none of those that could be ranked fell, or
    none could be ranked (too few reports, or no ASB last year)."""
    return "no hotspot fell" if figures.asb_mean_over else "none could be ranked"


def too_few_note(figures: ProgrammeFigures) -> str:
    """The note under the map on hotspots left out for too few reports: '1 hotspot had too few
    ASB reports to tell; it is left out of the mean and not ranked'; '' when none."""
    n = figures.too_few
    if not n:
        return ""
    return (
        f"{count_text(n, 'hotspot')} had too few ASB reports to tell; "
        f"{plural(n, 'it is', 'they are')} left out of the mean and not ranked"
    )
