"""The default GPS visit rules: the ones the README states, the command shows and the rules use."""

from __future__ import annotations

import re
import subprocess
import sys

from geo.counting import visit_rules
from geo.counting.visits import VisitRules
from tests.conftest import ROOT

STATED = {
    "TOLERANCE_M": "within **{:g} m** of its edge",
    "MAX_ACCURACY_M": "`accuracy_m` is over **{:g}**",
    "MAX_GAP_MIN": "at most **{:g} minutes**",
    "MIN_VISIT_MIN": "visit under **{:g} minutes** is a pass-through",
}


def test_the_readme_states_every_default():
    readme = " ".join((ROOT / "README.md").read_text().split())
    for name, sentence in STATED.items():
        assert sentence.format(getattr(visit_rules, name)) in readme, name


def test_the_rules_and_the_command_use_the_defaults():
    rules = VisitRules()
    assert (rules.tolerance_m, rules.max_accuracy_m, rules.max_gap_min, rules.min_visit_min) == (
        visit_rules.TOLERANCE_M, visit_rules.MAX_ACCURACY_M, visit_rules.MAX_GAP_MIN,
        visit_rules.MIN_VISIT_MIN,
    )  # fmt: skip
    shown = subprocess.run(
        [sys.executable, "-m", "geo", "dosage", "--help"], cwd=ROOT, capture_output=True,
        text=True, check=True,
    ).stdout  # fmt: skip
    text = " ".join(shown.split())
    for flag, value in (("--tolerance-m", visit_rules.TOLERANCE_M),
                        ("--max-gap-min", visit_rules.MAX_GAP_MIN),
                        ("--min-visit-min", visit_rules.MIN_VISIT_MIN),
                        ("--max-accuracy-m", visit_rules.MAX_ACCURACY_M)):  # fmt: skip
        described = text[text.rindex(flag) :]  # its line under options, not the usage line
        assert re.search(r"\(([\d.]+)\)", described).group(1) == f"{value:g}", flag
