"""Where map tiles come from: `HOTSPOT_TILES` (a URL template), OpenStreetMap by default, or none.

A force may run its own tile server; `none` draws the hotspots on a plain background, which must
read well on its own (a locked-down network, a wall screen with no internet).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from geo.settings import setting as configured

OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


@dataclass(frozen=True)
class TileSource:
    """A tile URL template and its attribution; `url` None means no tiles."""

    url: str | None
    attribution: str

    @property
    def host(self) -> str | None:
        """The tile server's host, the one outside address the map may contact."""
        return urlparse(self.url).hostname if self.url else None


def tile_source(chosen: str | None = None, attribution: str | None = None) -> TileSource:
    """Tiles from `chosen` (default: the `HOTSPOT_TILES` setting)."""
    value = (chosen if chosen is not None else configured("HOTSPOT_TILES")).strip()
    if value.lower() == "none":
        return TileSource(None, "")
    if not value or value.lower() in ("osm", "openstreetmap"):
        return TileSource(OSM_URL, OSM_ATTRIBUTION)
    own = (
        attribution
        or configured("HOTSPOT_TILES_ATTRIBUTION")
        or f"Tiles: {urlparse(value).hostname}"
    )
    return TileSource(value, own)
