"""The bench's page probe: a metric change reruns the page without reading or counting crimes."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_metric_change_reads_and_counts_nothing_again(sample_dir):
    done = subprocess.run(
        [sys.executable, "-m", "tools.app_probes", "rerun", str(sample_dir), "2"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["reads"] == 0 and result["counts"] == 0
    assert 0 < result["seconds"] < 30
