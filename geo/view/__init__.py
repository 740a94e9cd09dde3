"""What people see: colour scales, the Leaflet map and its payload, charts, exports and the
briefing (PDF/PNG and the wall screen's HTML)."""
