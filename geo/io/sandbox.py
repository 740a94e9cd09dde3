"""Run a check of an untrusted file in a child process with a time limit and a memory limit.

A hostile file can make a library loop forever or ask for all the memory there is (a GeoPackage
query that never ends, a geometry of billions of points). Checked in the server's own process, it
would pin a core, or take the server down, until a restart. In a child process it is stopped: the
child's address space and CPU time are capped (`resource.setrlimit`), the parent waits a limited
time and then kills it, and only GDAL's one driver for the file's kind is loaded in the child.

Run as `python -m geo.io.sandbox MEMORY CPU`: reads a pickled (target, args) from stdin and writes
a pickled ("ok", result) or ("refused", problem, path, row, column) to stdout. A check that takes
a while reports how far it is with `report_progress`, one line each on a pipe of its own, which
the parent passes to its `progress` callback as they come.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import resource
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.errors import HotspotDataError

TIME_LIMIT_S = 60
"""How long a file check may take, start-up included, before the child is stopped."""
MEMORY_LIMIT_BYTES = 1536 * 1024**2
"""The child's address space: the libraries take about 450 MB of it before reading anything."""

_OUTPUT_DRIVER = "GeoJSON"
"""Also loaded in the child: checked hotspots are written out as GeoJSON (never read as it)."""
_ROOT = Path(__file__).resolve().parents[2]
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_PROGRESS_FD = "HOTSPOT_SANDBOX_PROGRESS_FD"
"""Set in the child when the parent listens for progress: the pipe's file descriptor."""


def run_isolated(
    target: str,
    *args: Any,
    label: str,
    driver: str | None = None,
    time_limit: float = TIME_LIMIT_S,
    memory_limit: int = MEMORY_LIMIT_BYTES,
    progress: Callable[[float, str], None] | None = None,
) -> Any:
    """Call `module:function` with `args` in a limited child process and return its result; its
    HotspotDataError is raised here, and a child stopped by a limit becomes one naming `label`.
    `progress` is called (in this thread) with each (fraction, text) the child reports."""
    env = dict(os.environ, PYTHONPATH=str(_ROOT), **dict.fromkeys(_THREAD_VARIABLES, "1"))
    if driver is not None:
        env["GDAL_SKIP"] = ",".join(_other_drivers({driver, _OUTPUT_DRIVER}))
    command = [sys.executable, "-m", "geo.io.sandbox", str(memory_limit), str(int(time_limit))]
    request = pickle.dumps((target, args))
    try:
        if progress is None:
            done = subprocess.run(
                command, input=request, capture_output=True, timeout=time_limit, env=env,
                cwd=_ROOT, check=False,
            )  # fmt: skip
        else:
            done = _run_reporting(command, request, env, time_limit, progress)
    except subprocess.TimeoutExpired as exc:
        raise HotspotDataError(
            f"took more than {time_limit:.0f} s to check and was stopped; files that take that "
            "long are refused (is it far larger or more complex than a hotspot layer?)",
            path=label,
        ) from exc
    try:
        reply = pickle.loads(done.stdout)
    except Exception as exc:  # the child was killed, or crashed in a library
        raise HotspotDataError(_stopped(done.returncode, done.stderr), path=label) from exc
    if reply[0] == "refused":
        _, problem, path, row, column = reply
        raise HotspotDataError(problem, path=path or label, row=row, column=column)
    return reply[1]


def _run_reporting(
    command: list[str],
    request: bytes,
    env: dict[str, str],
    time_limit: float,
    progress: Callable[[float, str], None],
) -> subprocess.CompletedProcess:
    """`subprocess.run` with a progress pipe: the child's reports are passed on here, while a
    thread gathers its answer (so a large answer never blocks it)."""
    read_end, write_end = os.pipe()
    env = dict(env, **{_PROGRESS_FD: str(write_end)})
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        cwd=_ROOT, pass_fds=(write_end,),
    )  # fmt: skip
    os.close(write_end)
    answer: dict[str, bytes] = {}

    def gather() -> None:
        answer["stdout"], answer["stderr"] = child.communicate(request)

    gatherer = threading.Thread(target=gather, daemon=True)
    gatherer.start()
    deadline = time.monotonic() + time_limit
    pending = b""
    with os.fdopen(read_end, "rb", buffering=0) as reports:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                child.kill()
                gatherer.join()
                raise subprocess.TimeoutExpired(command, time_limit)
            ready, _, _ = select.select([reports], [], [], min(left, 0.5))
            if not ready:
                continue
            chunk = reports.read(4096)
            if not chunk:
                break  # the child has exited (or closed the pipe)
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines[-1:]:  # only the latest report matters
                _pass_on(line, progress)
    gatherer.join(max(deadline - time.monotonic(), 0.1))
    if gatherer.is_alive():
        child.kill()
        gatherer.join()
        raise subprocess.TimeoutExpired(command, time_limit)
    return subprocess.CompletedProcess(
        command, child.returncode, answer.get("stdout", b""), answer.get("stderr", b"")
    )


def _pass_on(line: bytes, progress: Callable[[float, str], None]) -> None:
    """One report of the child ('0.42 text'), passed on when it is well formed."""
    number, _, text = line.decode("utf-8", "replace").partition(" ")
    try:
        fraction = float(number)
    except ValueError:
        return
    if 0.0 <= fraction <= 1.0:  # NaN and anything outside are dropped
        progress(fraction, text[:200])


def report_progress(fraction: float, text: str) -> None:
    """In a child: tell the parent how far the check is (nothing when no one listens)."""
    fd = os.environ.get(_PROGRESS_FD)
    if not fd:
        return
    line = f"{fraction:.4f} {' '.join(text.split())}\n".encode()
    with contextlib.suppress(OSError):  # the parent stopped listening; the check goes on
        os.write(int(fd), line)


def _stopped(returncode: int, stderr: bytes) -> str:
    """Why the child gave no answer, for a person: memory, time, or a crash."""
    text = stderr.decode("utf-8", "replace")
    if "MemoryError" in text or "bad_alloc" in text:
        return (
            f"needs more than {MEMORY_LIMIT_BYTES / 1024**3:.1f} GB of memory to check; such "
            "files are refused"
        )
    if returncode in (-9, -24):  # SIGKILL, SIGXCPU: the CPU limit
        return "took too long to check and was stopped; such files are refused"
    return f"could not be checked (the reader stopped with status {returncode}); it is refused"


def _other_drivers(kept: set[str]) -> list[str]:
    """Every vector driver but those `kept` (names with spaces cannot be listed in GDAL_SKIP)."""
    import pyogrio

    return sorted(d for d in pyogrio.list_drivers() if d not in kept and " " not in d)


def _child(memory_limit: int, cpu_limit: int) -> None:
    """The child's side: limits first, then the call; the answer is pickled to stdout."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, cpu_limit))
    target, args = pickle.loads(sys.stdin.buffer.read())
    module, name = target.split(":")
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever a library prints must not mix with the answer
    try:
        result = getattr(importlib.import_module(module), name)(*args)
        reply: tuple = ("ok", result)
    except HotspotDataError as exc:
        reply = ("refused", exc.problem, exc.path, exc.row, exc.column)
    except MemoryError:
        reply = ("refused", _stopped(0, b"MemoryError"), None, None, None)
    except Exception as exc:  # untrusted input: any failure of a library is a refusal
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        problem = f"cannot be read ({type(exc).__name__}{': ' + detail if detail else ''})"
        reply = ("refused", problem, None, None, None)
    out.write(pickle.dumps(reply))
    out.flush()


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
