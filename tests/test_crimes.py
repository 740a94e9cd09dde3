"""police.uk readers: file, folder, archive zip, extra columns, missing coordinates, bad rows."""

import shutil
import time
import zipfile

import numpy as np
import pandas as pd
import pytest

from geo.errors import HotspotDataError
from geo.io import crimes
from geo.io.crimes import duplicate_rows, read_crimes
from geo.schema import POLICE_UK_HEADER
from tests.helpers import write_street_csv

ROWS = [
    ("2024-01", -1.35, 53.01, "Anti-social behaviour"),
    ("2024-01", -1.35, 53.01, "Burglary"),
    ("2024-01", None, None, "Drugs"),
]


# checks outputs


def test_reads_one_file_with_asb_flag_and_missing_coordinates(tmp_path):
    crimes = read_crimes([write_street_csv(tmp_path / "2024-01-test-street.csv", ROWS)])
    assert len(crimes) == 3
    assert crimes["asb"].tolist() == [True, False, False]
    assert crimes["lon"].isna().tolist() == [False, False, True]
    assert set(crimes["month"]) == {pd.Period("2024-01", freq="M").ordinal}


def test_folder_is_searched_recursively_for_street_files(tmp_path):
    write_street_csv(tmp_path / "2024-01" / "2024-01-test-street.csv", ROWS)
    write_street_csv(tmp_path / "2024-02" / "deeper" / "2024-02-test-street.csv", ROWS[:1])
    write_street_csv(tmp_path / "2024-02" / "2024-02-test-outcomes.csv", ROWS)
    assert len(read_crimes([tmp_path])) == 4


def test_police_uk_archive_zip(tmp_path):
    street = write_street_csv(tmp_path / "src" / "2024-01-test-street.csv", ROWS)
    archive = tmp_path / "police.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(street, "2024-01/2024-01-test-street.csv")
        zipped.writestr("2024-01/2024-01-test-outcomes.csv", "Crime ID,Month\n")
    assert len(read_crimes([archive])) == 3


def test_extra_trailing_columns_are_tolerated(shared_data):
    path = shared_data / "police-uk" / "south-yorkshire" / "2021-01-south-yorkshire-street.csv"
    crimes = read_crimes([path])
    assert len(crimes) == 12398
    with path.open() as handle:
        no_location = sum(1 for line in handle if line.split(",")[4:6] == ["", ""])
    assert crimes["lon"].isna().sum() == no_location > 0


def test_utf8_bom_is_read(tmp_path):
    path = write_street_csv(tmp_path / "bom-street.csv", ROWS)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(read_crimes([path])) == 3


# checks inputs


def test_bad_month_names_row_and_column(tmp_path):
    path = write_street_csv(tmp_path / "x-street.csv", [*ROWS, ("January", -1.3, 53.0, "Drugs")])
    with pytest.raises(HotspotDataError, match=r"x-street.csv, row 5, column 'Month'.*not a month"):
        read_crimes([path])


def test_bad_coordinate_names_row_and_column(tmp_path):
    path = write_street_csv(tmp_path / "x-street.csv", ROWS)
    path.write_text(path.read_text().replace("-1.350000", "west", 1))
    with pytest.raises(HotspotDataError, match=r"row 2, column 'Longitude'.*'west'"):
        read_crimes([path])


def test_wrong_header_is_refused(tmp_path):
    header = [*POLICE_UK_HEADER]
    header[4] = "Lon"
    path = write_street_csv(tmp_path / "x-street.csv", ROWS, header=header)
    with pytest.raises(HotspotDataError, match=r"row 1, column 'Longitude'.*'Lon'"):
        read_crimes([path])


@pytest.mark.parametrize("content", [b"", b"\x00\x00\x00PK", b"just some text\n"])
def test_empty_binary_and_foreign_files_are_refused(tmp_path, content):
    path = tmp_path / "odd-street.csv"
    path.write_bytes(content)
    with pytest.raises(HotspotDataError, match="odd-street.csv"):
        read_crimes([path])


def test_truncated_file_is_refused(tmp_path):
    path = write_street_csv(tmp_path / "cut-street.csv", ROWS)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(HotspotDataError, match="cut-street.csv, row 4"):
        read_crimes([path])


def test_missing_path_is_named(tmp_path):
    with pytest.raises(HotspotDataError, match="nowhere.*not found"):
        read_crimes([tmp_path / "nowhere"])


