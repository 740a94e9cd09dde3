"""The one check every CSV from outside passes before it is parsed: UTF-8 text, not empty, not
UTF-16, no binary data. A bad byte is reported with the row (file line) it is on."""

from __future__ import annotations

from geo.errors import HotspotDataError

RESAVE = "re-save it as 'CSV UTF-8'"
"""What a person does about a file in another encoding (Excel's own name for the format)."""


def check_csv_text(
    data: bytes | bytearray,
    name: object,
    *,
    hint: str = "",
    partial: bool = False,
    first_row: int = 1,
) -> None:
    """Refuse (HotspotDataError naming `name`) data that is not UTF-8 CSV text.

    `hint` goes before the advice (e.g. "police.uk files are UTF-8: "); `partial`: the data is a
    block of a larger file and may end inside a character; `first_row`: the row of its first line.
    """
    if first_row == 1 and (not data or data.isspace()):
        raise HotspotDataError("the file is empty", path=name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HotspotDataError(f"is UTF-16 text; {hint}{RESAVE}", path=name)
    if b"\x00" in data:
        raise HotspotDataError("is not a text CSV file (it holds binary data)", path=name)
    if data.isascii():  # ASCII is UTF-8 already: only other text needs decoding
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return  # a multi-byte character cut by the end of the block
        raise HotspotDataError(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x}; Windows-1252 from Excel?); "
            f"{hint}{RESAVE}",
            path=name,
            row=data.count(b"\n", 0, exc.start) + first_row,
        ) from exc
