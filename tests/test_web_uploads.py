"""geo.web_uploads: only importers' sessions upload, within the caps of a session and the server."""

from __future__ import annotations

from geo.web_uploads import UploadAllowance


def test_a_session_not_allowed_uploads_nothing():
    uploads = UploadAllowance()
    assert uploads.admit("s1", "f1", 10) == "uploads need the importer role"
    uploads.allow("s1")
    assert uploads.admit("s1", "f1", 10) is None
    uploads.forbid("s1")  # e.g. signed out, or the role removed
    assert uploads.admit("s1", "f2", 10) == "uploads need the importer role"


def test_a_session_and_the_server_hold_at_most_their_caps():
    uploads = UploadAllowance(session_bytes=100, server_bytes=150)
    uploads.allow("s1")
    uploads.allow("s2")
    assert uploads.admit("s1", "f1", 60) is None
    assert "this browser tab" in uploads.admit("s1", "f2", 50)
    assert uploads.admit("s1", "f1", 100) is None  # the same file sent again replaces itself
    uploads.release("s1", "f1")
    assert uploads.admit("s1", "f2", 90) is None
    assert "the server" in uploads.admit("s2", "f1", 70)
    assert uploads.admit("s2", "f1", 60) is None
    uploads.forbid("s1")  # what a session held is forgotten with it
    assert uploads.admit("s2", "f2", 40) is None


def test_an_upload_must_say_its_length():
    uploads = UploadAllowance()
    uploads.allow("s1")
    assert uploads.admit("s1", "f1", None) == "an upload must say its length"