def test_windows_1252_is_refused_with_advice(tmp_path):
    path = write_street_csv(tmp_path / "cp-street.csv", [("2024-01", -1.3, 53.0, "Burglary")])
    path.write_bytes(path.read_bytes().replace(b"Burglary", "Burglary\u00e9".encode("cp1252")))
    with pytest.raises(HotspotDataError, match="UTF-8"):
        read_crimes([path])


def test_copy_of_real_file_reads_same_as_original(shared_data, tmp_path):
    source = shared_data / "police-uk" / "derbyshire" / "2024-12-derbyshire-street.csv"
    shutil.copy(source, tmp_path / source.name)
    assert len(read_crimes([tmp_path])) == len(read_crimes([source]))


# exact duplicate rows


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_duplicate_rows_are_exact_copies_of_an_earlier_row(newline):
    header = b"Crime ID,Month,Reported by" + newline
    rows = [b",2024-01,A", b",2024-01,B", b",2024-01,A", b"x1,2024-01,A", b",2024-01,A"]
    data = header + newline.join(rows) + newline + newline  # a blank line at the end
    assert duplicate_rows(data, len(rows)).tolist() == [False, False, True, False, True]


def test_duplicate_rows_read_quoted_line_breaks_as_one_row():
    data = b'Crime ID,Month,Location\n,2024-01,"On or\nnear"\n,2024-01,"On or\nnear"\n,2024-01,x\n'
    assert duplicate_rows(data, 3).tolist() == [False, True, False]


def _earlier_copies(lines: list[bytes]) -> list[bool]:
    """The definition, spelt out: a row is a duplicate when the same bytes came before it."""
    seen: set[bytes] = set()
    found = []
    for line in lines:
        found.append(line in seen)
        seen.add(line)
    return found


def _near_copies(rng: np.random.Generator, count: int) -> list[bytes]:
    """Rows of one length that differ in a single byte somewhere, many of them exact copies."""
    base = bytearray(b",2024-01,Force,Force,-1.350000,53.010000,On or near Mill Lane,E01,A,ASB,,")
    rows = []
    for _ in range(count):
        row = bytearray(base)
        row[rng.integers(0, len(row))] = rng.choice(list(b"xyz"))
        rows.append(bytes(row))
    return rows


@pytest.mark.parametrize("ending", [b"\n", b""])
def test_duplicate_rows_match_the_definition_when_rows_differ_in_one_byte(ending):
    rng = np.random.default_rng(7)
    rows = [*_near_copies(rng, 400), b"short", b"short", b"x" * 12, b"x" * 12, b"x" * 13]
    rows = [rows[i] for i in rng.permutation(len(rows))]
    data = b"Crime ID,Month\n" + b"\n".join(rows) + ending
    found = duplicate_rows(data, len(rows))
    assert found.tolist() == _earlier_copies(rows)
    assert 0 < found.sum() < len(rows)


def test_duplicate_rows_across_view_windows_and_over_long_lines(monkeypatch):
    monkeypatch.setattr(crimes, "_VIEW_SPAN", 128)  # how a file of several GB is seen, small
    rng = np.random.default_rng(8)
    rows = [*_near_copies(rng, 200), b"L" * 130, b"L" * 130, b"M" * 130]  # over the span
    rows = [rows[i] for i in rng.permutation(len(rows))]
    data = b"Crime ID,Month\n" + b"\n".join(rows) + b"\n"
    assert duplicate_rows(data, len(rows)).tolist() == _earlier_copies(rows)


def test_a_row_equal_to_the_header_is_not_a_copy_of_it():
    data = b"Crime ID,Month,Location\nCrime ID,Month,Location\n,2024-01,x\n"
    assert duplicate_rows(data, 2).tolist() == [False, False]


def test_files_read_into_one_buffer_each_come_back_whole(tmp_path):
    files = [tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"]
    for path, size in zip(files, (5000, 70, 3000)):
        path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    buffer = crimes.ReadBuffer()
    for path in files:
        data = crimes.CrimeSource(path).read_into(buffer)
        assert data == path.read_bytes()
    assert crimes.CrimeSource(files[1]).read_into(buffer) is data  # the same memory, reused
    held = memoryview(data)  # still looked at: the next file goes to a buffer of its own
    data = crimes.CrimeSource(files[0]).read_into(buffer)
    assert data == files[0].read_bytes() and held.tobytes() == files[1].read_bytes()


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"", []), (b"h\n", []), (b"h\nab\nab", [False, True]), (b"h\nab\n\nab\n", [False, True])],
)
def test_duplicate_rows_of_files_shorter_than_a_sampled_word(data, expected):
    assert duplicate_rows(data, len(expected)).tolist() == expected


