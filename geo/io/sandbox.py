"""Run a check of an untrusted file in a child process with a time limit and a memory limit.

A hostile file can make a library loop forever or ask for all the memory there is (a GeoPackage
query that never ends, a geometry of billions of points). Checked in the server's own process, it
would pin a core, or take the server down, until a restart. In a child process it is stopped: the
child's address space and CPU time are capped (`resource.setrlimit`), the parent waits a limited
time and then kills it, and only GDAL's one driver for the file's kind is loaded in the child.

Run as `python -m geo.io.sandbox MEMORY CPU`: reads a JSON request {"target", "args"} from stdin
and writes a JSON reply {"ok": result} or {"refused": {problem, path, row, column}} to stdout. A
child subverted by the file it parsed could write anything there, so the reply is data that
cannot run code when read: JSON whose values are rebuilt only as plain values, bytes, times,
tables (Arrow IPC, geometries as WKB) and the dataclasses marked with `reply_type`; a reply that
is anything else is refused like a file that crashed its reader. A check that takes a while
reports how far it is with `report_progress`, one line each on a pipe of its own, which the
parent passes to its `progress` callback as they come.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import importlib
import io
import json
import os
import resource
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from geo.errors import HotspotDataError

TIME_LIMIT_S = 60
"""How long a file check may take, start-up included, before the child is stopped."""
MEMORY_LIMIT_BYTES = 1536 * 1024**2
"""The child's address space: the libraries take about 450 MB of it before reading anything."""

_OUTPUT_DRIVER = "GeoJSON"
"""Also loaded in the child: checked hotspots are written out as GeoJSON (never read as it)."""
_ROOT = Path(__file__).resolve().parents[2]
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_PROGRESS_FD = "GEO_SANDBOX_PROGRESS_FD"
"""Set in the child when the parent listens for progress: the pipe's file descriptor."""
_REPLY_TYPES: dict[str, type] = {}
"""The dataclasses a reply may hold, by `module:name` (see `reply_type`)."""

_T = TypeVar("_T")


