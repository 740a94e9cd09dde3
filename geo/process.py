"""Settings a process of this project makes at its start, each measured: its BLAS threads (every
process), numpy's page advice and what becomes of freed memory (short commands only). The first
two are read once as numpy loads, so they come before anything imports numpy.
"""

from __future__ import annotations

import ctypes
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_LARGEST_FROM_HEAP = 1 << 30
"""Allocations up to this size come from the heap (glibc's default starts at 128 KB)."""
_NEVER_TRIM = 2**31 - 1
"""Free memory at the heap's top that glibc would give back: more than any command frees."""


def single_blas_thread() -> None:
    """One OpenBLAS thread, unless the user set a number: read once as numpy loads, so call this
    before. The threads OpenBLAS starts with numpy spin about 0.1 s of CPU doing nothing (importing
    numpy: 0.15 s of CPU against 0.04 s with one), taken from the command's or the server's own
    threads on a 2-core machine (`geo summary` of 1,000,000 rows: 1.34 s of CPU against 1.20 s),
    and no figure multiplies matrices big enough to gain from more."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def no_hugepage_advice() -> None:
    """No transparent-hugepage advice for a command's numpy arrays, unless the user set it: read
    once as numpy loads. With it, a kernel whose hugepage "defrag" setting is "madvise" (a common
    default) compacts memory at each fault of a new array: `geo dosage` of 10,000,000 pings took
    2.48 s with it against 2.22 s without (medians of 5 interleaved runs), and varied more."""
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory for reuse; False where that cannot be asked (a C
    library other than glibc), which changes only speed.

    A command reads gigabytes through arrays of a few MB each, made and dropped file after file.
    By default glibc maps fresh pages for each and unmaps them when it is freed, so every file's
    arrays fault in (and the system zeroes) the same memory again; kept in the heap, it is reused.
    `geo summary` of 10,000,000 rows: 535,000 page faults and 1.5-1.8 s of system time without,
    335,000 and 1.0-1.2 s with, for 60-90 MB more at the peak; no change at 1,000,000 rows. Only for
    short commands: a long-running server should give memory back.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the process already uses
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    kept = mallopt(_M_MMAP_THRESHOLD, _LARGEST_FROM_HEAP) == 1
    return kept and mallopt(_M_TRIM_THRESHOLD, _NEVER_TRIM) == 1
