"""The "Proposed hotspots" layer of the map frame: the places `geo propose` suggests, drawn as
dashed outlines beside the current hotspots, sent to the frame once per set of proposals.

Each place carries its figures for the tooltip (geo.analysis.proposals: incidents and share of the
period's, months hot, Gi* z, density, area). Names and towns came from files and are HTML-escaped
here; the rest are numbers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import HotspotDataError
from geo.period import Period
from geo.view.mapping import compact_json
from geo.view.outline_codec import decimals_of, encode_outline, encode_point
from geo.view.payload import map_geometries

LAYER_NAME = "Proposed hotspots"
"""The layer's name wherever a person sees it: the map's control, the legend, the downloads."""
OUTLINE_COLOUR = "#5b2a86"
"""A purple apart from every fill of the ASB and hours scales, dashed: never read as a hotspot's
colour."""
DASH = "6 4"
"""The outline's dashes (SVG stroke-dasharray, px)."""


@dataclass(frozen=True)
class ProposalLayer:
    """The proposals as compact JSON (`text`) and a digest of it (`key`), which the frame
    reports back once it holds them; `count` places."""

    key: str
    text: str
    count: int


def proposal_layer(frame: gpd.GeoDataFrame) -> ProposalLayer:
    """The places of `frame` (geo.analysis.proposals, any CRS) for the frame: per place [id,
    outline, dot, town as written (only compared), tooltip fields]."""
    outlines = map_geometries(frame.geometry)
    decimals = decimals_of(outlines) if len(outlines) else 5
    dots = shapely.point_on_surface(outlines) if len(outlines) else []
    rows = [
        [str(row.hotspot_id), encode_outline(outline, decimals), encode_point(dot, decimals),
         _town(row.town), proposal_tip(row._asdict())]
        for row, outline, dot in zip(frame.drop(columns="geometry").itertuples(index=False),
                                     outlines, dots)
    ]  # fmt: skip
    text = compact_json({"q": 10**decimals, "places": rows})
    return ProposalLayer(hashlib.sha256(text.encode()).hexdigest()[:16], text, len(rows))


def _town(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def proposal_tip(row: dict) -> dict:
    """The tooltip's figures of one proposal: escaped name, town and period, rounded numbers."""
    return {
        "id": escape(str(row["hotspot_id"])),
        "n": escape(str(row["name"])),
        "w": escape(_town(row.get("town"))),
        "i": int(row["incidents"]),
        "s": _number(row["share_pct"], 2),
        "mh": int(row["months_hot"]),
        "m": int(row["months"]),
        "z": _number(row["gi_z"], 1),
        "d": _number(row["density_km2"], 0),
        "a": _number(row["area_km2"], 4),
        "p": escape(_period_label(str(row["period"]))),
        "t": escape(str(row["crime_type"])),
    }


def _period_label(text: str) -> str:
    """'Oct 2025 – Sep 2026' for a period written START:END."""
    try:
        return Period.parse(text).label()
    except HotspotDataError:
        return text


def _number(value: object, digits: int) -> float | None:
    """A rounded number, None when missing or not finite (a Gi* z of a lone point)."""
    if value is None or pd.isna(value) or not np.isfinite(float(value)):
        return None
    return round(float(value), digits)


def proposal_legend_row() -> str:
    """The legend's entry for the layer: a dashed outline and what it is."""
    return (
        "<div class='legend-row proposal-legend'><span class='swatch proposal-swatch' "
        f"style='border:2px dashed {OUTLINE_COLOUR}; background:transparent'></span>"
        f"{escape(LAYER_NAME)}: places where ASB concentrated, not yet hotspots</div>"
    )
