"""Reading MHLW 医科診療行為マスター files (基本マスター, 支払基金): the file name,
the zip, CP932, 150 columns. What a row means is `domain.master_rows`; the
format is in `shared/masters/README.md`."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from domain.master_rows import MasterFile, MasterRow
from domain.publications import MASTER_FILE_NAME

FILE_NAME = MASTER_FILE_NAME
FIELDS = 150


class MasterFileError(ValueError):
    """The file cannot be imported as it is; says which rows and why."""

    def __init__(self, message: str, field: str = "body") -> None:
        super().__init__(message)
        self.field = field  # "filename" when the name is at fault, else "body"


def is_master_file(path: Path) -> bool:
    return FILE_NAME.match(path.name) is not None


def read_master_name(name: str) -> date:
    """The publication date a master file's name carries."""
    match = FILE_NAME.match(name)
    if match is None:
        raise MasterFileError(
            f"{name}: not a 医科診療行為マスター file name (s_ALLYYYYMMDD.zip|csv, "
            "s_YYYYMMDD.csv)",
            "filename",
        )
    try:
        return _day(match["published"])
    except ValueError:
        raise MasterFileError(
            f"{name}: the date in the name is not a date", "filename"
        ) from None


def read_master(name: str, content: bytes) -> MasterFile:
    """Parse one file (CSV or the zip MHLW ships the full file in)."""
    published = read_master_name(name)
    match = FILE_NAME.match(name)
    assert match is not None
    if match["ext"] == "zip":
        content = _unzipped(name, content)
    try:
        text = content.decode("cp932")
    except UnicodeDecodeError as error:
        raise MasterFileError(
            f"{name}: not CP932 text (byte {error.start}); the masters are Shift_JIS"
        ) from None
    rows = tuple(_rows(name, text))
    return MasterFile(name, published, match["all"] is not None, rows)


def _unzipped(name: str, content: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise MasterFileError(
                    f"{name}: expected one CSV inside, found {members}"
                )
            return archive.read(members[0])
    except zipfile.BadZipFile:
        raise MasterFileError(f"{name}: not a zip file") from None


def _rows(name: str, text: str) -> Iterable[MasterRow]:
    for line, fields in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if not fields:
            continue
        if len(fields) != FIELDS:
            raise MasterFileError(
                f"{name}: line {line} has {len(fields)} fields, expected {FIELDS}"
            )
        f = [x.strip() for x in fields]
        yield MasterRow(
            line=line,
            kind=f[0],
            code=f[2],
            name=f[4],
            unit_kind=f[10],
            value=f[11],
            changed_on=f[86],
            last_day=f[87],
            kubun=f[116] or _kubun(f[84], f[91], f[92]),
            raw=",".join(f'"{x}"' for x in fields),
        )


def _kubun(alpha: str, number: str, branch: str) -> str:
    """区分番号 from コード表用番号: `A` + `000` + 枝番 `00` → A000; `02` → -2."""
    if not ("A" <= alpha <= "Z") or not number.isdigit():
        return ""
    kubun = f"{alpha}{int(number):03d}"
    return kubun + (f"-{int(branch)}" if branch.isdigit() and int(branch) else "")


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
