"""geo.sample.police_uk: the one synthetic police.uk writer behind the sample and the benchmark."""

import numpy as np
import pyarrow as pa
import pytest

from geo.io.crimes import read_crimes
from geo.sample.police_uk import with_ids_and_outcomes, write_street_file
from geo.schema import ASB, POLICE_UK_HEADER


def _table(kinds: list[str], location: str = "On or near Mill Lane") -> pa.Table:
    n = len(kinds)
    values = {name: [""] * n for name in POLICE_UK_HEADER}
    values.update(
        {"Month": ["2025-01"] * n, "Longitude": ["-1.5"] * n, "Latitude": ["53.0"] * n},
        **{"Crime type": kinds, "Location": [location] * n},
    )
    return pa.table(values)


def test_rows_read_back_with_ids_and_outcomes_for_crimes_only(tmp_path):
    table = with_ids_and_outcomes(np.random.default_rng(1), _table([ASB, "Burglary", ASB]))
    path = tmp_path / "2025-01" / "2025-01-test-street.csv"
    write_street_file(path, table)
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(POLICE_UK_HEADER) and '"' not in path.read_text()
    ids = [line.split(",")[0] for line in lines[1:]]
    assert ids[0] == ids[2] == "" and len(ids[1]) == 64
    crimes = read_crimes([path])
    assert crimes["asb"].tolist() == [True, False, True]


def test_a_value_police_uk_would_have_to_quote_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Location"):
        write_street_file(tmp_path / "x-street.csv", _table([ASB], "On or near Mill Lane, Heanor"))
