"""`python -m geo` (geo/__main__.py): runs the command line and hands its exit status back."""

import subprocess
import sys

from geo.cli import EXIT_BAD_INPUT
from tests.conftest import ROOT


def _geo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_help_lists_the_verbs_and_exits_0():
    run = _geo("--help")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("usage:") and "summary" in run.stdout and "sample" in run.stdout


def test_a_refusal_reaches_the_shell_as_exit_status_2():
    run = _geo("summary", "--data", "no/such/folder", "--period", "2024-01:2024-12")
    assert run.returncode == EXIT_BAD_INPUT
    assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr
