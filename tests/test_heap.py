"""Freed memory kept for reuse: the next block's arrays take no fresh pages from the system."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

_CHURN = """
import json, os, sys
from geo.heap import keep_freed_memory
if sys.argv[1] == "keep":
    keep_freed_memory()
import numpy as np
def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
values = np.ones(4_000_000)
grown = values * 2.0  # 32 MB, then freed: back to the system, or kept for the next block
before = resident()
del grown
purge = os.environ.get("MIMALLOC_PURGE_DELAY")
print(json.dumps({"given_back": before - resident(), "purge": purge}))
"""


def _run(mode: str, **env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _CHURN, mode],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator only")
def test_a_freed_block_of_memory_is_kept_for_the_next():
    default, kept = _run("default"), _run("keep")
    assert default["given_back"] >= 30 * 2**20  # the 32 MB went back at once
    assert kept["given_back"] < 2**20


def test_pyarrow_is_told_to_keep_memory_unless_the_user_said_otherwise():
    clean = {k: v for k, v in os.environ.items() if k != "MIMALLOC_PURGE_DELAY"}
    done = subprocess.run(
        [sys.executable, "-c", _CHURN, "keep"], cwd=ROOT, env=clean, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert json.loads(done.stdout)["purge"] == "-1"
    assert _run("keep", MIMALLOC_PURGE_DELAY="250")["purge"] == "250"
