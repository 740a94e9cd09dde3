"""Wall-screen tokens on a PostgreSQL store: made, listed and revoked with `geo screen-token
--data postgresql://…`, and `/briefing?screen=…` opened by them until revoked, as on a folder."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.store.interface import PostgresStore, open_store
from geo.store.postgres.connection import APP_TABLES
from tests.conftest import ROOT
from tests.helpers import SIGNIN_AUTH
from tests.postgres_support import cli, reading_role

pytestmark = pytest.mark.postgres

AUTH = SIGNIN_AUTH


def test_the_command_line_makes_lists_and_revokes_tokens_in_a_database(capsys, pg_url):
    status, out, err = cli(capsys, "screen-token", "add", "control room", "--data", pg_url)
    assert status == 0, err
    token = out.strip().split("=", 1)[1]
    store = open_store(pg_url)
    assert isinstance(store, PostgresStore) and store.token_valid(token)
    status, listed, _ = cli(capsys, "screen-token", "list", "--data", pg_url)
    assert "control room" in listed and "active" in listed and token not in listed
    status, _, err = cli(capsys, "screen-token", "add", "control room", "--data", pg_url)
    assert status == 2 and "exists already" in err
    assert cli(capsys, "screen-token", "revoke", "control room", "--data", pg_url)[0] == 0
    assert not store.token_valid(token)
    status, _, err = cli(capsys, "screen-token", "revoke", "control room", "--data", pg_url)
    assert status == 2 and "no active screen token" in err
    for wrong in (token[:-2] + "xx", "not-a-token", None, "x" * 500):
        assert not store.token_valid(wrong)


def _wall(monkeypatch, location: str, token: str) -> AppTest:
    monkeypatch.setenv("HOTSPOT_DATA", location)
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.query_params["screen"] = token
    at.run()
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    return at


def test_a_token_opens_the_wall_of_a_database_until_revoked(
    capsys, monkeypatch, sample_dir, pg_url
):
    cli(capsys, "db", "copy", "--from", str(sample_dir), "--to", pg_url)
    token = open_store(pg_url).create_token("control room")
    with reading_role(pg_url, "hotspot_wall", only=APP_TABLES) as reader:  # the app's grants
        opened = _wall(monkeypatch, reader, token)
        html = " ".join(h.proto.body for h in opened.get("html"))
        assert "wall-title" in html and "Sign in" not in [b.label for b in opened.button]
        open_store(pg_url).revoke_token("control room")
        closed = _wall(monkeypatch, reader, token)
        assert "This screen link is not valid" in " ".join(e.value for e in closed.error)
        assert "wall-title" not in " ".join(h.proto.body for h in closed.get("html"))
