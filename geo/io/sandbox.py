"""Run a check of an untrusted file in a child process with a time limit and a memory limit.

A hostile file can make a library loop forever or ask for all the memory there is (a GeoPackage
query that never ends, a geometry of billions of points). Checked in the server's own process, it
would pin a core, or take the server down, until a restart. In a child process it is stopped: the
child's address space and CPU time are capped (`resource.setrlimit`), the parent waits a limited
time and then kills it, and only GDAL's one driver for the file's kind is loaded in the child.

Run as `python -m geo.io.sandbox MEMORY CPU`: reads a pickled (target, args) from stdin and writes
a pickled ("ok", result) or ("refused", problem, path, row, column) to stdout.
"""

from __future__ import annotations

import importlib
import os
import pickle
import resource
import subprocess
import sys
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


def run_isolated(
    target: str,
    *args: Any,
    label: str,
    driver: str | None = None,
    time_limit: float = TIME_LIMIT_S,
    memory_limit: int = MEMORY_LIMIT_BYTES,
) -> Any:
    """Call `module:function` with `args` in a limited child process and return its result; its
    HotspotDataError is raised here, and a child stopped by a limit becomes one naming `label`."""
    env = dict(os.environ, PYTHONPATH=str(_ROOT), **dict.fromkeys(_THREAD_VARIABLES, "1"))
    if driver is not None:
        env["GDAL_SKIP"] = ",".join(_other_drivers({driver, _OUTPUT_DRIVER}))
    command = [sys.executable, "-m", "geo.io.sandbox", str(memory_limit), str(int(time_limit))]
    try:
        done = subprocess.run(
            command,
            input=pickle.dumps((target, args)),
            capture_output=True,
            timeout=time_limit,
            env=env,
            cwd=_ROOT,
            check=False,
        )
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
