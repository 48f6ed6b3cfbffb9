"""What a row of the 医科診療行為マスター means (変更区分 → changes): the master's
rules, applied to what is recorded. Reading the file is the importer's job
(`service/importers/mhlw.py`); the format is in `shared/masters/README.md`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from domain.changes import Change
from domain.errors import MasterRowError
from domain.revisions import RevisionDraft
from domain.rulebook import RuleBook
from domain.timeline import ItemState, introduction

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
            raise MasterRowError(
                f"line {self.line} ({self.code}): "
                f"新又は現点数 {self.value!r} is not a number"
            ) from None


@dataclass(frozen=True)
class MasterFile:
    name: str
    published: date  # from the file name: record time in the world
    full: bool
    rows: tuple[MasterRow, ...]


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


SHOWN_PROBLEMS = 10


def refused(name: str, problems: list[str]) -> str:
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
        except MasterRowError as error:
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
        raise MasterRowError(refused(master.name, problems))
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


def _changes_of(
    row: MasterRow, book: RuleBook, full: bool, effective_from: date | None
) -> list[Change]:
    if row.kind == "1":
        return []  # a retraction: recorded as a correction (`retractions`)
    if row.kind == "9":
        if not row.last_day or row.last_day == STILL_VALID:
            raise MasterRowError(
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
    raise MasterRowError(f"line {row.line} ({row.code}): 変更区分 {row.kind!r} unknown")


def _introduced(row: MasterRow, day: date, state: ItemState | None) -> list[Change]:
    unit, value = row.unit(), row.amount()
    if unit is None or value is None or not row.name:
        raise MasterRowError(
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
        raise MasterRowError(
            f"line {row.line} ({row.code}): 変更 of a code never in force by {day}; "
            "import the full file and the earlier change files first"
        )
    last, amount = earlier[-1].state, row.amount()
    revived = replace(
        last,
        name=row.name or last.name,
        unit=row.unit() or last.unit,
        value=last.value if amount is None else amount,
        kubun=row.kubun or last.kubun,
    )
    return [introduction(revived, day, evidence=row.raw)]


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
