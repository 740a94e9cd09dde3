"""`python -m geo` (geo/__main__.py): runs the command line and hands its exit status back."""

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

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


def _probe(code: str, variable: str, given: str | None, *args: str) -> str:
    """What the probe `code` prints, run with the environment `variable` unset or `given`."""
    env = {k: v for k, v in os.environ.items() if k != variable}
    if given is not None:
        env[variable] = given
    run = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_a_command_gives_numpy_no_hugepage_advice_unless_the_user_asks(sample_dir):
    argv = ["summary", "--data", str(sample_dir), "--period", "2025-10:2026-09"]
    said = {}
    for given in (None, "1"):
        out = _probe(HUGEPAGE_PROBE, "NUMPY_MADVISE_HUGEPAGE", given, *argv)
        assert "HS-" in out  # the summary ran, numpy with it
        said[given] = out.strip().splitlines()[-1]
    assert said == {None: "hugepage advice: False", "1": "hugepage advice: True"}


FAULTS_PROBE = """
import resource, runpy, sys
import numpy as np
if sys.argv[1:]:
    sys.argv = ["geo", *sys.argv[1:]]
    try:
        runpy.run_module("geo", run_name="__main__")
    except SystemExit:
        pass

def faults_of_a_new_array():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    np.ones(8 << 20)  # 64 MB written, then dropped
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

faults_of_a_new_array()
print("faults:", faults_of_a_new_array())
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="geo.process asks glibc's malloc only; other C libraries keep their own habits",
)
def test_a_command_reuses_the_memory_it_frees(sample_dir):
    argv = ["summary", "--data", str(sample_dir), "--period", "2025-10:2026-09"]
    faults = {}
    for name, args in (("plain", []), ("command", argv)):
        out = _probe(FAULTS_PROBE, "NUMPY_MADVISE_HUGEPAGE", "0", *args)  # 4 KB pages, one by one
        faults[name] = int(out.strip().splitlines()[-1].removeprefix("faults: "))
    # 64 MB is 16,384 pages: mapped afresh each time by default, reused after the command
    assert faults["plain"] > 10_000 and faults["command"] < 1_000, faults


TASKS_PROBE = """
import os, runpy, sys
sys.argv = ["geo", "--help"]
try:
    runpy.run_module("geo", run_name="__main__")
except SystemExit:
    pass
import numpy  # as a command's code would, after the entry point's settings
print("threads:", len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(
    not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
    reason="counts the process's threads in /proc, and OpenBLAS starts extra ones on 2+ cores only",
)
def test_a_command_runs_one_blas_thread_unless_the_user_asks_for_more():
    threads = {
        given: _probe(TASKS_PROBE, "OPENBLAS_NUM_THREADS", given).strip().splitlines()[-1]
        for given in (None, "2")
    }
    assert threads == {None: "threads: 1", "2": "threads: 2"}  # the second is OpenBLAS's own
