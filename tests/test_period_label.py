"""Period labels as a person reads them: a range of months, and one month alone."""

from __future__ import annotations

from geo.period import Period


def test_a_one_month_period_is_labelled_as_that_month():
    assert Period.parse("2026-09:2026-09").label() == "Sep 2026"
    assert Period.parse("2025-10:2026-09").label() == "Oct 2025 – Sep 2026"
    assert Period.parse("2026-09:2026-09").before.label() == "Sep 2025"
