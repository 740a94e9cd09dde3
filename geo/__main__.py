"""Entry point for `python -m geo`."""

import sys

from geo.process import keep_freed_memory, no_hugepage_advice, single_blas_thread

single_blas_thread()  # both read as numpy loads: before anything imports it
no_hugepage_advice()
keep_freed_memory()  # a command's freed arrays are reused, not mapped afresh

from geo.cli import main  # noqa: E402  (after the settings above)

sys.exit(main())
