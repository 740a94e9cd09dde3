"""Entry point for `python -m geo`."""

import os
import sys

# Read once by numpy as it is imported: no transparent-hugepage advice for a command's arrays.
# With it, a kernel whose hugepage "defrag" setting is "madvise" (a common default) compacts
# memory at each fault of a new array: `geo dosage` of 10,000,000 pings took 2.48 s with it
# against 2.22 s without (medians of 5 interleaved runs), and varied more. A value set is kept.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

from geo.heap import keep_freed_memory

keep_freed_memory()  # a command's freed arrays are reused, not mapped afresh (see geo.heap)

from geo.cli import main  # noqa: E402  (after the settings above)

sys.exit(main())
