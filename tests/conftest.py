"""Shared fixtures: the real data in ../shared/data (skipped when absent) and the sample dataset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("HOTSPOT_SHARED_DATA") or ROOT.parent / "shared" / "data")
"""The real data beside the clone; HOTSPOT_SHARED_DATA points elsewhere (e.g. from a worktree)."""
pytest_plugins = ["tests.postgres_support"]  # pg_server, pg_url: a throw-away PostgreSQL cluster


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real police.uk and boundary data, read in place; skip when this clone has none."""
    if not (SHARED_DATA / "police-uk" / "derbyshire").is_dir():
        pytest.skip(f"real data not available: {SHARED_DATA} is absent (a clone elsewhere)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated sample dataset, written once per test session."""
    from geo.sample import write_sample

    out = tmp_path_factory.mktemp("sample") / "sample"
    write_sample(out)
    return out


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; skipped, saying why, when it is not installed."""
    from tests.browser_support import ARTIFACTS
    from tools.app_server import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(sample_dir):
    """The app serving the sample dataset."""
    from tests.browser_support import serve

    yield from serve(sample_dir)


@pytest.fixture(scope="session", autouse=True)
def no_developer_secrets(tmp_path_factory: pytest.TempPathFactory) -> None:
    """AppTest runs read an empty secrets.toml, never a developer's own: sign-in set up there
    would close every page. (Browser tests get theirs from tools.app_server.)"""
    from streamlit import config

    empty = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    empty.write_text("")
    config.set_option("secrets.files", [str(empty)])


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A small valid dataset folder (tests.helpers.small_dataset); modules may define their own."""
    from tests.helpers import small_dataset

    return small_dataset(tmp_path / "data")


@pytest.fixture
def ping_folder(tmp_path: Path) -> Path:
    """A dataset folder for GPS tests (tests.pings_helpers.ping_dataset), without pings yet."""
    from tests.pings_helpers import ping_dataset

    return ping_dataset(tmp_path / "data")
