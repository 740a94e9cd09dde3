"""What a session that never signed in can get from a server with sign-in: after a screen token
is revoked, no run of the wall, its fragment's included, draws figures; and the upload route
takes nothing from it."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from geo.store.folder.tokens import create_token, revoke_token
from tests.security.attacks import StreamlitSocket
from tests.security.test_signin_browser import app, dataset, provider  # noqa: F401

pytestmark = pytest.mark.browser


def test_fragment_reruns_after_revocation_draw_nothing(app, dataset):  # noqa: F811
    token = create_token(dataset, "control room")
    query = f"screen={token}&refresh=5"
    client = StreamlitSocket(app)
    try:
        assert "wall-title" in client.run("briefing", query)
        fragment = client.fragments[0]
        assert "wall-title" in client.run("briefing", query, fragment)  # the wall refreshes

        revoke_token(dataset, "control room")
        closed = client.run("briefing", query)
        assert "screen link is not valid" in closed and "wall-title" not in closed, closed
        for _ in range(3):
            drawn = client.run("briefing", query, fragment)
            assert "wall-title" not in drawn and "wall-head" not in drawn
    finally:
        client.close()


def test_a_visitor_who_never_signed_in_cannot_upload(app):  # noqa: F811
    with urllib.request.urlopen(f"{app}/_stcore/health", timeout=30) as page:  # XSRF cookie
        cookie = next(
            c.split(";")[0] for c in page.headers.get_all("Set-Cookie") if "_streamlit_xsrf" in c
        )
    xsrf = cookie.partition("=")[2]
    client = StreamlitSocket(app)
    try:
        assert "Sign in" in client.run("data", "")
        upload = urllib.request.Request(
            f"{app}/_stcore/upload_file/{client.session}/f1",
            data=b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"'
            b"\r\nContent-Type: text/csv\r\n\r\n" + b"x" * 50_000 + b"\r\n--b--\r\n",
            method="PUT",
            headers={
                "Content-Type": "multipart/form-data; boundary=b",
                "X-Xsrftoken": xsrf,
                "Cookie": cookie,
            },
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(upload, timeout=30)
        assert refused.value.code == 403
        assert "importer" in refused.value.read().decode()
    finally:
        client.close()
