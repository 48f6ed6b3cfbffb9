"""The bytes of a CSV a clerk downloads: UTF-8 with a BOM (what Excel opens
without asking), or cp932 for tools that want Shift_JIS; CRLF either way."""

from __future__ import annotations

from typing import Literal

SheetEncoding = Literal["utf-8", "cp932"]
ENCODINGS: tuple[SheetEncoding, ...] = ("utf-8", "cp932")
ENCODING_HELP = (
    "The CSV's encoding: UTF-8 with a BOM (Excel), or cp932 (Shift_JIS) for tools "
    "that want it"
)
# the 〓 (geta) Japanese systems print for a character Shift_JIS cannot hold;
# the masters are published in cp932, so their text never needs it
GETA = "\u3013"


def sheet_bytes(text: str, encoding: str = "utf-8") -> bytes:
    """`text` (CRLF rows, no BOM) as the bytes of a downloaded CSV."""
    if encoding != "cp932":
        return ("\ufeff" + text).encode("utf-8")
    try:
        return text.encode("cp932")
    except UnicodeEncodeError:
        return "".join(_held(c) for c in text).encode("cp932")


def _held(char: str) -> str:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return GETA
    return char
