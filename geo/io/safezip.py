"""Read zip archives that came from outside without trusting them.

Nothing here extracts to disk: entries are read into memory with `ZipFile.open`, so no entry name
can choose where anything is written. All the same, an archive whose names try to leave the folder
(`../`, absolute paths, drive letters), that holds links, repeats a name, has too many entries or
expands to too much is refused whole, with a message naming it: such a file is not a police.uk
download or an analyst's Shapefile, and the person importing it should know.

Expansion is limited three ways, all from the archive's table of contents before anything is
expanded (Python's zipfile never expands an entry beyond the size the table declares): an entry
may not expand beyond what could have been uploaded on its own, nor pack more tightly than real
data does, and the entries that will be read may not expand beyond a total kept well under the
server's memory. Reading then counts the bytes really expanded, and counting keeps no copy.
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
MAX_ENTRY_BYTES = 200 * 1024**2
"""The most one entry may expand to: the upload limit, since it could have been uploaded alone."""
MAX_EXPANDED_BYTES = 512 * 1024**2
"""The most the entries read from one archive may expand to (about ten years of one force's
street files): what is read is held in memory until it is committed."""
MAX_RATIO = 100
"""How many times smaller than its content an entry may be packed: police.uk CSVs and hotspot
layers pack 3 to 5 times; only repeated filler packs 100 times and more."""
RATIO_FROM_BYTES = 1024**2
"""Entries smaller than this are not held to the packing ratio (they cannot amplify much)."""
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

    def read(self, name: str) -> bytearray:
        """One entry's bytes, stopping as soon as the archive's expanded total passes the cap;
        read into one buffer of the declared size (no second copy of the content)."""
        declared = next((m.file_size for m in self.members if m.filename == name), 0)
        buffer = bytearray(min(declared, self.max_expanded))
        filled = 0

        def take(chunk: bytes) -> None:
            nonlocal filled
            buffer[filled : filled + len(chunk)] = chunk
            filled += len(chunk)

        self._stream(name, take)
        del buffer[filled:]
        return buffer

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
    read: Callable[[str], bool] | None = None,
) -> SafeZip:
    """Check an archive's table of contents; raise HotspotDataError on anything suspicious.

    `read` says which entries will be read (all by default): only they count towards the total.
    """
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
        _check_expansion(info, label)
        key = info.filename.replace("\\", "/").rstrip("/").lower()
        if key in seen:
            raise HotspotDataError(f"holds two entries named '{info.filename}'", path=label)
        seen.add(key)
    declared = sum(info.file_size for info in infos if read is None or read(info.filename))
    if declared > max_expanded:
        raise HotspotDataError(
            f"expands to {_size(declared)}; archives larger than {_size(max_expanded)} are refused "
            "(split it, e.g. into years)",
            path=label,
        )
    files = [info for info in infos if not info.is_dir()]
    return SafeZip(path, label, files, max_expanded)


def _check_expansion(info: zipfile.ZipInfo, label: str) -> None:
    """Refuse an entry that expands beyond an upload, or packs more tightly than real data."""
    where = f"{label}!{_shown(info.filename)}"
    if info.file_size > MAX_ENTRY_BYTES:
        raise HotspotDataError(
            f"expands to {_size(info.file_size)}; entries larger than {_size(MAX_ENTRY_BYTES)} "
            "(the upload limit) are refused",
            path=where,
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size >= RATIO_FROM_BYTES and ratio > MAX_RATIO:
        raise HotspotDataError(
            f"is packed {ratio:,.0f} times smaller than its content; real data packs under "
            f"{MAX_RATIO} times, so this is refused as a zip bomb",
            path=where,
        )


def _check_name(info: zipfile.ZipInfo, label: str) -> None:
    """Refuse names that would leave the folder they are unpacked into, and links."""
    name = info.filename
    shown = _shown(name)
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


def _shown(name: str) -> str:
    """An entry name as plain ASCII (control characters escaped), cut to 120 characters."""
    return name.encode("unicode_escape").decode("ascii")[:120]


def _is_resource_fork(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and (parts[0] == "__MACOSX" or parts[-1].startswith("._"))


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__
