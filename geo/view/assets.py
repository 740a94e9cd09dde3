"""Browser assets the app serves itself (Leaflet from the xstatic-leaflet package), so no page
ever fetches a script or stylesheet from a CDN."""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.leaflet as xstatic_leaflet

LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images")


def vendor_leaflet(static_dir: Path) -> Path:
    """Copy Leaflet into `static_dir/vendor/leaflet` (once per version); return that folder."""
    target = static_dir / "vendor" / "leaflet"
    stamp = target / "VERSION"
    if stamp.is_file() and stamp.read_text() == xstatic_leaflet.VERSION:
        return target
    source = Path(xstatic_leaflet.BASE_DIR)
    staging = target.with_name("leaflet.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in LEAFLET_FILES:
        if (source / name).is_dir():
            shutil.copytree(source / name, staging / name)
        else:
            shutil.copy2(source / name, staging / name)
    (staging / "VERSION").write_text(xstatic_leaflet.VERSION)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target
