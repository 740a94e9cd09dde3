"""Synthetic police.uk street files, shared by the sample generator and the benchmark.

Both write rows as police.uk publishes them: its exact header, unquoted values, 64-hex crime ids
and a last outcome for every row but ASB (which has neither), crime types in the mix of a
force's own files. Only a seeded numpy Generator is used, so a seed always gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo.schema import ASB, POLICE_UK_HEADER

CRIME_TYPE_SHARES = {  # every row of a force's file, ASB included, roughly as Derbyshire's
    ASB: 0.155,
    "Bicycle theft": 0.005,
    "Burglary": 0.035,
    "Criminal damage and arson": 0.08,
    "Drugs": 0.025,
    "Other theft": 0.07,
    "Possession of weapons": 0.008,
    "Public order": 0.085,
    "Robbery": 0.006,
    "Shoplifting": 0.06,
    "Theft from the person": 0.006,
    "Vehicle crime": 0.045,
    "Violence and sexual offences": 0.39,
    "Other crime": 0.02,
}
OUTCOMES = {  # police.uk's usual last outcomes, weighted roughly as in Derbyshire's own files
    "Unable to prosecute suspect": 2821,
    "Investigation complete; no suspect identified": 2233,
    "Status update unavailable": 614,
    "Awaiting court outcome": 313,
    "Court result unavailable": 312,
    "Local resolution": 272,
    "Under investigation": 120,
    "Action to be taken by another organisation": 63,
    "Further investigation is not in the public interest": 48,
    "Offender given a caution": 40,
    "Formal action is not in the public interest": 23,
    "Further action is not in the public interest": 21,
    "Suspect charged as part of another case": 5,
}
_UNSAFE = ',"\n\r'
"""Characters that would need quoting; police.uk values never hold them, so none are written."""


def crime_type_indices(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` crime types drawn from CRIME_TYPE_SHARES, as indices into its keys."""
    shares = np.array(list(CRIME_TYPE_SHARES.values()))
    return rng.choice(len(shares), size=n, p=shares / shares.sum())


def crime_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """police.uk-like crime ids: 64 hexadecimal characters each."""
    return np.frombuffer(rng.bytes(32 * n).hex().encode("ascii"), dtype="S64").astype(str)


def last_outcomes(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` last-outcome categories drawn with OUTCOMES' weights."""
    weights = np.array(list(OUTCOMES.values()), dtype=float)
    return np.array(list(OUTCOMES))[rng.choice(len(OUTCOMES), n, p=weights / weights.sum())]


def with_ids_and_outcomes(rng: np.random.Generator, table: pa.Table) -> pa.Table:
    """Fill `Crime ID` and `Last outcome category` for every row but ASB, in row order."""
    crime = np.asarray(pc.not_equal(table["Crime type"], ASB).to_numpy(zero_copy_only=False))
    ids, outcomes = np.full(len(crime), "", dtype=object), np.full(len(crime), "", dtype=object)
    ids[crime] = crime_ids(rng, int(crime.sum()))
    outcomes[crime] = last_outcomes(rng, int(crime.sum()))
    for column, values in (("Crime ID", ids), ("Last outcome category", outcomes)):
        at = table.schema.get_field_index(column)
        table = table.set_column(at, column, pa.array(values, type=pa.string()))
    return table


def write_street_file(path: Path, table: pa.Table) -> None:
    """One police.uk street CSV: the exact header, then the rows unquoted, as police.uk writes."""
    table = table.select(POLICE_UK_HEADER)
    for name in POLICE_UK_HEADER:
        column = table[name]
        unsafe = (pc.any(pc.match_substring(column, c)).as_py() for c in _UNSAFE)
        if pa.types.is_string(column.type) and any(unsafe):
            raise ValueError(f"column {name!r} holds a character police.uk files never quote")
    path.parent.mkdir(parents=True, exist_ok=True)
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with path.open("wb") as out:
        out.write((",".join(POLICE_UK_HEADER) + "\n").encode())
        pacsv.write_csv(table, out, write_options=options)
