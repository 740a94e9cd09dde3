"""What every check of an imported file shares: the size cap, a problem found becoming a finding
instead of stopping the other checks, any library's failure on an untrusted file becoming a
refusal naming the file, and files named as the user knows them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from geo.errors import HotspotDataError
from geo.io.safezip import MAX_ENTRY_BYTES
from geo.store.imports.staged import Finding, InputFile, Staged

MAX_UPLOAD_BYTES = MAX_ENTRY_BYTES
"""The largest single file accepted (the page's `server.maxUploadSize` is the same 200 MB)."""


def collected(staged: Staged, step: Callable, file: str):
    """Run one check; a problem becomes an error finding instead of stopping the rest."""
    try:
        with unexpected_as_error(file):
            return step()
    except HotspotDataError as exc:
        staged.findings.append(Finding.from_error(exc, file))
        return None


@contextmanager
def unexpected_as_error(file: str) -> Iterator[None]:
    """A file that trips a library (GDAL, pyarrow, pandas) in a way the readers did not foresee is
    still refused with a message naming it, never a traceback."""
    try:
        yield
    except HotspotDataError:
        raise
    except Exception as exc:  # untrusted input: any failure of a library is a refusal
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise HotspotDataError(
            f"cannot be read ({type(exc).__name__}{': ' + detail if detail else ''})", path=file
        ) from exc


def check_size(file: InputFile, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse missing files and files over the size cap before reading them."""
    if not file.path.exists():
        raise HotspotDataError("file not found", path=file.name)
    size = file.path.stat().st_size if file.path.is_file() else 0
    if size > max_bytes:
        raise HotspotDataError(
            f"is {size / 1024**2:.0f} MB; files over {max_bytes / 1024**2:.0f} MB are refused "
            "(split it, e.g. into months)",
            path=file.name,
        )
    if file.path.is_file() and size == 0:
        raise HotspotDataError("the file is empty", path=file.name)


@contextmanager
def relabelled(file: InputFile) -> Iterator[None]:
    """Name the file as the user knows it (an upload's own name, not its temporary path)."""
    try:
        yield
    except HotspotDataError as exc:
        where = (exc.path or file.name).replace(str(file.path), file.name)
        problem = exc.problem.replace(str(file.path), file.name)
        raise HotspotDataError(problem, path=where, row=exc.row, column=exc.column) from exc
