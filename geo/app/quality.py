"""The data-quality report of the dataset the app shows: what its store holds beside the counts
(crime rows, months held twice, patrol log problems) taken from the store, and the report made by
geo.analysis.quality."""

from __future__ import annotations

from geo.analysis.dataset import Dataset
from geo.analysis.quality import FAR_M, QualityReport, quality_report
from geo.store.interface import open_store


def data_quality(dataset: Dataset, far_m: int = FAR_M) -> QualityReport:
    """The quality report of a loaded dataset, from the store it was loaded from."""
    store = open_store(dataset.store.key)
    return quality_report(
        dataset, store.crime_rows(), store.duplicate_months(), store.patrol_problems(), far_m
    )
