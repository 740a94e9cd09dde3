"""Start the app warm: `streamlit run app.py` once the map page's modules are imported, with the
dataset and its first view's table read into the page's own caches while the server starts, so
the first visitor does not wait for them (`make run`; tools.app_server for tests and the bench).

    python -m tools.serve [streamlit run options, e.g. --server.port 8600]
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import logging
import sys
import threading
import time
from pathlib import Path

from geo.process import single_blas_thread

single_blas_thread()  # read as numpy loads, which the pages' modules import below

from geo.errors import HotspotDataError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIRST_PAGE = ROOT / "pages" / "explore.py"
"""The page a first visitor opens (`/`)."""
OTHER_PAGES = (ROOT / "pages" / "briefing.py", ROOT / "pages" / "data.py")
SCRIPT_RUN_ONLY = frozenset({"streamlit_folium"})
"""Modules that declare a streamlit component when imported: the declaration registers only
inside a script run, so the page imports these itself (the warm-up imports what they import)."""
RUNTIME_WAIT_S = 60.0
"""How long the warm-up waits for streamlit's runtime, whose caches the pages read."""

log = logging.getLogger(__name__)


def page_imports(page: Path) -> list[str]:
    """The modules `page` imports at its top level, in order (read from its source, not run)."""
    modules: list[str] = []
    for node in ast.parse(page.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
    return [m for m in modules if m != "__future__"]


def import_page_modules(page: Path) -> None:
    """Import what `page` imports, so its first run finds them loaded."""
    for module in page_imports(page):
        if module in SCRIPT_RUN_ONLY:  # what it imports, then, but not the module itself
            spec = importlib.util.find_spec(module)
            if spec is not None and spec.origin:
                for needed in page_imports(Path(spec.origin)):
                    importlib.import_module(needed)
        else:
            importlib.import_module(module)


def warm_caches(runtime_ready: threading.Event | None = None) -> None:
    """Read the dataset, then (once `runtime_ready` is set: the table's cache is the runtime's)
    the first view's table, through the pages' own cached functions."""
    from geo.period import Period
    from geo.view.links import view_from_query
    from pages._common import cached_dataset, evaluation_for

    dataset = cached_dataset()
    months = [str(m) for m in dataset.comparable_months]
    if not months:
        return  # the page says why nothing can be compared; there is no table to fill
    if runtime_ready is not None and not runtime_ready.wait(RUNTIME_WAIT_S):
        log.warning("warm-up: streamlit's runtime did not start; the table is left cold")
        return
    view, _ = view_from_query(
        {}, metrics=["asb"], towns=dataset.towns, months=months,
        hotspots=list(dataset.hotspots["hotspot_id"]), default_period=dataset.default_period,
    )  # fmt: skip
    evaluation_for(dataset, Period.parse(":".join(view.period)), keep_flagged=False)


def warm(runtime_ready: threading.Event | None = None) -> None:
    """The first page's imports and caches, then the other pages' imports. A dataset that
    cannot be read is left for the page to explain."""
    import_page_modules(FIRST_PAGE)
    with contextlib.suppress(HotspotDataError):  # the page shows it, with what to do about it
        warm_caches(runtime_ready)
    for page in OTHER_PAGES:
        import_page_modules(page)


def _set_when_runtime_exists(ready: threading.Event) -> None:
    """Set `ready` once streamlit's runtime exists (its cache storage is the pages' one)."""
    from streamlit.runtime import Runtime

    deadline = time.monotonic() + RUNTIME_WAIT_S
    while not Runtime.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if Runtime.exists():
        ready.set()


WARM_THREAD = "warm-up"


def _not_from_the_warm_up(record: logging.LogRecord) -> bool:
    """Drop streamlit's "missing ScriptRunContext" warnings of the warm-up thread: it calls the
    pages' cached functions outside any page run on purpose."""
    return record.threadName != WARM_THREAD


def _warm_in_background() -> None:
    """Warm up beside the server start; any failure is logged, never stops the server."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        _not_from_the_warm_up
    )

    def run() -> None:
        ready = threading.Event()
        threading.Thread(target=_set_when_runtime_exists, args=(ready,), daemon=True).start()
        try:
            warm(ready)
        except Exception:  # the page runs the same code and reports its own errors
            log.exception("warm-up failed; the first visit reads the dataset itself")

    threading.Thread(target=run, name=WARM_THREAD, daemon=True).start()


def main(argv: list[str]) -> None:
    """`streamlit run app.py ARGV`, warming up meanwhile."""
    from streamlit.web import cli  # before the warm-up: streamlit cannot be imported twice at once

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the pages import `pages.…` and `geo.…` from here
    # The app's code is loaded before it answers, as any server's. Streamlit's caches warn that
    # they find no runtime when declared before it starts; they use the runtime's once it runs.
    caches = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caches.level
    caches.setLevel(logging.ERROR)
    try:
        import_page_modules(FIRST_PAGE)
    finally:
        caches.setLevel(level)
    _warm_in_background()  # the data, which may take long, while the server starts and after
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
