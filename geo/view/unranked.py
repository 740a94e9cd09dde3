"""Words for the programme's ASB figures when there is none to give, so the map page, the wall
and the briefing say the same: every hotspot too few to tell, none with ASB last year, none fell."""

from __future__ import annotations

from geo.analysis.figures import ProgrammeFigures


def no_mean_reason(figures: ProgrammeFigures) -> str:
    """Why no mean ASB change is given: every hotspot had too few reports to tell (there is a
    baseline), or none had any ASB last year."""
    return "too few to tell" if figures.too_few else "no baseline"


def no_largest_fall_reason(figures: ProgrammeFigures) -> str:
    """Why no hotspot is named for the largest fall: none of those that could be ranked fell, or
    none could be ranked (too few reports, or no ASB last year)."""
    return "no hotspot fell" if figures.asb_mean_over else "none could be ranked"
