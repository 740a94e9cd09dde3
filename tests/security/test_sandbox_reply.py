"""Item: the sandbox's child has just parsed an untrusted file, so what it sends back is untrusted
too. A child subverted by a hostile file must not run code in the server through its reply: the
reply is data (JSON, tables as Arrow IPC), never a pickle, and anything else is refused.

The functions below are targets the child runs (by the name `HERE:NAME`); they write their
forged reply straight to the pipe the parent reads, and end the child.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from geo.errors import HotspotDataError
from geo.io.sandbox import run_isolated
from tests.conftest import ROOT

HERE = "tests.security.test_sandbox_reply"


class _Planted:
    """Unpickling this creates the file `path`: code run by whoever loads the reply."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def _answer(reply: bytes) -> None:
    """Send `reply` as the child's whole answer, as a subverted child would, and end it."""
    os.write(1, reply)
    os._exit(0)


def pickled_reply(path: str) -> None:
    _answer(pickle.dumps(("ok", _Planted(path))))


def reply_naming_a_class(path: str) -> None:
    """A well-formed reply that asks the parent to build an object of a class of its choosing."""
    built = {"$dataclass": "subprocess:Popen", "fields": {"args": ["touch", path]}}
    _answer(json.dumps({"ok": built}).encode())


@pytest.mark.parametrize(
    ("worker", "label"),
    [("pickled_reply", "evil.gpkg"), ("reply_naming_a_class", "evil.kml")],
)
def test_a_pickled_reply_or_one_naming_a_class_to_build_is_refused_and_runs_nothing(
    tmp_path, worker, label
):
    planted = tmp_path / "planted"
    with pytest.raises(HotspotDataError) as refused:
        run_isolated(f"{HERE}:{worker}", str(planted), label=label)
    assert refused.value.path == label and "refused" in refused.value.problem
    assert not planted.exists()


def test_no_code_in_geo_reads_or_writes_pickles():
    users = [
        str(path.relative_to(ROOT))
        for path in sorted((Path(ROOT) / "geo").rglob("*.py"))
        if "pickle" in path.read_text(encoding="utf-8")
    ]
    assert users == []
