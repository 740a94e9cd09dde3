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


HUGEPAGE_PROBE = """
import runpy, sys
sys.argv = ["geo", *sys.argv[1:]]
try:
    runpy.run_module("geo", run_name="__main__")
except SystemExit:
    pass
from numpy._core.multiarray import _get_madvise_hugepage
print("hugepage advice:", _get_madvise_hugepage())
"""


def test_a_command_gives_numpy_no_hugepage_advice_unless_the_user_asks(sample_dir):
    import os

    argv = ["summary", "--data", str(sample_dir), "--period", "2025-10:2026-09"]
    said = {}
    for given in (None, "1"):
        env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
        if given is not None:
            env["NUMPY_MADVISE_HUGEPAGE"] = given
        run = subprocess.run(
            [sys.executable, "-c", HUGEPAGE_PROBE, *argv],
            cwd=ROOT, capture_output=True, text=True, env=env,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert "HS-" in run.stdout  # the summary ran, numpy with it
        said[given] = run.stdout.strip().splitlines()[-1]
    assert said == {None: "hugepage advice: False", "1": "hugepage advice: True"}
