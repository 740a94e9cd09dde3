"""Figures from counted data: per-hotspot and programme changes, statistics, evaluation, dosage
and trends. Pure functions of tables; no files, no screens."""
