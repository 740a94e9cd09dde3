"""Shared fixtures: the real data in ../shared/data (skipped when absent) and the sample dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


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
