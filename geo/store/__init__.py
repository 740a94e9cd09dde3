"""The dataset: where hotspots, crimes and patrols are kept, how they are loaded once and counted,
and how imports change them all or nothing."""
