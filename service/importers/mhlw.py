"""Reading MHLW 医科診療行為マスター files (基本マスター, 支払基金): the file name,
the zip, the encoding (CP932 as published, UTF-8 as viewers re-save it), the
layout of the file's publication date. What a row means is
`domain.master_rows`; the format is in `docs/masters.md`."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from domain.master_fields import MASTER_FIELDS
from domain.master_rows import MasterFile, MasterRow
from domain.publications import MASTER_FILE_NAME
from service.textfiles import EncodingError, decode

FILE_NAME = MASTER_FILE_NAME


@dataclass(frozen=True)
class Layout:
    """The columns of the files published from `since` on (the 支払基金 仕様 of
    that year): how many fields a row has, and which attribute columns it
    defines (1-based column → MasterField key)."""

    name: str
    since: date
    fields: int
    attributes: Mapping[int, str] = field(default_factory=dict)


# A file is read by the newest layout whose `since` is on or before its
# publication. The 令和8年度版 defines cols 132–137 (予備 before); the viewer
# kohii/medi-xplorer applies it to publications from 2026-03-25 on
# (shared/masters/README.md, last part).
LAYOUTS = (
    Layout("令和4年度版・令和6年度版", date.min, 150),
    Layout(
        "令和8年度版",
        date(2026, 3, 25),
        150,
        {f.column: f.key for f in MASTER_FIELDS},
    ),
)


def layout_of(published: date) -> Layout:
    return [x for x in LAYOUTS if x.since <= published][-1]


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
        text, _ = decode(name, content)
    except EncodingError as error:
        raise MasterFileError(str(error)) from None
    layout = layout_of(published)
    rows = tuple(_rows(name, text, layout))
    return MasterFile(name, published, match["all"] is not None, rows, layout.name)


def _unzipped(name: str, content: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise MasterFileError(
                    f"{name}: expected one CSV inside, found {members}"
                )
            return archive.read(members[0])
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile):
        raise MasterFileError(
            f"{name}: not a whole zip file (truncated or damaged); download it again"
        ) from None


def _rows(name: str, text: str, layout: Layout) -> Iterable[MasterRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for line, fields in enumerate(reader, start=1):
            if fields:
                yield _row(name, line, fields, layout)
    except csv.Error as error:
        raise MasterFileError(
            f"{name}: line {reader.line_num}: not CSV as the master writes it ({error})"
        ) from None


def _row(name: str, line: int, fields: list[str], layout: Layout) -> MasterRow:
    if len(fields) != layout.fields:
        since = "" if layout.since == date.min else f", published from {layout.since}"
        raise MasterFileError(
            f"{name}: line {line} has {len(fields)} fields; the {layout.name} "
            f"layout{since} has {layout.fields}: a layout kaitei does not know "
            "(nothing was recorded)"
        )
    f = [x.strip() for x in fields]
    return MasterRow(
        line=line,
        kind=f[0],
        code=f[2],
        name=f[4],
        kana=f[6],
        unit_kind=f[10],
        value=f[11],
        changed_on=f[86],
        last_day=f[87],
        kubun=f[116] or _kubun(f[84], f[91], f[92]),
        raw=",".join(f'"{x}"' for x in fields),
        attributes=_attributes(f, layout),
    )


def _attributes(f: list[str], layout: Layout) -> dict[str, str] | None:
    """The layout's attribute columns that are not blank (blank: unchanged)."""
    if not layout.attributes:
        return None
    return {
        key: f[column - 1] for column, key in layout.attributes.items() if f[column - 1]
    }


def _kubun(alpha: str, number: str, branch: str) -> str:
    """区分番号 from コード表用番号: `A` + `000` + 枝番 `00` → A000; `02` → -2."""
    if not ("A" <= alpha <= "Z") or not number.isdigit():
        return ""
    kubun = f"{alpha}{int(number):03d}"
    return kubun + (f"-{int(branch)}" if branch.isdigit() and int(branch) else "")


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
