"""The bench's page probes: a metric change reruns the page without reading or counting crimes
or summing patrol outcomes again; first-paint times."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_metric_change_reads_counts_and_sums_nothing_again(sample_dir):
    done = subprocess.run(
        [sys.executable, "-m", "tools.app_probes", "rerun", str(sample_dir), "2"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["reads"] == 0 and result["counts"] == 0 and result["outcome_sums"] == 0
    assert 0 < result["seconds"] < 30


@pytest.mark.browser
def test_paint_probe_times_each_visit_from_navigation_to_the_painted_polygon(sample_dir):
    from tools.app_server import CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    done = subprocess.run(
        [sys.executable, "-m", "tools.app_probes", "paint", str(sample_dir), "1"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for visit in ("first", "later", "return"):
        (marks,) = result[visit]
        assert 0 < marks["websocket"] < marks["map_frame"] < marks["painted"] < 120
