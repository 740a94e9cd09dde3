"""What a playback link asks for (hostile values refused with a note) and what the map frame is
sent to step through the months by itself."""

import json
import re
from html import escape
from pathlib import Path

import numpy as np
import pytest

from geo.analysis.month_by_month import COUNTED, MonthByMonth, MonthStatus, month_by_month
from geo.app.load import load_dataset
from geo.period import Period
from geo.view.links import view_from_query
from geo.view.playback import (
    DEFAULT_SECONDS,
    MAX_SECONDS,
    MIN_SECONDS,
    NOT_STARTED,
    PLAY_RULE,
    play_seconds,
    playback,
    playback_legend_html,
    playback_strip_html,
)
from geo.view.scales import MISSING_COLOUR, asb_change_scale, month_change_scale
from tests.flagged_data import NO_ASB_MONTH, three_year_dataset


@pytest.mark.parametrize(
    ("text", "seconds"),
    [(None, 0), ("", 0), ("0", 0), (" 0 ", 0), ("1", DEFAULT_SECONDS),
     (str(MIN_SECONDS), MIN_SECONDS), ("5", 5), (f" {MAX_SECONDS} ", MAX_SECONDS)],
)  # fmt: skip
def test_a_link_plays_at_its_seconds_or_the_default(text, seconds):
    assert play_seconds(text) == (seconds, "")


@pytest.mark.parametrize(
    "text",
    ["abc", "-1", "5.5", "1e3", "NaN", "inf", str(MAX_SECONDS + 1), "99999999999999999999",
     "٣", "５", "<script>alert(1)</script>", "5\u202e", "x" * 5000],
)  # fmt: skip
def test_a_hostile_play_value_plays_nothing_and_says_what_to_write(text):
    seconds, note = play_seconds(text)
    assert seconds == 0
    assert note.startswith("Ignoring play=") and PLAY_RULE in note
    assert note.isascii() and note.isprintable()  # hidden and look-alike characters escaped
    assert len(note) < len(PLAY_RULE) + 80  # a long value is cut short


def test_the_map_page_view_carries_the_play_seconds_and_notes_a_bad_value():
    kwargs = dict(metrics=["asb"], towns=[], months=["2025-01", "2025-12"], hotspots=[],
                  default_period=Period.parse("2025-01:2025-12"))  # fmt: skip
    view, notes = view_from_query({"play": "7"}, **kwargs)
    assert view.play == 7 and notes == []
    view, notes = view_from_query({"play": "soon"}, **kwargs)
    assert view.play == 0 and len(notes) == 1 and "play=soon" in notes[0]


def _readings(tmp_path: Path) -> MonthByMonth:
    dataset = load_dataset(three_year_dataset(tmp_path / "data"))
    return month_by_month(dataset.counts, ["A"], dataset.context(Period.parse("2024-01:2024-12")))


def test_every_month_is_sent_once_with_each_hotspots_counts_and_class(tmp_path):
    readings = _readings(tmp_path)
    sent = playback(readings, month_change_scale())
    data = json.loads(sent.text)
    assert sent.months == len(data["months"]) == len(data["cells"]) == 12
    assert data["ids"] == ["A"]
    classes = month_change_scale().classify(readings.change_pct())
    for row, (month, cells, status) in enumerate(zip(data["months"], data["cells"],
                                                     readings.months)):  # fmt: skip
        assert month[0] == status.month.strftime("%B %Y")
        assert month[1] == status.year_before.strftime("%B %Y")
        assert month[3] == status.status
        a, b, kind = cells[0]
        if status.status == COUNTED:
            assert (a, b) == (readings.this_year[row, 0], readings.year_before[row, 0])
            assert kind == classes[row, 0] and month[2] == ""
        else:
            assert (a, b, kind) == (None, None, -1)
            assert NO_ASB_MONTH[:4] in month[2] and "flagged as anomalous" in month[2]


def test_the_digest_follows_the_months(tmp_path):
    readings = _readings(tmp_path)
    first = playback(readings, month_change_scale())
    assert playback(readings, month_change_scale()).key == first.key
    changed = MonthByMonth(
        readings.ids, readings.months, readings.this_year + 1, readings.year_before,
        readings.started,
    )  # fmt: skip
    assert playback(changed, month_change_scale()).key != first.key


def test_a_hotspot_not_started_has_a_class_of_its_own():
    months = [MonthStatus(Period.parse("2024-01:2024-01").start)]
    readings = MonthByMonth(
        ["A", "B"], months, np.array([[3.0, np.nan]]), np.array([[2.0, np.nan]]),
        np.array([[True, False]]),
    )  # fmt: skip
    cells = json.loads(playback(readings, month_change_scale()).text)["cells"][0]
    assert cells[1] == [None, None, NOT_STARTED]
    assert cells[0][:2] == [3, 2] and cells[0][2] == month_change_scale().classify([50.0])[0]


def test_the_month_scale_is_the_asb_scale_with_no_too_few_rule_and_its_own_words():
    month, period = month_change_scale(), asb_change_scale()
    assert (month.breaks, month.colours, month.labels) == (
        period.breaks, period.colours, period.labels,
    )  # fmt: skip
    assert month.title != period.title and "chance" in month.note


def test_the_legends_name_every_class_and_the_grey_of_not_known():
    scale = month_change_scale()
    box = playback_legend_html(scale, extra="<div class='x'></div>")
    strip = playback_strip_html(scale)
    for html in (box, strip):
        assert all(escape(label) in html for label in scale.labels)
        assert MISSING_COLOUR in html
    assert box.endswith("<div class='x'></div></div>")
    assert not re.search(r"\(\d+\)", box)  # no counts: they change with every month
