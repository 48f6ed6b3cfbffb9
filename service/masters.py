"""MHLW 医科診療行為マスター files (基本マスター, 支払基金) read as revisions.

A full file (`s_ALL20220218.zip`) seeds the state; each change file
(`s_20220304.csv`) becomes one revision named after the file. Rows are compared
with what is already recorded, so a row republished in a later file, or a file
imported twice, records nothing new. Format: `shared/masters/README.md`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from domain.changes import Change
from domain.errors import DomainError
from domain.revisions import RevisionDraft
from domain.rulebook import RuleBook
from domain.timeline import ItemState

FILE_NAME = re.compile(r"^s_(?P<all>ALL)?(?P<published>\d{8})\.(?P<ext>csv|zip)$")
FIELDS = 150
# 点数識別 (col 11): how the value (col 12) reads.
UNITS = {
    "1": "yen",
    "3": "point",
    "4": "point",
    "5": "percent_add",
    "6": "percent_sub",
    "7": "point_reduction",
    "8": "point_minus",
}
STILL_VALID = "99999999"


class MasterFileError(ValueError):
    """The file cannot be imported as it is; says which rows and why."""

    def __init__(self, message: str, field: str = "body") -> None:
        super().__init__(message)
        self.field = field  # "filename" when the name is at fault, else "body"


class MasterOrderError(DomainError):
    """A master file older than one already imported: order matters."""


@dataclass(frozen=True)
class MasterRow:
    """The columns of one row kaitei models, and the row itself as evidence."""

    line: int
    kind: str  # 変更区分 (col 1): 0 同じ, 1 抹消, 3 新規, 5 変更, 9 廃止
    code: str  # col 3
    name: str  # col 5, 省略漢字名称
    unit_kind: str  # col 11, 点数識別
    value: str  # col 12
    changed_on: str  # col 87, 変更年月日
    last_day: str  # col 88, 廃止年月日 (last valid day, inclusive)
    kubun: str  # col 117, or cols 85 + 92 + 93
    raw: str

    def unit(self) -> str | None:
        return (
            UNITS.get(self.unit_kind, f"kind_{self.unit_kind}")
            if self.unit_kind
            else None
        )

    def amount(self) -> Decimal | None:
        if not self.value:
            return None
        try:
            return Decimal(self.value)
        except InvalidOperation:
            raise MasterFileError(
                f"line {self.line} ({self.code}): "
                f"新又は現点数 {self.value!r} is not a number"
            ) from None


@dataclass(frozen=True)
class MasterFile:
    name: str
    published: date  # from the file name: record time in the world
    full: bool
    rows: tuple[MasterRow, ...]


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


SHOWN_PROBLEMS = 10


def _refused(name: str, problems: list[str]) -> str:
    """The first problems in full and how many more: a file out of order can
    refuse thousands of rows, and one message should still be readable."""
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return f"{name}: {shown}" + (f"; and {more} more rows refused" if more > 0 else "")


def master_revision(
    master: MasterFile, book: RuleBook, effective_from: date | None
) -> RevisionDraft:
    """The changes this file makes to what `book` holds; refuses naming rows.

    `effective_from` is the date for rows that carry no 変更年月日."""
    changes: list[Change] = []
    undated: list[MasterRow] = []
    problems: list[str] = []
    # Abolitions first, so a code abolished and re-created in one file reads right.
    for row in sorted(master.rows, key=lambda r: r.kind != "9"):
        try:
            made = _changes_of(row, book, master.full, effective_from)
        except _UndatedError:
            undated.append(row)
            continue
        except MasterFileError as error:
            problems.append(str(error))
            continue
        changes += made
    if undated:
        lines = ", ".join(f"line {r.line} ({r.code})" for r in undated[:10])
        more = f" and {len(undated) - 10} more" if len(undated) > 10 else ""
        problems.insert(
            0,
            f"{len(undated)} rows have no 変更年月日 ({lines}{more}): give their "
            "date as effective_from (CLI --effective-from), the date of the 告示/通知 "
            "the file belongs to, or `published` for the file's publication date",
        )
    if problems:
        raise MasterFileError(_refused(master.name, problems))
    starts = [c.effective_from for c in changes if c.effective_from]
    kind = "全件" if master.full else "変更"
    return RevisionDraft(
        id=master.name,
        title=f"医科診療行為マスター {kind} {master.name} ({master.published} 公表)",
        source=master.name,
        status="enacted",
        effective_from=min(starts, default=master.published),
        changes=tuple(changes),
    )


class _UndatedError(Exception):
    """A row needs a date the operator has not given."""


def retractions(
    master: MasterFile, recorded: list[dict[str, object]]
) -> list[tuple[str, list[str], list[dict[str, object]]]]:
    """For each earlier master revision that published codes this file's 抹消 rows
    retract: (revision id, those codes, what the revision says without them).

    One entry per revision, so two retractions of one file's codes both hold. A
    code this file already retracted (its corrections were recorded, the file
    itself not: the process stopped between the saves) is skipped, so the file
    can be imported again. `recorded` are the view's revision rows of master
    files, oldest first."""
    out: dict[str, tuple[list[str], list[dict[str, object]]]] = {}
    problems = []
    for row in (r for r in master.rows if r.kind == "1"):
        publishing = [
            r
            for r in recorded
            if any(c["code"] == row.code for c in r["changes"])  # type: ignore[attr-defined]
        ]
        if not publishing:
            if not _retracted_by(master.name, row.code, recorded):
                problems.append(
                    f"line {row.line} ({row.code}): 抹消 of a code no imported "
                    "master file published"
                )
            continue
        latest = publishing[-1]
        codes, remaining = out.setdefault(
            str(latest["revision_id"]),
            ([], list(latest["changes"])),  # type: ignore[call-overload]
        )
        codes.append(row.code)
        remaining[:] = [c for c in remaining if c["code"] != row.code]
    if problems:
        raise MasterFileError(_refused(master.name, problems))
    return [(rid, codes, remaining) for rid, (codes, remaining) in out.items()]


def retraction_reason(name: str, codes: list[str]) -> str:
    return f"抹消 of {', '.join(codes)} in {name}"


def _retracted_by(name: str, code: str, recorded: list[dict[str, object]]) -> bool:
    """Whether a correction recorded from file `name` retracted `code`."""
    for revision in recorded:
        for correction in json.loads(str(revision.get("corrections") or "[]")):
            said = correction["reason"]
            if correction["source"] == name and said.startswith("抹消 of "):
                codes = said.removeprefix("抹消 of ").rsplit(" in ", 1)[0]
                if code in codes.split(", "):
                    return True
    return False


def _changes_of(
    row: MasterRow, book: RuleBook, full: bool, effective_from: date | None
) -> list[Change]:
    if row.kind == "1":
        return []  # a retraction: recorded as a correction (`retractions`)
    if row.kind == "9":
        if not row.last_day or row.last_day == STILL_VALID:
            raise MasterFileError(
                f"line {row.line} ({row.code}): 廃止 without 廃止年月日"
            )
        ends = _day(row.last_day) + timedelta(days=1)
        if book.on(row.code, ends) is None:
            return []  # not in force then: already abolished (a republished row)
        return [Change("abolish", row.code, ends, evidence=row.raw)]
    if row.kind == "0" and not full:
        return []
    if not row.changed_on:
        if effective_from is None:
            raise _UndatedError
        day = effective_from
    else:
        day = _day(row.changed_on)
    found = book.on(row.code, day)
    state = found.state if found else None
    if row.kind in ("0", "3"):
        return _introduced(row, day, state)
    if row.kind == "5":
        if state is None:
            return _revived(row, day, book)
        return _amended(row, day, state)
    raise MasterFileError(
        f"line {row.line} ({row.code}): 変更区分 {row.kind!r} unknown"
    )


def _introduced(row: MasterRow, day: date, state: ItemState | None) -> list[Change]:
    unit, value = row.unit(), row.amount()
    if unit is None or value is None or not row.name:
        raise MasterFileError(
            f"line {row.line} ({row.code}): 新規 without name or value"
        )
    if state is None:
        return [
            Change(
                "introduce",
                row.code,
                day,
                name=row.name,
                unit=unit,
                value=value,
                kubun=row.kubun or None,
                evidence=row.raw,
            )
        ]
    return _amended(row, day, state)  # republished, or re-published with changes


def _revived(row: MasterRow, day: date, book: RuleBook) -> list[Change]:
    """A 変更 row for a code not in force that day: the master puts it back in
    force (e.g. 113033650, abolished 2022-03-31, 変更 from 2023-03-01 in
    s_20230227.csv), as it last was with this row's fields changed."""
    earlier = [i for i in book.history(row.code) if i.valid_from <= day]
    if not earlier:
        raise MasterFileError(
            f"line {row.line} ({row.code}): 変更 of a code never in force by {day}; "
            "import the full file and the earlier change files first"
        )
    last = earlier[-1].state
    return [
        Change(
            "introduce",
            row.code,
            day,
            name=row.name or last.name,
            unit=row.unit() or last.unit,
            value=row.amount() if row.value else last.value,
            addon_to=last.addon_to,
            limits=last.limits,
            exclusions=last.exclusions,
            eligible_diseases=last.eligible_diseases,
            kubun=row.kubun or last.kubun,
            evidence=row.raw,
        )
    ]


def _amended(row: MasterRow, day: date, state: ItemState) -> list[Change]:
    """Only the non-empty fields of a 変更 row change anything."""
    changes = []
    value, unit = row.amount(), row.unit()
    if value is not None and (value != state.value or (unit and unit != state.unit)):
        changes.append(
            Change("revise", row.code, day, unit=unit, value=value, evidence=row.raw)
        )
    if row.name and row.name != state.name:
        changes.append(Change("rename", row.code, day, name=row.name, evidence=row.raw))
    if row.kubun and row.kubun != state.kubun:
        changes.append(
            Change("reclassify", row.code, day, kubun=row.kubun, evidence=row.raw)
        )
    return changes
