"""geo.io.parquet_files: a cache file is written whole through a rename, or not at all."""

import pyarrow as pa
import pyarrow.parquet as pq

from geo.io import parquet_files
from geo.io.parquet_files import write_atomically

TABLE = pa.table({"month": [24288, 24289], "asb": [3, 4]})


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_table_is_written_into_a_new_folder_and_reads_back_the_same(tmp_path):
    target = tmp_path / "cache" / "crimes" / "x.parquet"
    assert write_atomically(target, TABLE)
    assert pq.read_table(target).equals(TABLE)
    assert _leftovers(target.parent) == ["x.parquet"]


def test_a_folder_that_cannot_be_made_gives_false_and_nothing_is_written(tmp_path):
    (tmp_path / "cache").write_text("a file where the folder would go")
    assert write_atomically(tmp_path / "cache" / "x.parquet", TABLE) is False
    assert _leftovers(tmp_path) == ["cache"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path, monkeypatch):
    target = tmp_path / "x.parquet"
    assert write_atomically(target, TABLE)
    before = target.read_bytes()

    def half_written(_table, where, **_options):
        with open(where, "wb") as handle:
            handle.write(b"PAR1 and then the disk was full")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parquet_files.pq, "write_table", half_written)
    assert write_atomically(target, pa.table({"month": [1]})) is False
    assert target.read_bytes() == before
    assert _leftovers(tmp_path) == ["x.parquet"]


def test_an_arrow_error_is_a_false_too(tmp_path, monkeypatch):
    def refuse(*_args, **_options):
        raise pa.ArrowInvalid("cannot write this column")

    monkeypatch.setattr(parquet_files.pq, "write_table", refuse)
    assert write_atomically(tmp_path / "x.parquet", TABLE) is False
    assert _leftovers(tmp_path) == []
