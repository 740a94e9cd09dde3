"""Numbers in the downloaded CSV: p and q keep their digits, true and false are words the
heading names, and shares are percentages like the other shares."""

from __future__ import annotations

import csv
import io

import pandas as pd

from geo.period import Period
from geo.view.export import plain_table, table_csv


def _rows(table: pd.DataFrame) -> list[dict[str, str]]:
    text = table_csv(plain_table(table, Period.parse("2025-10:2026-09"))).decode()
    return list(csv.DictReader(io.StringIO(text)))


TABLE = pd.DataFrame(
    {
        "hotspot_id": ["a", "b"],
        "asb_change_pct": [-32.58426966292135, 4.0],
        "asb_too_few": [False, True],
        "asb_p": [0.000123456, 0.5],
        "adjusted_p": [0.0144991, 1.0],
        "wdd_p": [0.008599, float("nan")],
        "q": [0.0695943, 0.0],
        "share_15_min": [0.99568, 0.25],
        "asb_rr": [0.674157, 1.0],
    }
)


def test_p_and_q_are_written_to_three_significant_digits_as_numbers():
    first, second = _rows(TABLE)
    assert first["ASB change p-value (exact test of the hotspot's own counts)"] == "0.000123"
    assert first["Against the control trend: p-value"] == "0.0145"
    assert first["WDD p-value"] == "0.0086" and second["WDD p-value"] == ""
    assert first["False discovery rate q"] == "0.0696" and second["False discovery rate q"] == "0"
    assert second["ASB change p-value (exact test of the hotspot's own counts)"] == "0.5"
    assert first["ASB rate ratio (period / year earlier)"] == "0.67"  # others: two decimals
    assert first["ASB change %"] == "-32.58"


def test_true_and_false_are_yes_and_no_and_the_heading_says_so():
    first, second = _rows(TABLE)
    assert first["Too few ASB reports to tell (yes/no)"] == "no"
    assert second["Too few ASB reports to tell (yes/no)"] == "yes"


def test_a_share_is_a_percentage_like_the_other_shares():
    first, second = _rows(TABLE)
    assert first["Visits of 15 minutes or more %"] == "99.57"
    assert second["Visits of 15 minutes or more %"] == "25.00"
    assert not any("Share" in heading for heading in first)
