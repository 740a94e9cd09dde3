"""numpy arrays from Arrow arrays and back, through their buffers.

pyarrow's own converters (`to_numpy`, `pa.array`) import pandas on first use. A thread that parses
crime files while the command's main thread loads pandas would then wait for that whole import
(the import lock) before its first conversion; these do the same without it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from geo.words import count_text

_NUMERIC = {
    pa.int8(): np.int8, pa.int16(): np.int16, pa.int32(): np.int32, pa.int64(): np.int64,
    pa.uint8(): np.uint8, pa.uint16(): np.uint16, pa.uint32(): np.uint32, pa.uint64(): np.uint64,
    pa.float32(): np.float32, pa.float64(): np.float64,
}  # fmt: skip


def numpy_of(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The values of a numeric or boolean Arrow array (chunks joined); a null becomes NaN in a
    float array and is refused (ValueError) in any other."""
    if isinstance(array, pa.ChunkedArray):
        parts = [_chunk_values(chunk) for chunk in array.chunks]
        if not parts:
            return np.array([], dtype=_dtype(array.type))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)
    return _chunk_values(array)


def arrow_of(values: np.ndarray) -> pa.Array:
    """A one-dimensional numeric or boolean numpy array as an Arrow array without nulls."""
    values = np.ascontiguousarray(values)
    if values.dtype == np.bool_:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    kind = next((t for t, d in _NUMERIC.items() if np.dtype(d) == values.dtype), None)
    if kind is None:
        raise ValueError(f"no Arrow type for numpy {values.dtype}")
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


def _dtype(kind: pa.DataType) -> type:
    if kind == pa.bool_():
        return np.bool_
    if kind not in _NUMERIC:
        raise ValueError(f"no numpy type for Arrow {kind}")
    return _NUMERIC[kind]


def _bits(buffer: pa.Buffer, offset: int, length: int) -> np.ndarray:
    """`length` bits of an Arrow bitmap from bit `offset`, as booleans."""
    raw = np.frombuffer(buffer, dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little", count=offset + length)[offset:].astype(bool)


def _chunk_values(array: pa.Array) -> np.ndarray:
    dtype = _dtype(array.type)
    validity, data = array.buffers()[:2]
    if data is None or len(array) == 0:
        return np.array([], dtype=dtype)
    if dtype is np.bool_:
        values = _bits(data, array.offset, len(array))
    else:
        values = np.frombuffer(
            data, dtype=dtype, count=len(array), offset=array.offset * np.dtype(dtype).itemsize
        )
    if array.null_count:
        if values.dtype.kind != "f":
            raise ValueError(f"{count_text(array.null_count, 'null')} in a {array.type} array")
        values = np.where(_bits(validity, array.offset, len(array)), values, np.nan)
    return values
