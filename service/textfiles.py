"""Text files as they come from Windows, Excel and viewers: UTF-8 with or without
a BOM, or CP932 (Shift_JIS), decided from the bytes, never assumed."""

from __future__ import annotations

import codecs
from pathlib import Path

UTF8_BOM = codecs.BOM_UTF8


class EncodingError(ValueError):
    """Neither UTF-8 nor CP932: names the file, the line and the byte."""

    ja = ""  # the same in Japanese, for a page


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
        refused = EncodingError(
            f"{name}: line {line}, byte {column} (0x{content[error.start]:02X}) is "
            "neither UTF-8 nor CP932 (Shift_JIS) text"
        )
        refused.ja = (
            f"{name}: {line} 行目 {column} バイト目（0x{content[error.start]:02X}）が "
            "UTF-8 でも CP932（Shift_JIS）でもありません"
        )
        raise refused from None


CHUNK = 1 << 20


def file_encoding(path: Path) -> str:
    """A file's encoding decided as `decode` does, read in chunks (a claim file
    may be larger than memory should hold): `utf-8-sig`, `utf-8` or `cp932`;
    EncodingError naming the file, line and byte when it is neither."""
    with path.open("rb") as raw:
        bom = raw.read(len(UTF8_BOM)) == UTF8_BOM
    if bom:
        return _checked(path, "utf-8-sig")
    if _error(path, "utf-8") is None:
        return "utf-8"
    return _checked(path, "cp932")


def _checked(path: Path, encoding: str) -> str:
    found = _error(path, encoding)
    if found is not None:
        line, column, byte = found
        raise EncodingError(
            f"{path.name}: line {line}, byte {column} (0x{byte:02X}) is neither "
            "UTF-8 nor CP932 (Shift_JIS) text"
        )
    return encoding


def _error(path: Path, encoding: str) -> tuple[int, int, int] | None:
    """Where the file stops being `encoding`: (line, byte in the line, the byte)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, column = 1, 0
    with path.open("rb") as raw:
        while True:
            chunk = raw.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                at = min(error.start, len(chunk) - 1) if chunk else 0
                before = chunk[:at]
                newline = before.rfind(b"\n")
                line += before.count(b"\n")
                column = at - newline if newline >= 0 else column + at + 1
                return line, column, chunk[at] if chunk else 0
            if not chunk:
                return None
            newline = chunk.rfind(b"\n")
            line += chunk.count(b"\n")
            column = len(chunk) - newline - 1 if newline >= 0 else column + len(chunk)
