"""The inputs of `geo propose`: police.uk rows with their Location text, from files, a dataset
folder or a database, and what the dataset already holds (its hotspots, its flagged months).

Files are read and checked by geo.io.crimes exactly as `geo summary` reads them; the Location
column, which the figures never need, is parsed from the same bytes beside them (as dictionary
codes: a force's year has a few thousand distinct texts). Flagged months come from the same
rows-per-month-and-type counts the dataset loader judges (geo.analysis.anomalies).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo.analysis.anomalies import Anomaly, find_anomalies
from geo.counting.type_counts import type_counts_of
from geo.errors import HotspotDataError
from geo.io.arrow_numpy import numpy_of
from geo.io.crimes import (
    CrimeSource,
    ReadBuffer,
    crime_columns,
    find_crime_files,
    read_crime_data,
    read_files,
    street_files_in,
)

if TYPE_CHECKING:
    import geopandas as gpd

_LOCATION = pa.dictionary(pa.int32(), pa.string())


@dataclass(frozen=True)
class Incidents:
    """Rows of one crime type: month ordinal, lon and lat (NaN without a location), and the
    Location text as codes into `location_names`."""

    month: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    location_code: np.ndarray
    location_names: np.ndarray


@dataclass(frozen=True)
class ProposalSource:
    """What proposals are made from: rows per month and crime type (for flagged months and the
    months with data), the rows of a chosen type, and the dataset's hotspots (None for files)."""

    type_counts: pd.DataFrame
    incidents_of: Callable[[str], Incidents]
    hotspots: gpd.GeoDataFrame | None = None

    @property
    def crime_types(self) -> list[str]:
        """The crime types the data hold, sorted."""
        return sorted({str(t) for t in self.type_counts["crime_type"]})

    @property
    def months(self) -> list[pd.Period]:
        """Months with any rows, in order."""
        return [pd.Period(ordinal=int(m), freq="M") for m in sorted(set(self.type_counts["month"]))]

    @property
    def anomalies(self) -> list[Anomaly]:
        """Flagged months per crime type, as the dataset loader finds them."""
        return find_anomalies(self.type_counts)


def files_source(paths: Sequence[str | Path]) -> ProposalSource:
    """Street CSVs, folders of them or police.uk zips, read and checked as `geo summary` does."""
    tables, problem = read_files(find_crime_files(paths), _read_with_location)
    if problem is not None:
        raise problem
    return _source_of(tables)


def dataset_source(location: Path | str) -> ProposalSource:
    """A dataset folder or postgresql:// URL: its crime rows, flagged months and hotspots (a
    dataset that has none yet, a programme still choosing them, has nothing to keep out)."""
    from geo.store.postgres import is_database_url

    if is_database_url(location):
        return _database_source(str(location))
    from geo.io.hotspots import read_hotspots
    from geo.store.dataset import HOTSPOT_FILES, find_hotspot_file
    from geo.store.folder_writes import recover_before_reading

    folder = Path(location)
    if not folder.is_dir():
        raise HotspotDataError("dataset folder not found", path=folder)
    recover_before_reading(folder)
    has_hotspots = any((folder / name).is_file() for name in HOTSPOT_FILES)
    hotspots = read_hotspots(find_hotspot_file(folder)) if has_hotspots else None
    crimes = folder / "crimes"
    files = street_files_in(crimes) if crimes.is_dir() else []
    if not files:
        raise HotspotDataError("holds no police.uk *-street.csv files", path=crimes)
    tables, problem = read_files([CrimeSource(p) for p in files], _read_with_location)
    if problem is not None:
        raise problem
    source = _source_of(tables)
    return ProposalSource(source.type_counts, source.incidents_of, hotspots)


def _read_with_location(
    source: CrimeSource, buffer: ReadBuffer | None, use_threads: bool
) -> pa.Table:
    """One street file read and checked by geo.io.crimes, with its Location column added."""
    data = source.read_bytes() if buffer is None else source.read_into(buffer)
    table = read_crime_data(data, source, use_threads)
    location = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(use_threads=use_threads),
        convert_options=pacsv.ConvertOptions(
            include_columns=["Location"],
            column_types={"Location": _LOCATION},
            strings_can_be_null=False,
        ),
    ).column("Location")
    if len(location) != table.num_rows:  # both parses read the same bytes: never expected
        raise HotspotDataError(
            "its Location column could not be read row by row", path=source.label
        )
    return table.append_column("location", location)


def _source_of(tables: list[pa.Table]) -> ProposalSource:
    """The files' rows: counts per month and type now, a type's rows when asked."""
    names: dict[str, int] = {}
    columns = [crime_columns(table, names) for table in tables]
    counted = [type_counts_of(c.month, c.type_code, list(names), c.duplicate) for c in columns]
    type_counts = (
        pd.concat(counted, ignore_index=True)
        if counted
        else pd.DataFrame(columns=["month", "crime_type", "rows", "duplicates"])
    )

    def incidents_of(crime_type: str) -> Incidents:
        code = names[crime_type]
        parts = [(c, c.type_code == code) for c in columns]
        texts = pa.chunked_array(
            [
                table.column("location").filter(pa.array(keep)).cast(pa.string())
                for table, (_, keep) in zip(tables, parts)
            ],
            type=pa.string(),
        )
        encoded = pc.dictionary_encode(texts).combine_chunks()
        return Incidents(
            month=np.concatenate([c.month[keep] for c, keep in parts]),
            lon=np.concatenate([c.lon[keep] for c, keep in parts]),
            lat=np.concatenate([c.lat[keep] for c, keep in parts]),
            location_code=numpy_of(encoded.indices).astype(np.int64),
            location_names=np.array(encoded.dictionary.to_pylist(), dtype=object),
        )

    return ProposalSource(type_counts, incidents_of)


def _database_source(url: str) -> ProposalSource:
    """The store's counts per month and type and its hotspots, read now; a type's rows (with
    their Location text) read when asked, in a snapshot of their own."""
    from geo.store.pg_dataset import _MONTH_ORDINAL, _areas, _type_month_counts
    from geo.store.postgres import check_schema, connect

    with connect(url, snapshot=True) as connection:
        check_schema(connection, url)
        hotspots = _areas(connection, "hotspots")
        type_counts = _type_month_counts(connection)

    def incidents_of(crime_type: str) -> Incidents:
        from geo.store.pg_dataset import _copied

        with connect(url, snapshot=True) as connection:
            month, lon, lat, text = _copied(
                connection,
                f"SELECT {_MONTH_ORDINAL}, lon, lat, location FROM crimes WHERE crime_type = %s",
                [pa.int32(), pa.float64(), pa.float64(), pa.string()],
                (crime_type,),
            )
        codes, names = pd.factorize(pd.Series(text, dtype=object).fillna(""))
        return Incidents(
            month=month.astype(np.int32),
            lon=np.asarray(lon, dtype=float),
            lat=np.asarray(lat, dtype=float),
            location_code=codes.astype(np.int64),
            location_names=np.asarray(names, dtype=object),
        )

    return ProposalSource(type_counts, incidents_of, hotspots if len(hotspots) else None)
