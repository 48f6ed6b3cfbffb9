"""Reading MHLW 基本マスター files (支払基金): the 医科診療行為マスター (s_), the
医薬品マスター (y_) and the 特定器材マスター (t_): the file name, the zip, the
encoding (CP932 as published, UTF-8 as viewers re-save it), the layout of the
file's master and publication date. What a row means is
`domain.master_rows`; the format is in `docs/masters.md`."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from domain.master_fields import DRUG_FIELDS, MASTER_FIELDS, MATERIAL_FIELDS
from domain.master_rows import MasterFile, MasterRow
from domain.publications import MASTER_FILE_NAME, MASTER_TITLES
from service.textfiles import EncodingError, decode

FILE_NAME = MASTER_FILE_NAME


@dataclass(frozen=True)
class Core:
    """Where a master's modelled columns are (1-based): 3 the code, 5 the name,
    7 the kana, 11 the 点数識別/金額種別, 12 the value, then its 変更年月日 and
    廃止年月日, and for the 医薬品マスター the 経過措置年月日 (its last day
    billable, 34)."""

    changed_on: int
    last_day: int
    until: int | None = None


CORES = {"s": Core(87, 88), "y": Core(30, 31, 34), "t": Core(28, 30)}


@dataclass(frozen=True)
class Layout:
    """The columns of the files published from `since` on (the 支払基金 仕様 of
    that year): how many fields a row has, and which attribute columns it
    defines (1-based column → MasterField key)."""

    name: str
    since: date
    fields: int
    attributes: Mapping[int, str] = field(default_factory=dict)
    master: str = "s"
    tabs: bool = False  # a viewer's re-save: tab-separated, no quotes


def _columns(fields: tuple[object, ...], upto: int) -> dict[int, str]:
    return {f.column: f.key for f in fields if f.column <= upto}  # type: ignore[attr-defined]


# A file is read by the newest layout of its master whose `since` is on or
# before its publication. The 令和8年度版 of the 医科 master defines cols
# 132–137 (予備 before); the viewer kohii/medi-xplorer applies it to
# publications from 2026-03-25 on (shared/masters/README.md, last part). The
# 医薬品マスター grew from 40 to 42 fields with the change files of 2024-09
# (長期収載品の選定療養: y_20240906.csv is the first of 42); its full file of
# 2026-01-16 comes as the viewer ships it, the first 31 fields tab-separated.
LAYOUTS = (
    Layout("令和4年度版・令和6年度版", date.min, 150),
    Layout("令和8年度版", date(2026, 3, 25), 150, _columns(MASTER_FIELDS, 150)),
    Layout("令和6年度版", date.min, 40, _columns(DRUG_FIELDS, 40), "y"),
    Layout(
        "令和6年度版（選定療養 42 項目）",
        date(2024, 9, 6),
        42,
        _columns(DRUG_FIELDS, 42),
        "y",
    ),
    Layout("令和6年度版", date.min, 38, _columns(MATERIAL_FIELDS, 38), "t"),
)
VIEWER_LAYOUTS = {
    "y": Layout(
        "ビューア再保存（先頭 31 項目, タブ区切り）",
        date.min,
        31,
        _columns(DRUG_FIELDS, 31),
        "y",
        tabs=True,
    ),
}


def layout_of(published: date, master: str = "s", ext: str = "csv") -> Layout:
    if ext == "tsv":
        if master not in VIEWER_LAYOUTS:
            raise MasterFileError(
                f"a .tsv of the {MASTER_TITLES[master]} is not a layout kaitei knows",
                "filename",
            )
        return VIEWER_LAYOUTS[master]
    return [x for x in LAYOUTS if x.master == master and x.since <= published][-1]


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
            f"{name}: not a 基本マスター file name (s_, y_ or t_ for the 医科診療行為, "
            "医薬品 or 特定器材マスター: s_ALLYYYYMMDD.zip|csv, s_YYYYMMDD.csv)",
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
    layout = layout_of(published, match["master"], match["ext"])
    full = match["all"] is not None
    rows = tuple(_rows(name, text, layout, full))
    return MasterFile(name, published, full, rows, layout.name, match["master"])


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


def _rows(name: str, text: str, layout: Layout, full: bool) -> Iterable[MasterRow]:
    if layout.tabs:
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
        )
    else:
        reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for line, fields in enumerate(reader, start=1):
            if fields:
                yield _row(name, line, fields, layout, full)
    except csv.Error as error:
        raise MasterFileError(
            f"{name}: line {reader.line_num}: not CSV as the master writes it ({error})"
        ) from None


def _row(
    name: str, line: int, fields: list[str], layout: Layout, full: bool
) -> MasterRow:
    if len(fields) != layout.fields:
        since = "" if layout.since == date.min else f", published from {layout.since}"
        raise MasterFileError(
            f"{name}: line {line} has {len(fields)} fields; the {layout.name} "
            f"layout{since} has {layout.fields}: a layout kaitei does not know "
            "(nothing was recorded)"
        )
    f = [x.strip() for x in fields]
    core = CORES[layout.master]
    return MasterRow(
        line=line,
        kind=f[0],
        code=f[2],
        name=f[4],
        kana=f[6],
        unit_kind=f[10],
        value=f[11],
        changed_on=_date_text(f[core.changed_on - 1]),
        last_day=_last_day(f, core),
        kubun=(f[116] or _kubun(f[84], f[91], f[92])) if layout.master == "s" else "",
        raw=",".join(f'"{x}"' for x in fields),
        attributes=_attributes(f, layout),
        master=layout.master,
        without_end=_without_end(f, core, full),
    )


def _without_end(f: list[str], core: Core, full: bool) -> bool:
    """Whether the row says the code has no end: a full file's row without a
    廃止年月日, or a 医薬品 row that clears its 経過措置年月日 ("0")."""
    last = _date_text(f[core.last_day - 1]) if core.last_day <= len(f) else ""
    if last and last != "99999999":
        return False
    if full:
        return True
    until = f[core.until - 1] if core.until and core.until <= len(f) else ""
    return bool(until) and until.strip("0") == ""


def _date_text(text: str) -> str:
    """A date column as YYYYMMDD, or blank: "0" and "00000000" say none."""
    return "" if text.strip("0") == "" else text


def _last_day(f: list[str], core: Core) -> str:
    """The 廃止年月日, else (医薬品) the 経過措置年月日: a drug taken off the 薬価基準
    is billable until its 経過措置 date and not after (its 廃止年月日 stays
    99999999: y_ALL20240321.zip's 329 drugs of 経過措置 2025-03-31 have no 廃止
    row, and are absent from the full file of 2026-01-16)."""
    last = _date_text(f[core.last_day - 1]) if core.last_day <= len(f) else ""
    if (last and last != "99999999") or core.until is None or core.until > len(f):
        return last
    until = _date_text(f[core.until - 1])
    return until or last


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
