"""Figures from counted data: per-hotspot and programme changes, statistics, untreated comparison
areas, evaluation (per hotspot, programme, and the record `geo evaluate` writes), dosage and
trends. Pure functions of tables; no files, no screens."""
