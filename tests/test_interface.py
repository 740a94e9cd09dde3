"""geo.store.interface: one Store interface, two stores, and open_store the one place that tells
a folder from a database."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from geo.store.folder.store import FolderStore
from geo.store.interface import Store, as_store, open_store
from geo.store.postgres.connection import is_database_url, redacted
from geo.store.postgres.store import PostgresStore

MEMBERS = sorted(
    name for name in vars(Store) if not name.startswith("_") and name not in ("register",)
)


def test_a_url_opens_a_database_and_anything_else_a_folder_and_passwords_are_hidden():
    assert is_database_url("postgresql://u@h/db") and not is_database_url(Path("data"))
    assert open_store("postgres://h/db") == PostgresStore("postgres://h/db")
    assert open_store("data/sample") == open_store(Path("data/sample"))
    assert open_store("data/sample") == FolderStore(Path("data/sample"))
    assert redacted("postgresql://ann:secret@db.example:5433/x") == (
        "postgresql://ann:***@db.example:5433/x"
    )
    assert open_store("postgresql://ann:secret@db.example:5433/x").shown == (
        "postgresql://ann:***@db.example:5433/x"
    )


def test_a_store_given_as_itself_or_by_its_location_is_the_same_store(tmp_path):
    store = FolderStore(tmp_path, lock_timeout=0.5)
    assert as_store(store) is store
    assert as_store(tmp_path) == as_store(str(tmp_path)) == FolderStore(tmp_path)


@pytest.mark.parametrize("kind", [FolderStore, PostgresStore], ids=["folder", "postgres"])
def test_each_store_does_everything_the_interface_names_with_the_same_parameters(kind):
    assert len(MEMBERS) > 20
    for name in MEMBERS:
        promised, given = getattr(Store, name), getattr(kind, name, None)
        assert given is not None, f"{kind.__name__} lacks {name}"
        if isinstance(promised, property):
            assert isinstance(given, property), name
        else:
            promised_params = list(inspect.signature(promised).parameters)
            assert list(inspect.signature(given).parameters) == promised_params, name


def test_the_names_a_store_is_shown_and_keyed_by(tmp_path):
    folder = FolderStore(tmp_path / "derbyshire")
    assert folder.name == "derbyshire" and folder.key == str((tmp_path / "derbyshire").resolve())
    database = PostgresStore("postgresql://ann:secret@db.example/hotspots")
    assert database.name == "hotspots" and database.where == "the database"
    assert "secret" not in database.shown and database.key == database.url
