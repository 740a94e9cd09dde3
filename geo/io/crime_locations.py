"""police.uk street files read with their Location text: the rows as geo.io.crimes reads and
checks them, and the Location column, which the figures never need, parsed from the same bytes
beside them (as dictionary codes: a force's year has a few thousand distinct texts)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pacsv

from geo.errors import HotspotDataError
from geo.io.crimes import CrimeSource, ReadBuffer, read_crime_data

_LOCATION = pa.dictionary(pa.int32(), pa.string())


def read_with_location(
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
