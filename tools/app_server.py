"""Run the app as a separate process on a free local port, and the browser that looks at it,
for the benchmark and the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.errors import HotspotDataError

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium, which `make test` installs (Playwright cannot download a browser here)."""
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
HOTSPOT_MAP_TITLE = "pages._map_frame.hotspot_map"
MAP_FRAME = f'iframe[title="{HOTSPOT_MAP_TITLE}"], iframe[title="streamlit_folium.st_folium"]'
"""The map's frame in the page: the app's own hotspot map (pages/_map_frame.py) on the map page
and the wall, streamlit-folium's on the data page's preview."""
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
"""The page once its script has finished running."""
MAP_AT_REST_JS = """(quiet) => {
  const map = window.map;
  const styled = [...document.querySelectorAll("link[rel=stylesheet]")].every(l => l.sheet);
  if (!map || !map._loaded || !styled) { return false; }
  const view = JSON.stringify([map.getCenter(), map.getZoom(), map.getSize()]);
  const now = performance.now();
  const moving = map._animatingZoom || (map._panAnim && map._panAnim._inProgress);
  if (view !== window.__restView || moving) {
    window.__restView = view;
    window.__restSince = now;
    return false;
  }
  return now - window.__restSince >= quiet;
}"""
"""In a map's frame: whether its stylesheets have arrived and its Leaflet map has kept one view
and size, not animating, for `quiet` ms since."""


@contextmanager
def app_server(
    folder: Path, tiles: str | None = None, secrets: str = "", port: int | None = None
) -> Iterator[str]:
    """`streamlit run app.py` serving dataset `folder`; its URL once healthy, stopped after.

    `tiles` sets HOTSPOT_TILES (None: the default tiles, whatever the caller's environment).
    `secrets` is the whole secrets.toml the app reads (by default none: no sign-in, whatever a
    developer keeps in .streamlit/secrets.toml); `port` is a free one unless given.
    """
    port = port or free_port()
    env = {**os.environ, "HOTSPOT_DATA": str(folder)}
    env.pop("HOTSPOT_TILES", None)
    if tiles is not None:
        env["HOTSPOT_TILES"] = tiles
    url = f"http://127.0.0.1:{port}"
    with (
        tempfile.TemporaryDirectory(prefix="hotspot-app-") as private,
        tempfile.TemporaryFile() as log,
    ):
        secrets_file = Path(private) / "secrets.toml"
        secrets_file.write_text(secrets)
        command = [
            sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true",
            "--secrets.files", str(secrets_file),
        ]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    """Poll the health endpoint until it answers (no fixed sleeps for the page itself)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HotspotDataError("the app exited before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise HotspotDataError("the app did not become healthy in time")
