"""Reading a PostgreSQL store: the tables a load, a copy and the proposals read, as the frames
a folder's readers give (outlines as read_hotspots gives them, the patrol log as read_patrols
does, months as pandas monthly ordinals), and any query's columns streamed with COPY."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely

from geo.crs import WGS84
from geo.io.patrols import empty_patrols
from geo.schema import OUTCOME_COLUMNS

if TYPE_CHECKING:
    import psycopg

MONTH_ORDINAL = "((extract(year FROM month)::int - 1970) * 12 + extract(month FROM month)::int - 1)"
"""A month as a pandas monthly Period ordinal (months since 1970-01), as the folder store has it."""


def placed_ring_of(connection) -> int | None:
    """The ring width the store's point places are for (None before they are worked out)."""
    return connection.execute("SELECT placed_ring_m FROM store_state").fetchone()[0]


def outlines(connection, table: str) -> gpd.GeoDataFrame:
    """Outlines as read_hotspots gives them: hotspot_id, name, town, started, WGS84 geometry."""
    rows = connection.execute(
        f"SELECT hotspot_id, name, town, started, ST_AsBinary(geom_wgs84) FROM {table}"
        " ORDER BY position"
    ).fetchall()
    ids, names, towns, started, wkb = zip(*rows) if rows else ((), (), (), (), ())
    frame = pd.DataFrame(
        {
            "hotspot_id": pd.Series(ids, dtype=object),
            "name": pd.Series(names, dtype=object),
            "town": pd.Series(towns, dtype=object),
            "started": pd.Series(pd.to_datetime(list(started)), dtype="datetime64[us]"),
        }
    )
    geometry = shapely.from_wkb([bytes(w) for w in wkb]) if wkb else []
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=WGS84), crs=WGS84)


def patrol_log(connection) -> pd.DataFrame:
    """The patrol visits as read_patrols gives them (hours as computed at import), with their
    patrol types and outcomes (NaN where not recorded), without notes or officer ids."""
    outcomes = ", ".join(OUTCOME_COLUMNS)
    rows = connection.execute(
        "SELECT hotspot_id, start_time, end_time, officers, arrests, engagements, hours,"
        f" patrol_type, {outcomes} FROM patrols ORDER BY row_no"
    ).fetchall()
    if not rows:
        return empty_patrols()
    ids, start, end, officers, arrests, engagements, hours, kinds, *counts = zip(*rows)
    frame = pd.DataFrame(
        {
            "hotspot_id": pd.Series(ids, dtype="str"),
            "start": pd.Series(start, dtype="datetime64[ns]"),
            "end": pd.Series(end, dtype="datetime64[ns]"),
            "officers": np.array(officers, dtype=np.int64),
            "arrests": np.array(arrests, dtype=np.int64),
            "engagements": np.array(engagements, dtype=np.int64),
            "hours": np.array(hours, dtype=float),
            **{
                column: np.array(values, dtype=float)  # None (not recorded) becomes NaN
                for column, values in zip(OUTCOME_COLUMNS, counts, strict=True)
            },
            "patrol_type": pd.Series(kinds, dtype=object),
        }
    )
    frame["month"] = frame["start"].dt.to_period("M").array.asi8.astype(np.int32)
    return frame


def month_counts(connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every row by month (crime, asb, no_location), and the located rows by month (crime, asb)."""
    rows = connection.execute(
        f"SELECT {MONTH_ORDINAL}, sum(crime), sum(asb), sum(no_location), sum(located_asb)"
        " FROM month_counts GROUP BY month ORDER BY month"
    ).fetchall()
    table = np.array(rows, dtype=np.int64).reshape(-1, 5)
    index = pd.Index(table[:, 0].astype(np.int32), name="month")
    force = pd.DataFrame(
        {"crime": table[:, 1], "asb": table[:, 2], "no_location": table[:, 3]}, index=index
    )
    located = pd.DataFrame({"crime": table[:, 1] - table[:, 3], "asb": table[:, 4]}, index=index)
    return force[force["crime"] > 0], located[located["crime"] > 0]


def asb_rows(connection, months: list[str] | None = None) -> pd.DataFrame:
    """Every located ASB row (month, lon, lat, asb) across the force, of the months given or all,
    for the untreated comparison squares: counted per map point at import, one row per report
    here."""
    where = "month = ANY(%s::date[])" if months is not None else "true"
    month, lon, lat, asb = copied(
        connection,
        f"SELECT {MONTH_ORDINAL}, lon, lat, asb FROM asb_point_counts WHERE {where}",
        [pa.int32(), pa.float64(), pa.float64(), pa.int64()],
        None if months is None else (months,),
    )
    return pd.DataFrame(
        {
            "month": np.repeat(month, asb),
            "lon": np.repeat(lon, asb),
            "lat": np.repeat(lat, asb),
            "asb": np.ones(int(asb.sum()), dtype=bool),
        }
    )


def type_month_counts(connection) -> pd.DataFrame:
    """Rows and exact duplicate rows per month and crime type, as geo.counting.type_counts
    gives them for a folder: a duplicate repeats every column of an earlier row of the same
    month and force (one police.uk file). Counted per force at import, added up here."""
    rows = connection.execute(
        f"SELECT {MONTH_ORDINAL}, crime_type, sum(rows), sum(duplicates)"
        " FROM type_month_counts GROUP BY month, crime_type ORDER BY month, crime_type"
    ).fetchall()
    frame = pd.DataFrame(rows, columns=["month", "crime_type", "rows", "duplicates"])
    return frame.astype({"month": np.int32, "rows": np.int64, "duplicates": np.int64})


def near_rows(connection) -> pd.DataFrame:
    """One row per crime near the areas (month, lon, lat, asb), rebuilt from the point counts."""
    month, lon, lat, crime, asb = copied(
        connection,
        f"SELECT {MONTH_ORDINAL}, lon, lat, crime, asb FROM near_point_counts",
        [pa.int32(), pa.float64(), pa.float64(), pa.int64(), pa.int64()],
    )
    repeats = np.concatenate([asb, crime - asb])  # the ASB rows of each point, then the others
    return pd.DataFrame(
        {
            "month": np.repeat(np.concatenate([month, month]), repeats),
            "lon": np.repeat(np.concatenate([lon, lon]), repeats),
            "lat": np.repeat(np.concatenate([lat, lat]), repeats),
            "asb": np.repeat(np.arange(2 * len(month)) < len(month), repeats),
        }
    )


def copied(
    source: psycopg.Connection | psycopg.Cursor,
    query: str,
    types: list[pa.DataType],
    params: tuple | None = None,
) -> list[np.ndarray]:
    """The columns of a query's result as arrays, streamed with COPY and parsed by pyarrow (a
    national store holds millions of points), through a connection or (in an import, inside
    its transaction) a cursor."""
    import psycopg  # loaded already: `source` is one of its objects

    buffer = io.BytesIO()
    cursor = source.cursor() if isinstance(source, psycopg.Connection) else source
    with cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)", params) as copy:
        for block in copy:
            buffer.write(block)
    names = [f"c{i}" for i in range(len(types))]
    if not buffer.getbuffer().nbytes:
        return [np.array([], dtype=t.to_pandas_dtype()) for t in types]
    table = pacsv.read_csv(
        pa.BufferReader(buffer.getvalue()),
        read_options=pacsv.ReadOptions(column_names=names),
        convert_options=pacsv.ConvertOptions(column_types=dict(zip(names, types))),
    )
    return [table.column(n).to_numpy() for n in names]
