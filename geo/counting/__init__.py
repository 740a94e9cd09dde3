"""Counting, shared by the stores and the analysis: crimes per hotspot × month, the rings,
control and comparison squares round them, rows per month and crime type, and GPS pings joined
into visits. Both stores count with this code (a folder at load, a database at import), so both
give the same counts; the analysis turns the counts into figures."""
