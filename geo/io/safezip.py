"""Read zip archives that came from outside without trusting them.

Nothing here extracts to disk: entries are read into memory with `ZipFile.open`, so no entry name
can choose where anything is written. All the same, an archive whose names try to leave the folder
(`../`, absolute paths, drive letters), that holds links, repeats a name, has too many entries or
expands to too much is refused whole, with a message naming it: such a file is not a police.uk
download or an analyst's Shapefile, and the person importing it should know.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from geo.errors import HotspotDataError

MAX_MEMBERS = 5_000
MAX_EXPANDED_BYTES = 2 * 1024**3
_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class SafeZip:
    """A checked archive: its file entries, and reads that count the bytes actually expanded."""

    path: Path
    label: str
    members: list[zipfile.ZipInfo]
    max_expanded: int = MAX_EXPANDED_BYTES
    expanded: int = field(default=0, init=False)

    @property
    def names(self) -> list[str]:
        """The names of the file entries, in archive order; folders and the resource forks that
        macOS adds when it zips a folder (`__MACOSX/…`, `._name`) are left out."""
        return [m.filename for m in self.members if not _is_resource_fork(m.filename)]

    def read(self, name: str) -> bytes:
        """One entry's bytes, stopping as soon as the archive's expanded total passes the cap."""
        chunks: list[bytes] = []
        self._stream(name, chunks.append)
        return b"".join(chunks)

    def count(self, name: str) -> int:
        """How many bytes an entry expands to, counted as it streams past (nothing is kept)."""
        total = 0

        def add(chunk: bytes) -> None:
            nonlocal total
            total += len(chunk)

        self._stream(name, add)
        return total

    def head(self, name: str, size: int = 1024) -> bytes:
        """The first `size` bytes of an entry (to check what kind of file it is)."""
        with self._opened(name) as handle:
            return handle.read(size)

    def _stream(self, name: str, take: Callable[[bytes], None]) -> None:
        """Pass an entry's chunks to `take`, refusing the archive once its expanded total passes
        the cap."""
        with self._opened(name) as handle:
            while chunk := self._guarded(name, lambda: handle.read(_CHUNK)):
                self.expanded += len(chunk)
                if self.expanded > self.max_expanded:
                    raise HotspotDataError(
                        f"expands to more than {_size(self.max_expanded)}; "
                        "archives larger than that are refused",
                        path=f"{self.label}!{name}",
                    )
                take(chunk)

    @contextmanager
    def _opened(self, name: str) -> Iterator[IO[bytes]]:
        """An entry opened for reading; damage and encryption become refusals naming it."""
        with (
            self._guarded_context(name),
            zipfile.ZipFile(self.path) as archive,
            archive.open(name) as handle,
        ):
            yield handle

    def _guarded(self, name: str, step: Callable[[], bytes]) -> bytes:
        with self._guarded_context(name):
            return step()

    @contextmanager
    def _guarded_context(self, name: str) -> Iterator[None]:
        try:
            yield
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
            raise HotspotDataError(
                f"is damaged and cannot be read ({_first_line(exc)})", path=f"{self.label}!{name}"
            ) from exc
        except (RuntimeError, NotImplementedError) as exc:  # encrypted, or unknown compression
            raise HotspotDataError(
                f"cannot be read ({_first_line(exc)}); zip it again without a password",
                path=f"{self.label}!{name}",
            ) from exc


def open_zip(
    path: str | Path,
    label: str | None = None,
    max_members: int = MAX_MEMBERS,
    max_expanded: int = MAX_EXPANDED_BYTES,
) -> SafeZip:
    """Check an archive's table of contents; raise HotspotDataError on anything suspicious."""
    path = Path(path)
    label = label or str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise HotspotDataError(
            "is not a readable zip file (is it cut short, or not a zip at all?)", path=label
        ) from exc
    if len(infos) > max_members:
        raise HotspotDataError(
            f"holds {len(infos):,} entries; archives of more than {max_members:,} are refused",
            path=label,
        )
    seen: set[str] = set()
    for info in infos:
        _check_name(info, label)
        key = info.filename.replace("\\", "/").rstrip("/").lower()
        if key in seen:
            raise HotspotDataError(f"holds two entries named '{info.filename}'", path=label)
        seen.add(key)
    declared = sum(info.file_size for info in infos)
    if declared > max_expanded:
        raise HotspotDataError(
            f"expands to {_size(declared)}; archives larger than {_size(max_expanded)} are refused",
            path=label,
        )
    files = [info for info in infos if not info.is_dir()]
    return SafeZip(path, label, files, max_expanded)


def _check_name(info: zipfile.ZipInfo, label: str) -> None:
    """Refuse names that would leave the folder they are unpacked into, and links."""
    name = info.filename
    shown = name.encode("unicode_escape").decode("ascii")[:120]
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if (
        "\x00" in name
        or name.startswith(("/", "\\"))
        or _DRIVE.match(name)
        or ".." in parts
        or not name.strip()
    ):
        raise HotspotDataError(
            f"holds an entry named '{shown}' that points outside the folder it would be "
            "unpacked into; such archives are refused",
            path=label,
        )
    if stat.S_ISLNK(info.external_attr >> 16):  # Unix mode bits live in the high 16 bits
        raise HotspotDataError(
            f"holds a link ('{shown}'); archives with links are refused", path=label
        )


def _is_resource_fork(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and (parts[0] == "__MACOSX" or parts[-1].startswith("._"))


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__
