"""Measure the app as Streamlit runs it, for `python -m geo bench` (which runs this file as its
own process, so the domain library never imports streamlit).

    python -m tools.app_probes rerun DATASET_FOLDER REPETITIONS

prints JSON: the median seconds of the map page's rerun after switching the metric (AppTest), and
how many times crime files were read or counted during those reruns (it should be never).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geo.store.dataset

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def counting(module: object, name: str) -> Iterator[list[None]]:
    """Count calls of `module.name` for the duration (one list entry per call)."""
    calls: list[None] = []
    original = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(None)
        return original(*args, **kwargs)

    setattr(module, name, counted)
    try:
        yield calls
    finally:
        setattr(module, name, original)


def rerun(folder: Path, repetitions: int) -> dict:
    """Median rerun time after a metric change, and the reads and counts those reruns repeated."""
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    set_log_level("error")  # AppTest's bare-mode warnings are not results
    os.environ.update(HOTSPOT_DATA=str(folder), HOTSPOT_TILES="none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    if at.exception:
        return {"skipped": f"the page raised {at.exception[0].value}"}
    times = []
    with (
        counting(geo.store.dataset, "read_crimes_cached") as reads,
        counting(geo.store.dataset, "count_crimes") as aggregations,
    ):
        for turn in range(repetitions):
            start = time.perf_counter()
            at.sidebar.radio(key="metric").set_value("hours" if turn % 2 == 0 else "asb").run()
            times.append(time.perf_counter() - start)
            if at.exception:
                return {"skipped": f"the page raised {at.exception[0].value}"}
    return {"seconds": statistics.median(times), "reads": len(reads), "counts": len(aggregations)}


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "rerun":
        sys.exit(__doc__)
    print(json.dumps(rerun(Path(sys.argv[2]), int(sys.argv[3]))))