def reply_type(cls: type[_T]) -> type[_T]:
    """Let a child's result hold this dataclass: it is rebuilt from its fields in the parent, and
    a reply naming any class not marked so is refused."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    _REPLY_TYPES[_type_name(cls)] = cls
    return cls


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
    request = json.dumps({"target": target, "args": [encode(a) for a in args]}).encode()
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
        outcome, value = _read_reply(done.stdout)
    except Exception as exc:  # killed, crashed in a library, or an answer that is not one
        raise HotspotDataError(_stopped(done.returncode, done.stderr), path=label) from exc
    if outcome == "refused":
        problem, path, row, column = value
        raise HotspotDataError(problem, path=path or label, row=row, column=column)
    return value


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
    """Why the child gave no answer, for a person: memory, time, a crash, or an answer that is
    not one."""
    text = stderr.decode("utf-8", "replace")
    if "MemoryError" in text or "bad_alloc" in text:
        return (
            f"needs more than {MEMORY_LIMIT_BYTES / 1024**3:.1f} GB of memory to check; such "
            "files are refused"
        )
    if returncode in (-9, -24):  # SIGKILL, SIGXCPU: the CPU limit
        return "took too long to check and was stopped; such files are refused"
    if returncode == 0:
        return (
            "could not be checked (its reader gave an answer that is not understood); it is refused"
        )
    return f"could not be checked (the reader stopped with status {returncode}); it is refused"


# ---------------------------------------------------------------------------------------------
# The request and the reply, as JSON
#
# JSON's own values stand for themselves, but for dicts (text keys only, wrapped as "$dict");
# anything else is an object naming its kind: "$tuple", "$bytes" (base64), "$path", "$time"
# (pandas Timestamp), "$table" (a DataFrame or GeoDataFrame as Arrow IPC, geometry as WKB), or
# "$dataclass" with its "fields" (only a type marked with `reply_type` is rebuilt).


def encode(value: Any) -> Any:
    """`value` as JSON-ready data that `decode` turns back into an equal value; TypeError for a
    value of any other kind."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("only dicts with text keys can be sent")
        return {"$dict": {k: encode(v) for k, v in value.items()}}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Path):
        return {"$path": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # checked by `decode`
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$dataclass": _type_name(type(value)), "fields": fields}
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        zone = None if value.tz is None else str(value.tz)
        return {"$time": [value.isoformat(), zone, value.unit]}
    if isinstance(value, pd.DataFrame):
        return {"$table": _table_to_json(value)}
    raise TypeError(f"a {type(value).__name__} cannot be sent between the processes")


def decode(data: Any) -> Any:
    """The value `encode` gave `data` for; ValueError (or TypeError) for anything else, without
    building any object but those `encode` makes."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(v) for v in data]
    if isinstance(data, dict) and set(data) == {"$dataclass", "fields"}:
        return _dataclass_from_json(data["$dataclass"], data["fields"])
    if not isinstance(data, dict) or len(data) != 1:
        raise ValueError("not an encoded value")
    ((kind, body),) = data.items()
    if kind == "$tuple" and isinstance(body, list):
        return tuple(decode(v) for v in body)
    if kind == "$dict" and isinstance(body, dict):
        return {k: decode(v) for k, v in body.items()}
    if kind == "$bytes" and isinstance(body, str):
        return base64.b64decode(body, validate=True)
    if kind == "$path" and isinstance(body, str):
        return Path(body)
    if kind == "$time" and _texts(body, 3, optional=(1,)):
        import pandas as pd

        text, zone, unit = body
        time = pd.Timestamp(text)
        return (time.tz_convert(zone) if zone else time).as_unit(unit)
    if kind == "$table" and isinstance(body, dict):
        return _table_from_json(body)
    raise ValueError(f"not an encoded value ({kind[:20]!r})")


def _type_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _texts(value: Any, count: int, optional: tuple[int, ...] = ()) -> bool:
    """A list of `count` strings (None allowed at the `optional` positions)."""
    return (
        isinstance(value, list)
        and len(value) == count
        and all(isinstance(v, str) or (v is None and i in optional) for i, v in enumerate(value))
    )


def _dataclass_from_json(name: Any, fields: Any) -> Any:
    """A dataclass marked with `reply_type`, from exactly its fields."""
    cls = _REPLY_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"{str(name)[:80]!r} is not a type a reply may hold")
    names = {f.name for f in dataclasses.fields(cls)}
    if not isinstance(fields, dict) or set(fields) != names:
        raise ValueError(f"the fields of {name} do not match")
    return cls(**{k: decode(v) for k, v in fields.items()})


def _table_to_json(frame: Any) -> dict[str, Any]:
    """A DataFrame (or a GeoDataFrame, its one geometry column as WKB) as Arrow IPC bytes, with
    what Arrow does not keep: which columns hold Python objects, the geometry column and CRS."""
    import geopandas as gpd
    import pyarrow as pa

    geometry = crs = None
    plain = frame
    if isinstance(frame, gpd.GeoDataFrame):
        geometries = [
            c for c in frame.columns if isinstance(frame[c].dtype, gpd.array.GeometryDtype)
        ]
        if geometries != [frame.geometry.name]:
            raise TypeError("only a GeoDataFrame with one geometry column can be sent")
        geometry = frame.geometry.name
        crs = None if frame.crs is None else frame.crs.srs
        plain = frame.to_wkb()
    objects = [str(c) for c in frame.columns if frame[c].dtype == object and c != geometry]
    table = pa.Table.from_pandas(plain)
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return {
        "arrow": base64.b64encode(sink.getvalue()).decode("ascii"),
        "objects": objects,
        "geometry": geometry,
        "crs": crs,
    }


def _table_from_json(body: dict[str, Any]) -> Any:
    """The frame `_table_to_json` described: Arrow IPC read back, object columns as Python
    values again, and the geometry rebuilt from WKB."""
    import geopandas as gpd
    import pandas as pd
    import pyarrow as pa
    import shapely

    objects, geometry, crs = body.get("objects"), body.get("geometry"), body.get("crs")
    if (
        set(body) != {"arrow", "objects", "geometry", "crs"}
        or not isinstance(body["arrow"], str)
        or not isinstance(objects, list)
        or not all(isinstance(o, str) for o in objects)
        or not _texts([geometry, crs], 2, optional=(0, 1))
    ):
        raise ValueError("not an encoded table")
    table = pa.ipc.open_stream(base64.b64decode(body["arrow"], validate=True)).read_all()
    frame = table.to_pandas()
    for column in [*objects, *([geometry] if geometry else [])]:
        frame[column] = pd.Series(table.column(column).to_pylist(), index=frame.index, dtype=object)
    if geometry is None:
        return frame
    frame[geometry] = shapely.from_wkb(frame[geometry].to_numpy())
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=crs)


def _read_reply(data: bytes) -> tuple[str, Any]:
    """("ok", result) or ("refused", (problem, path, row, column)) from the child's answer;
    ValueError (or another exception) for anything that is not an answer."""
    reply = json.loads(data)
    if not isinstance(reply, dict) or len(reply) != 1:
        raise ValueError("not an answer")
    if "ok" in reply:
        return "ok", decode(reply["ok"])
    refusal = reply.get("refused")
    if not isinstance(refusal, dict) or set(refusal) != {"problem", "path", "row", "column"}:
        raise ValueError("not an answer")
    problem, path, row, column = (refusal[k] for k in ("problem", "path", "row", "column"))
    if not (
        _texts([problem, path, column], 3, optional=(1, 2))
        and (row is None or (isinstance(row, int) and not isinstance(row, bool)))
    ):
        raise ValueError("not a refusal")
    return "refused", (problem, path, row, column)


def _refusal(problem: str, path: str | None = None, row: int | None = None,
             column: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A refusal as the child sends it."""
    return {
        "refused": {
            "problem": str(problem),
            "path": None if path is None else str(path),
            "row": None if row is None else int(row),
            "column": None if column is None else str(column),
        }
    }


def _other_drivers(kept: set[str]) -> list[str]:
    """Every vector driver but those `kept` (names with spaces cannot be listed in GDAL_SKIP)."""
    import pyogrio

    return sorted(d for d in pyogrio.list_drivers() if d not in kept and " " not in d)


def _child(memory_limit: int, cpu_limit: int) -> None:
    """The child's side: limits first, then the call; the answer goes to stdout as JSON."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, cpu_limit))
    request = json.loads(sys.stdin.buffer.read())
    module, name = request["target"].split(":")
    args = [decode(a) for a in request["args"]]
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever a library prints must not mix with the answer
    try:
        result = getattr(importlib.import_module(module), name)(*args)
        reply: dict[str, Any] = {"ok": encode(result)}
    except HotspotDataError as exc:
        reply = _refusal(exc.problem, exc.path, exc.row, exc.column)
    except MemoryError:
        reply = _refusal(_stopped(0, b"MemoryError"))
    except Exception as exc:  # untrusted input: any failure of a library is a refusal
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        reply = _refusal(f"cannot be read ({type(exc).__name__}{': ' + detail if detail else ''})")
    out.write(json.dumps(reply).encode())
    out.flush()


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
