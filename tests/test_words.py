"""Words as a person reads them (geo.words): '1 hotspot', '2 hotspots', never '1 hotspot(s)'; a
span of one month is that month; a negative figure has a minus sign, never a hyphen. And the
messages of the library written with them."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from geo.words import MINUS, count_text, plural, signed_percent, span

HYPHEN_NUMBER = re.compile(r"(?<![0-9A-Za-z])-\d")
"""A hyphen written as the sign of a number (not one inside a date such as 2024-07)."""


def test_one_takes_the_word_and_any_other_count_its_plural():
    assert count_text(1, "hotspot") == "1 hotspot"
    assert count_text(0, "hotspot") == "0 hotspots"
    assert count_text(1204, "row") == "1,204 rows"
    assert count_text(2, "person", "people") == "2 people"
    assert plural(1, "month") == "month" and plural(3, "month") == "months"


def test_verbs_agree_with_their_count():
    assert plural(1, "is", "are") == "is" and plural(2, "is", "are") == "are"
    assert plural(1, "qualifies", "qualify") == "qualifies"
    assert plural(0, "was", "were") == "were"


def test_a_span_of_one_is_that_one():
    assert span("2024-01", "2024-06") == "2024-01 to 2024-06"
    assert span("2024-03", "2024-03") == "2024-03"
    assert span("Sep 2026", "Sep 2026", " – ") == "Sep 2026"
    assert span(pd.Period("2024-01", "M"), pd.Period("2024-02", "M"), "–") == "2024-01–2024-02"


@pytest.mark.parametrize(
    ("value", "digits", "written"),
    [
        (-25.4, 0, f"{MINUS}25%"),
        (3.0, 0, "+3%"),
        (0.2, 0, "0%"),
        (-0.4, 0, "0%"),  # rounds to nothing: no sign
        (-32.58426966292135, 1, f"{MINUS}32.6%"),
        (float("nan"), 0, "unknown"),
        (None, 0, "unknown"),
    ],
)
def test_signed_percentages_have_a_minus_sign(value, digits, written):
    assert signed_percent(value, digits) == written
    assert not HYPHEN_NUMBER.search(signed_percent(value, digits))


def test_no_value_is_written_as_the_caller_says():
    assert signed_percent(float("nan"), missing="—") == "—"


def test_a_one_month_period_is_that_month_and_longer_ones_a_range():
    from geo.period import Period

    assert Period.parse("2026-09:2026-09").label() == "Sep 2026"
    assert Period.parse("2025-10:2026-09").label() == "Oct 2025 – Sep 2026"


@pytest.mark.parametrize(
    ("too_few", "note"),
    [
        (0, ""),
        (1, "1 hotspot had too few ASB reports to tell; it is left out of the mean and not ranked"),
        (2, "2 hotspots had too few ASB reports to tell; they are left out of the mean and not "
            "ranked"),
    ],
)  # fmt: skip
def test_the_note_on_hotspots_with_too_few_reports_counts_them(too_few, note):
    from geo.view.unranked import too_few_note

    assert too_few_note(SimpleNamespace(too_few=too_few)) == note


def test_too_short_crime_data_are_named_by_their_span_and_months():
    from geo.analysis.coverage import no_comparison_reason

    one = no_comparison_reason([pd.Period("2024-01", "M")])
    assert one.startswith("the crime data cover 2024-01 (1 month);")
    three = no_comparison_reason(list(pd.period_range("2024-01", "2024-03", freq="M")))
    assert three.startswith("the crime data cover 2024-01 to 2024-03 (3 months);")


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("hotspot_id,start,end,officers,engagements", "the column arrests;"),
        ("hotspot_id,start,end,officers", "the columns arrests, engagements;"),
    ],
)
def test_a_patrol_log_names_its_missing_column_or_columns(tmp_path, header, missing):
    from geo.errors import HotspotDataError
    from geo.io.patrols import read_patrols

    path = tmp_path / "patrols.csv"
    path.write_text(header + "\n")
    with pytest.raises(HotspotDataError, match=f"lacks {re.escape(missing)}"):
        read_patrols(path)


def test_a_year_on_year_fall_is_written_with_minus_signs():
    from geo.analysis.anomalies import find_anomalies

    months = pd.period_range("2023-01", "2024-12", freq="M")
    rows = [300 + 40 * (m.month % 3) for m in months[:12]]
    rows += [270 + 36 * (m.month % 3) for m in months[12:]]
    rows[18] = 130  # July 2024: far below July 2023, where the other months fell a little
    counts = pd.DataFrame(
        {"month": months.asi8, "crime_type": "Vehicle crime", "rows": rows, "duplicates": 0}
    )
    (anomaly,) = find_anomalies(counts)
    line = anomaly.line()
    assert f"({MINUS}62%)" in line and f"about {MINUS}10%" in line
    assert not HYPHEN_NUMBER.search(line)
