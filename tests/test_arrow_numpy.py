"""numpy from Arrow and back through buffers: values, nulls, slices, booleans, no pandas."""

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from geo.io.arrow_numpy import arrow_of, numpy_of


def test_floats_with_nulls_come_back_with_nan_also_from_a_slice():
    array = pa.array([1.5, None, 3.0, None, 5.0])[1:]
    assert np.array_equal(numpy_of(array), [np.nan, 3.0, np.nan, 5.0], equal_nan=True)


def test_booleans_and_integers_round_trip_also_from_slices_and_chunks():
    flags = np.array([True, False, True, True, False, False, True, False, True, True])
    assert numpy_of(arrow_of(flags)).tolist() == flags.tolist()
    assert numpy_of(arrow_of(flags).slice(3, 5)).tolist() == flags[3:8].tolist()
    numbers = np.arange(-5, 5, dtype=np.int32)
    chunked = pa.chunked_array([arrow_of(numbers[:4]), arrow_of(numbers[4:]).slice(1)])
    assert numpy_of(chunked).tolist() == [*numbers[:4].tolist(), *numbers[5:].tolist()]
    assert arrow_of(numbers).equals(pa.array(numbers.tolist(), pa.int32()))


def test_empty_arrays_and_a_null_in_integers():
    assert len(numpy_of(pa.array([], pa.float64()))) == 0
    assert numpy_of(pa.chunked_array([], pa.int32())).dtype == np.int32
    with pytest.raises(ValueError, match="null"):
        numpy_of(pa.array([1, None], pa.int64()))
    with pytest.raises(ValueError, match="no numpy type"):
        numpy_of(pa.array(["a"]))


def test_a_crime_file_is_read_without_importing_pandas(tmp_path):
    """A crime-reading thread never waits on the pandas import that the main thread is doing."""
    from tests.helpers import write_street_csv

    path = write_street_csv(tmp_path / "2024-01-x-street.csv", [("2024-01", -1.3, 53.0, "Drugs")])
    code = (
        "import sys; from geo.io.crimes import CrimeSource, read_crime_file; "
        f"read_crime_file(CrimeSource(__import__('pathlib').Path({str(path)!r}))); "
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
