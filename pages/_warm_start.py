"""The warm start: the map page's modules imported before the server answers, and the dataset
and its first view's table read into the pages' own caches while it starts, so the first visitor
does not wait for them (server.py runs this)."""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import logging
from pathlib import Path

import streamlit as st

from geo.access import signin_configured
from geo.errors import HotspotDataError
from geo.settings import setting
from geo.web_requests import is_loopback

ROOT = Path(__file__).resolve().parent.parent
FIRST_PAGE = ROOT / "pages" / "explore.py"
"""The page a first visitor opens (`/`)."""
OTHER_PAGES = (ROOT / "pages" / "briefing.py", ROOT / "pages" / "data.py")
SCRIPT_RUN_ONLY = frozenset({"streamlit_folium"})
"""Modules that declare a streamlit component when imported: the declaration registers only
inside a script run, so the page imports these itself (the warm-up imports what they import)."""
OPEN_WITHOUT_SIGNIN = "HOTSPOT_OPEN_WITHOUT_SIGNIN"
"""Set to `yes` to serve other computers without sign-in (they may look, never change data)."""


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


def import_first_page() -> None:
    """The first page's imports, before the server answers. Streamlit's caches warn that they
    find no runtime when declared before it starts; they use the runtime's once it runs."""
    caches = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caches.level
    caches.setLevel(logging.ERROR)
    try:
        import_page_modules(FIRST_PAGE)
    finally:
        caches.setLevel(level)


def warm_caches() -> None:
    """Read the dataset, then the first view's table, its programme evaluation (the verdict), the
    map's outlines and the WDD test below the map, through the pages' own cached functions (the
    runtime, whose caches they are, has started)."""
    from geo.period import Period
    from geo.view.links import view_from_query
    from pages._common import (
        cached_dataset,
        outcomes_table_for,
        programme_evaluation_for,
        programme_wdd_for,
    )
    from pages._map_frame import dataset_geometry

    dataset = cached_dataset()
    months = [str(m) for m in dataset.comparable_months]
    if not months:
        return  # the page says why nothing can be compared; there is no table to fill
    view, _ = view_from_query(
        {}, metrics=["asb"], towns=dataset.towns, months=months,
        hotspots=list(dataset.hotspots["hotspot_id"]), default_period=dataset.default_period,
    )  # fmt: skip
    period = Period.parse(":".join(view.period))
    outcomes_table_for(dataset, period, keep_flagged=False)
    programme_evaluation_for(dataset, period, keep_flagged=False)
    dataset_geometry(dataset)
    programme_wdd_for(dataset, period, keep_flagged=False)


def _not_from_the_warm_up(record: logging.LogRecord) -> bool:
    """Drop streamlit's "missing ScriptRunContext" warnings of the warm-up: it calls the pages'
    cached functions outside any page run on purpose."""
    return record.threadName != "warm-up"


def warm() -> None:
    """The first page's imports and caches, then the other pages' imports. A dataset that
    cannot be read is left for the page to explain."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        _not_from_the_warm_up
    )
    import_page_modules(FIRST_PAGE)
    with contextlib.suppress(HotspotDataError):  # the page shows it, with what to do about it
        warm_caches()
    for page in OTHER_PAGES:
        import_page_modules(page)


def network_refusal() -> str | None:
    """Why the server must not start, or None: listening beyond this computer without sign-in
    is refused unless asked for plainly (a proxy or forwarder in front would make every
    visitor look like this computer)."""
    if is_loopback(st.get_option("server.address")):
        return None
    try:
        if signin_configured(st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}):
            return None
    except HotspotDataError:
        return None  # the pages stay closed and say what to fix
    if setting(OPEN_WITHOUT_SIGNIN).lower() == "yes":
        return None
    return (
        "Refusing to listen beyond this computer without sign-in: configure sign-in in "
        ".streamlit/secrets.toml (docs: Security), listen on localhost, or set "
        f"{OPEN_WITHOUT_SIGNIN}=yes to let other computers look without changing data."
    )
