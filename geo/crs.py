"""The two coordinate reference systems the library works in."""

WGS84 = "EPSG:4326"
"""Longitude/latitude: police.uk points, GeoJSON without a declared CRS, and the web map."""

BRITISH_NATIONAL_GRID = "EPSG:27700"
"""Metres on the ground: every distance, buffer and simplification is done in this grid."""
