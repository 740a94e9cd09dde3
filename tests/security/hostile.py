"""Functions a hostile file can turn a reader into, run by the sandbox tests in a child process."""

from __future__ import annotations


def spin() -> None:
    """A loop that never ends (a GDAL query over an endless recursive view, in effect)."""
    while True:
        pass


def hog() -> bytes:
    """Memory without end (a geometry of billions of points, in effect)."""
    chunks = []
    while True:
        chunks.append(bytearray(256 * 1024**2))
