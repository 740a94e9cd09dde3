"""What `geo propose` proposes hotspots from: police.uk files (read and checked as `geo summary`
reads them, with their Location text), or a store's crime rows and hotspots."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from geo.analysis.proposal_data import ProposalSource
from geo.counting.incidents import IncidentRows, incident_rows
from geo.io.crime_locations import read_with_location
from geo.io.crimes import find_crime_files, read_files
from geo.store.interface import Store, as_store


def files_source(paths: Sequence[str | Path]) -> ProposalSource:
    """Street CSVs, folders of them or police.uk zips, read and checked as `geo summary` does."""
    tables, problem = read_files(find_crime_files(paths), read_with_location)
    if problem is not None:
        raise problem
    return _source(incident_rows(tables))


def dataset_source(given: Store | Path | str) -> ProposalSource:
    """A store's crime rows, flagged months and hotspots (a dataset that has none yet, a
    programme still choosing them, has nothing to keep out)."""
    return _source(as_store(given).incidents())


def _source(rows: IncidentRows) -> ProposalSource:
    return ProposalSource(rows.type_counts, rows.incidents_of, rows.hotspots)
