"""What a figure knows of where its data are kept: enough to name the store in a message and to
key a cache on it. Every store (geo.store.interface.Store) is one; the analysis holds one without
knowing which kind it is."""

from __future__ import annotations

from typing import Protocol


class Source(Protocol):
    """A store as the figures see it."""

    @property
    def shown(self) -> str:
        """Its location for messages (never a password)."""

    @property
    def name(self) -> str:
        """The folder's or the database's name."""

    @property
    def key(self) -> str:
        """What caches key it on, and `open_store` opens again: its folder, resolved, or its
        URL."""
