"""Text files as they come from Windows, Excel and viewers: UTF-8 with or without
a BOM, or CP932 (Shift_JIS), decided from the bytes, never assumed."""

from __future__ import annotations

import codecs

UTF8_BOM = codecs.BOM_UTF8


class EncodingError(ValueError):
    """Neither UTF-8 nor CP932: names the file, the line and the byte."""


def decode(name: str, content: bytes) -> tuple[str, str]:
    """The text and its encoding (`utf-8-sig`, `utf-8` or `cp932`), in that
    order: a BOM means UTF-8, valid UTF-8 is UTF-8, anything else is CP932."""
    if content.startswith(UTF8_BOM):
        return _decoded(name, content, "utf-8-sig"), "utf-8-sig"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decoded(name, content, "cp932"), "cp932"


def _decoded(name: str, content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        column = error.start - (content.rfind(b"\n", 0, error.start) + 1) + 1
        raise EncodingError(
            f"{name}: line {line}, byte {column} (0x{content[error.start]:02X}) is "
            "neither UTF-8 nor CP932 (Shift_JIS) text"
        ) from None