def test_many_files_read_at_once_equal_them_read_one_by_one(tmp_path):
    rng = np.random.default_rng(7)
    copies = []
    for month in range(1, 13):
        # ASB rows have no crime id, so equal places make exact copies
        rows = [
            (f"2024-{month:02d}", -1.4 + step / 1000, 53.0, "Anti-social behaviour")
            for step in rng.integers(0, 500, 400)
        ]
        write_street_csv(tmp_path / f"2024-{month:02d}-test-street.csv", rows * 2)
        copies.append(2 * len(rows) - len(set(rows)))
    sources = crimes.find_crime_files([tmp_path])
    together, problem = crimes.read_files(sources, crimes.read_crime_file)
    alone = [crimes.read_crime_file(source) for source in sources]
    assert problem is None and len(together) == len(sources) == 12
    assert all(a.equals(b) for a, b in zip(together, alone))
    assert [sum(table["duplicate"].to_pylist()) for table in together] == copies
    frame = crimes.crimes_frame(together)
    assert frame["asb"].all() and frame["crime_type"].cat.categories.tolist() == [crimes.ASB]


def test_of_many_files_the_first_bad_one_in_order_is_reported(tmp_path):
    for month in range(1, 9):
        write_street_csv(tmp_path / f"2024-{month:02d}-test-street.csv", ROWS)
    for month in (3, 6):  # both bad; the third file is the one named
        path = tmp_path / f"2024-{month:02d}-test-street.csv"
        path.write_text(path.read_text().replace("-1.350000", "west", 1))
    tables, problem = crimes.read_files(crimes.find_crime_files([tmp_path]), crimes.read_crime_file)
    assert len(tables) == 2
    assert "2024-03-test-street.csv" in str(problem) and "'west'" in str(problem)


def test_files_with_different_crime_types_make_one_set_of_categories(tmp_path):
    write_street_csv(tmp_path / "2024-01-a-street.csv", [ROWS[1], ROWS[0]])
    write_street_csv(tmp_path / "2024-02-a-street.csv", [ROWS[2], ROWS[0], ROWS[2]])
    frame = read_crimes([tmp_path])
    assert frame["crime_type"].tolist() == [
        "Burglary", "Anti-social behaviour", "Drugs", "Anti-social behaviour", "Drugs",
    ]  # fmt: skip
    assert frame["asb"].tolist() == [False, True, False, True, False]
    assert frame["month"].tolist() == [648] * 5  # 2024-01 as months since 1970-01


def test_a_cached_table_with_plain_text_types_or_missing_ones_still_reads():
    import pyarrow as pa

    table = pa.table(
        {
            "month": pa.array([648, 648, 648], pa.int32()),
            "lon": [-1.3, None, -1.2],
            "lat": [53.0, None, 53.1],
            "crime_type": ["Drugs", None, crimes.ASB],
            "duplicate": [False, False, True],
        }
    )
    frame = crimes.crimes_frame([table])
    assert frame["crime_type"].isna().tolist() == [False, True, False]
    assert frame["asb"].tolist() == [False, False, True]
    assert frame["lon"].isna().tolist() == [False, True, False]


def test_file_reads_come_back_in_order_and_stop_at_the_first_bad_file(tmp_path):
    for month in range(1, 7):
        write_street_csv(tmp_path / f"2024-{month:02d}-test-street.csv", ROWS)
    bad = tmp_path / "2024-04-test-street.csv"
    bad.write_text(bad.read_text().replace("-1.350000", "west", 1))
    sources = crimes.find_crime_files([tmp_path])
    given = []
    with crimes.FileReads(sources, lambda source, buffer, every_core: source.path.name) as reads:
        assert list(reads) == [source.path.name for source in sources]
    problem = pytest.raises(HotspotDataError, match="2024-04-test-street.csv")
    with problem, crimes.FileReads(sources, crimes.read_crime_file) as reads:
        given.extend(table.num_rows for table in reads)
    assert given == [len(ROWS)] * 3


def test_leaving_file_reads_early_drops_the_files_not_yet_started(tmp_path):
    sources = [crimes.CrimeSource(tmp_path / f"{n}.csv") for n in range(12)]
    started = []

    def slow_read(source, buffer, every_core):
        started.append(source)
        time.sleep(0.05)
        return source

    with crimes.FileReads(sources, slow_read) as reads:
        assert next(iter(reads)) == sources[0]
    assert len(started) < len(sources)  # two threads: the first few only
