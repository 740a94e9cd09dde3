"""Imports, as both stores take them: files checked by kind (hotspots, crimes, patrols, pings)
into a staged import, every problem a finding, before a store plans and commits it."""
