"""DNS rebinding and cross-origin pages against a laptop install (no sign-in, listening on this
computer only): a page of another site whose host name points at 127.0.0.1 reaches the server,
but gets no page, no websocket and no accepted upload; a websocket opened from another origin on
this computer is refused."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import small_dataset
from tests.security.attacks import StreamlitSocket

pytestmark = pytest.mark.browser

FOREIGN = "rebind.attacker.example"

UPLOAD_JS = """async ([session, name]) => {
  const body = new FormData();
  body.append("file", new Blob(["Crime ID,Month\\n"], {type: "text/csv"}), name);
  const xsrf = (document.cookie.match(/_streamlit_xsrf=([^;]+)/) || [])[1];
  const headers = xsrf ? {"X-Xsrftoken": decodeURIComponent(xsrf)} : {};
  const answer = await fetch(`/_stcore/upload_file/${session}/${name}`,
                             {method: "PUT", body, headers, credentials: "include"});
  return answer.status;
}"""
SOCKET_JS = """(url) => new Promise((done) => {
  const socket = new WebSocket(url, ["streamlit"]);
  socket.onopen = () => { socket.close(); done("opened"); };
  socket.onerror = () => done("refused");
})"""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> str:
    from tools.app_server import app_server

    folder = small_dataset(tmp_path_factory.mktemp("rebinding") / "data")
    with app_server(folder, tiles="none") as url:
        yield url


@pytest.fixture(scope="module")
def rebound_browser():
    """Chromium in which the attacker's host name resolves to this computer."""
    from playwright.sync_api import sync_playwright

    from tools.app_server import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    rules = f"--host-resolver-rules=MAP {FOREIGN} 127.0.0.1"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, rules]
        )
        yield browser
        browser.close()


def _victim_session(app: str) -> StreamlitSocket:
    """A session of the person at this computer, on /data, which may change the data."""
    victim = StreamlitSocket(app)
    assert "Import files" in victim.run("data", "")
    return victim


def test_a_rebound_host_name_gets_no_page_no_socket_and_no_upload(app, rebound_browser):
    port = app.rsplit(":", 1)[1]
    foreign = f"http://{FOREIGN}:{port}"
    victim = _victim_session(app)
    page = rebound_browser.new_page()
    try:
        answer = page.goto(f"{foreign}/data")
        assert answer is not None and answer.status == 403
        assert "does not answer to the host name" in page.content()
        assert page.locator("input[type=file]").count() == 0
        assert page.get_by_role("button", name="Check files").count() == 0
        status = page.evaluate(UPLOAD_JS, [victim.session, "crimes.csv"])
        assert status == 403
        assert page.evaluate(SOCKET_JS, f"ws://{FOREIGN}:{port}/_stcore/stream") == "refused"
    finally:
        page.close()
        victim.close()


@pytest.mark.parametrize("origin", ["http://localhost:9999", "http://0.0.0.0:{port}", "null"])
def test_a_websocket_from_another_origin_is_refused(app, origin):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus):
        StreamlitSocket(app, origin=origin.format(port=app.rsplit(":", 1)[1]))


def test_the_app_itself_still_opens_and_its_own_session_may_upload(app):
    victim = _victim_session(app)
    try:
        request = urllib.request.Request(
            f"{app}/_stcore/upload_file/{victim.session}/f1", data=b"x" * 10, method="PUT",
            headers={"Content-Type": "application/octet-stream"},
        )  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        said = refused.value.read().decode()  # past the guard, Streamlit's own XSRF check
        assert "XSRF" in said and "importer" not in said, said
    finally:
        victim.close()


def test_metrics_are_not_served_and_no_address_leaves_in_a_referer(app):
    with pytest.raises(urllib.error.HTTPError) as hidden:
        urllib.request.urlopen(f"{app}/_stcore/metrics", timeout=30)
    assert hidden.value.code == 404
    with urllib.request.urlopen(f"{app}/", timeout=30) as answer:
        assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_proxy_headers_make_a_visit_one_from_elsewhere():
    from geo.web_requests import PROXY_HEADERS, only_this_computer

    local = {"Host": "127.0.0.1:8501", "Origin": "http://127.0.0.1:8501"}
    assert only_this_computer("localhost", "127.0.0.1", local)
    for header in ("Via", "X-Forwarded-Host", "True-Client-IP", "CF-Connecting-IP", "X-Client-IP"):
        assert header.lower() in PROXY_HEADERS
        assert not only_this_computer("localhost", "127.0.0.1", {**local, header: "x"})
    for host in (f"{FOREIGN}:8501", "localhost.attacker.example", "127.0.0.1.nip.io"):
        assert not only_this_computer("localhost", "127.0.0.1", {**local, "Host": host})
    assert not only_this_computer(
        "localhost", "127.0.0.1", {**local, "Origin": "http://localhost:9999"}
    )


def test_the_server_refuses_to_open_to_the_network_without_sign_in(tmp_path: Path):
    import subprocess
    import sys

    from tools.app_server import ROOT, free_port

    secrets = tmp_path / "secrets.toml"
    secrets.write_text("")
    run = subprocess.run(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.address", "0.0.0.0",
         "--server.port", str(free_port()), "--server.headless", "true",
         "--secrets.files", str(secrets)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in __import__("os").environ.items()
             if k != "HOTSPOT_OPEN_WITHOUT_SIGNIN"},
    )  # fmt: skip
    assert run.returncode != 0
    assert "Refusing to listen beyond this computer without sign-in" in run.stdout + run.stderr
