"""The generated sample dataset behind `python -m geo sample`: real Derbyshire places, invented
crimes and patrols, built to give the programme's published figures."""

from geo.sample.targets import sample_period
from geo.sample.writer import DEFAULT_SEED, write_sample

__all__ = ["DEFAULT_SEED", "sample_period", "write_sample"]
