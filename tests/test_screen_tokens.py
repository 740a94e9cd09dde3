"""geo.store.screen_tokens and a folder's tokens (geo.store.folder.tokens): tokens that open the
wall screen, stored as hashes, until revoked."""

from __future__ import annotations

import json
import stat

import pytest

from geo.cli import main
from geo.errors import HotspotDataError
from geo.store.folder import tokens as folder_tokens
from geo.store.folder.tokens import TOKEN_FILE, create_token, list_tokens, revoke_token, token_valid


def test_a_token_opens_the_screen_until_revoked_and_only_its_hash_is_stored(tmp_path):
    token = create_token(tmp_path, "briefing room")
    other = create_token(tmp_path, "front desk")
    stored = (tmp_path / TOKEN_FILE).read_text()
    assert token not in stored and other not in stored
    assert stat.S_IMODE((tmp_path / TOKEN_FILE).stat().st_mode) == 0o600
    assert token_valid(tmp_path, token) and token_valid(tmp_path, other)
    assert revoke_token(tmp_path, "briefing room") == 1
    assert not token_valid(tmp_path, token)
    assert token_valid(tmp_path, other)
    assert [(t.name, t.revoked is None) for t in list_tokens(tmp_path)] == [
        ("briefing room", False),
        ("front desk", True),
    ]


def test_wrong_tokens_are_refused(tmp_path):
    token = create_token(tmp_path, "lobby")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in (flipped, token + "x", token[:20], "", None, ["x"], "é" * 43, token + "\n"):
        assert not token_valid(tmp_path, wrong)
    assert not token_valid(tmp_path / "elsewhere", token)


def test_token_names_are_checked_and_unique_while_active(tmp_path):
    create_token(tmp_path, "lobby")
    with pytest.raises(HotspotDataError, match="exists already"):
        create_token(tmp_path, "lobby")
    for bad in ("", "x" * 61, "a\x1b[2J", "../up", " lead"):
        with pytest.raises(HotspotDataError, match="name must be"):
            create_token(tmp_path, bad)
    with pytest.raises(HotspotDataError, match="no active screen token is named 'hall'"):
        revoke_token(tmp_path, "hall")
    revoke_token(tmp_path, "lobby")
    create_token(tmp_path, "lobby")  # a revoked name can be used again


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"tokens": [{"name": "x"}]}',
        '{"tokens": [{"name": "x", "sha256": "zz", "created": "t", "revoked": null}]}',
        "[]",
    ],
)
def test_an_unreadable_token_file_opens_nothing_and_says_so(tmp_path, content):
    token = create_token(tmp_path, "lobby")
    (tmp_path / TOKEN_FILE).write_text(content)
    assert not token_valid(tmp_path, token)
    with pytest.raises(HotspotDataError, match="cannot be read"):
        list_tokens(tmp_path)


def test_the_command_line_makes_lists_and_revokes_tokens(tmp_path, capsys):
    assert main(["screen-token", "add", "lobby", "--data", str(tmp_path)]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("/briefing?screen=")
    token = link.split("=", 1)[1]
    assert token_valid(tmp_path, token)
    assert main(["screen-token", "list", "--data", str(tmp_path)]) == 0
    listed = capsys.readouterr().out
    assert "lobby" in listed and "active" in listed and token not in listed
    assert main(["screen-token", "revoke", "lobby", "--data", str(tmp_path)]) == 0
    assert not token_valid(tmp_path, token)
    assert main(["screen-token", "revoke", "lobby", "--data", str(tmp_path)]) == 2
    assert "no active screen token" in capsys.readouterr().err
    stored = json.loads((tmp_path / TOKEN_FILE).read_text())["tokens"]
    assert stored[0]["revoked"] is not None


def test_a_folder_that_is_not_there_gets_no_token(tmp_path):
    with pytest.raises(HotspotDataError, match="dataset folder not found"):
        create_token(tmp_path / "elsewhere", "lobby")
    assert not (tmp_path / "elsewhere").exists()
    assert list_tokens(tmp_path) == []


def test_a_name_used_again_gets_a_new_token_and_the_old_one_stays_revoked(tmp_path):
    old = create_token(tmp_path, "lobby")
    revoke_token(tmp_path, "lobby")
    new = create_token(tmp_path, "lobby")
    assert new != old and token_valid(tmp_path, new) and not token_valid(tmp_path, old)
    assert revoke_token(tmp_path, "lobby") == 1  # only the active one
    assert [t.revoked is not None for t in list_tokens(tmp_path)] == [True, True]


def test_a_write_that_fails_keeps_the_tokens_there_were_and_leaves_no_temporary_file(
    tmp_path, monkeypatch
):
    kept = create_token(tmp_path, "lobby")
    before = (tmp_path / TOKEN_FILE).read_bytes()

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(folder_tokens.os, "replace", full_disk)
    with pytest.raises(OSError):
        create_token(tmp_path, "hall")
    with pytest.raises(OSError):
        revoke_token(tmp_path, "lobby")
    assert (tmp_path / TOKEN_FILE).read_bytes() == before and token_valid(tmp_path, kept)
    assert not list(tmp_path.glob(".screen-tokens-*"))
