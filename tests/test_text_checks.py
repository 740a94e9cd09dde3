"""geo.io.text_checks: the one text check every CSV reader uses, with the same messages."""

import pytest

from geo.errors import HotspotDataError
from geo.io.text_checks import check_csv_text

HEADER = b"hotspot_id,start\n"


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "the file is empty"),
        (b"\xff\xfeh\x00", "is UTF-16 text; re-save it as 'CSV UTF-8'"),
        (HEADER + b"A,1\n" * 2000 + b"A,\x00\n", "holds binary data"),  # past the first 4 KB
    ],
)
def test_refusals_say_what_to_do(data, message):
    with pytest.raises(HotspotDataError, match=message):
        check_csv_text(data, "patrols.csv")


def test_a_windows_1252_byte_is_named_with_its_row_and_the_readers_hint():
    data = HEADER + b"A,1\nCaf\xe9,2\n"
    with pytest.raises(HotspotDataError) as caught:
        check_csv_text(data, "x.csv", hint="police.uk files are UTF-8: ")
    assert caught.value.row == 3
    assert "byte 0xe9" in str(caught.value) and "police.uk files are UTF-8: re-save" in str(
        caught.value
    )


def test_a_block_may_end_inside_a_character_and_count_rows_from_its_first_line():
    block = HEADER + "Café".encode()[:-1]  # the last character cut by the block's end
    check_csv_text(block, "pings.csv", partial=True)
    with pytest.raises(HotspotDataError) as caught:
        check_csv_text(b"A,1\n\xe9\n", "pings.csv", first_row=501)
    assert caught.value.row == 502


def test_utf8_with_a_byte_order_mark_and_accents_passes():
    check_csv_text("\ufeffhotspot_id,name\nA,Café\n".encode(), "hotspots.csv")
