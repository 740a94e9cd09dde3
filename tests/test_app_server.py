"""tools.app_server: the app launcher the benchmark and the browser tests share (its command,
environment and secrets, waiting for health, stopping). The real app is started by the browser
tests (tests/browser_support.py)."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from geo.errors import HotspotDataError
from tests.conftest import ROOT
from tools import app_server as launcher
from tools.app_server import free_port, wait_healthy


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/_stcore/health" else 404)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def healthy_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _sleeping() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_a_free_port_is_one_nothing_holds_now():
    """Each port given can be bound while the ports given before are still held."""
    held = []
    try:
        for _ in range(3):
            probe = socket.socket()
            held.append(probe)
            probe.bind(("127.0.0.1", free_port()))
            probe.listen()
    finally:
        for probe in held:
            probe.close()


def test_waiting_ends_as_soon_as_the_health_endpoint_answers(healthy_url):
    process = _sleeping()
    try:
        wait_healthy(healthy_url, process, timeout=10)
    finally:
        process.kill()
        process.wait()


def test_an_app_that_exits_is_reported_at_once():
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
    process.wait()
    with pytest.raises(HotspotDataError, match="exited before it was healthy"):
        wait_healthy(f"http://127.0.0.1:{free_port()}", process, timeout=60)


def test_an_app_that_never_answers_is_reported_after_the_timeout():
    process = _sleeping()
    try:
        with pytest.raises(HotspotDataError, match="did not become healthy in time"):
            wait_healthy(f"http://127.0.0.1:{free_port()}", process, timeout=1)
    finally:
        process.kill()
        process.wait()


class _FakeApp:
    """Stands in for `streamlit run`: records how it was started and whether it was stopped."""

    started: ClassVar[list[_FakeApp]] = []

    def __init__(self, command, cwd, env, stdout, stderr):
        self.command, self.cwd, self.env = command, cwd, env
        self.secrets = Path(command[command.index("--secrets.files") + 1]).read_text()
        self.terminated = False
        _FakeApp.started.append(self)

    def terminate(self):
        self.terminated = True

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def fake_app(monkeypatch):
    _FakeApp.started = []
    monkeypatch.setattr(launcher.subprocess, "Popen", _FakeApp)
    monkeypatch.setattr(launcher, "wait_healthy", lambda url, process: None)
    monkeypatch.setenv("HOTSPOT_TILES", "https://tiles.example.org/{z}/{x}/{y}.png")
    return _FakeApp.started


def test_the_app_serves_the_folder_on_loopback_with_only_the_secrets_given(fake_app, tmp_path):
    with launcher.app_server(tmp_path, secrets="[auth]\n", port=8999) as url:
        (app,) = fake_app
        assert url == "http://127.0.0.1:8999"
        assert app.command[:5] == [sys.executable, "-m", "streamlit", "run", "server.py"]
        assert app.command[app.command.index("--server.address") + 1] == "127.0.0.1"
        assert app.command[app.command.index("--server.port") + 1] == "8999"
        assert app.cwd == launcher.ROOT and app.env["HOTSPOT_DATA"] == str(tmp_path)
        assert app.secrets == "[auth]\n"
        assert "HOTSPOT_TILES" not in app.env  # the default tiles, not the caller's
        assert not app.terminated
    assert app.terminated


def test_tiles_given_are_passed_and_the_app_is_stopped_after_a_failure(fake_app, tmp_path):
    with pytest.raises(RuntimeError), launcher.app_server(tmp_path, tiles="none"):
        raise RuntimeError("the test failed")
    (app,) = fake_app
    assert app.env["HOTSPOT_TILES"] == "none" and app.secrets == ""
    assert app.terminated


@pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="counts the process's threads in /proc"
)
def test_the_server_starts_one_blas_thread():
    """server.py settles OpenBLAS's threads before the pages' modules load numpy."""
    probe = (  # OpenBLAS's threads bear the process's name; pyarrow's allocator adds its own
        "import os, server, numpy; "
        "tasks = os.listdir('/proc/self/task'); "
        "names = [open(f'/proc/self/task/{t}/comm').read() for t in tasks]; "
        "print(names.count(open('/proc/self/comm').read()))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "1"
