"""Readers: every file from outside (police.uk crimes, hotspot polygons, patrol logs, zips) is
checked and normalised here before anything else sees it."""
