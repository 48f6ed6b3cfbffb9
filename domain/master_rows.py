"""What a row of a 基本マスター (医科診療行為, 医薬品, 特定器材) means (変更区分 →
changes): the masters' shared rules, applied to what is recorded. Reading the
file is the importer's job (`service/importers/mhlw.py`); the format is in
`shared/masters/README.md`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from domain.changes import Change
from domain.errors import MasterRowError
from domain.master_fields import merged
from domain.publications import MASTER_TITLES
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
# 金額種別 (col 11) of the 医薬品 and 特定器材マスター: `1` 金額 (yen per the
# item's 単位); the other kinds (dental 点数, 減点, %加算 of a material) are kept
# as `kind_N` and not priced.
PRICE_UNITS = {"1": "yen"}
UNITS_OF = {"s": UNITS, "y": PRICE_UNITS, "t": PRICE_UNITS}
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
    # the layout's attribute columns that are not blank (domain.master_fields);
    # None in a layout without them
    attributes: Mapping[str, str] | None = field(default=None, compare=False)
    kana: str = ""  # col 7, 省略カナ名称 (half-width)
    master: str = "s"  # s 医科診療行為, y 医薬品, t 特定器材
    # the row says the code has no end (a full file's row without 廃止年月日, a
    # 医薬品 row clearing its 経過措置年月日): an abolition recorded after its
    # date no longer stands
    without_end: bool = False

    def unit(self) -> str | None:
        units = UNITS_OF[self.master]
        return (
            units.get(self.unit_kind, f"kind_{self.unit_kind}")
            if self.unit_kind
            else None
        )

    def models_anything(self) -> bool:
        """Whether the row sets a field kaitei models (name, value, unit,
        区分番号, attributes)."""
        fields_set = self.name or self.value or self.unit_kind or self.kubun
        return bool(fields_set or self.attributes)

    def ends(self) -> date | None:
        """The day after its 廃止年月日 (the first day not billable), if set."""
        if not self.last_day or self.last_day == STILL_VALID:
            return None
        return _day(self.last_day) + timedelta(days=1)

    def amount(self) -> Decimal | None:
        if not self.value:
            return None
        try:
            return Decimal(self.value)
        except InvalidOperation:
            raise MasterRowError(
                f"line {self.line} ({self.code}): col 12 "
                f"{'新又は現点数' if self.master == 's' else '新又は現金額'} "
                f"{self.value!r} is not a number"
            ) from None


@dataclass(frozen=True)
class MasterFile:
    name: str
    published: date  # from the file name: record time in the world
    full: bool
    rows: tuple[MasterRow, ...]
    layout: str = ""  # the name of the layout it was read by (令和8年度版)
    master: str = "s"  # s 医科診療行為, y 医薬品, t 特定器材

    def announced(self) -> date | None:
        """The latest 変更年月日 of the file's rows when it is after publication:
        the date of the 改定 the file belongs to; None when none is ahead."""
        days = [_day(r.changed_on) for r in self.rows if r.changed_on]
        latest = max(days, default=None)
        return latest if latest is not None and latest > self.published else None


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


SHOWN_PROBLEMS = 10


def refused(name: str, problems: list[str]) -> str:
    """The first problems in full and how many more: a file out of order can
    refuse thousands of rows, and one message should still be readable."""
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return f"{name}: {shown}" + (f"; and {more} more rows refused" if more > 0 else "")


@dataclass(frozen=True)
class MovedAbolition:
    """A `9` row republished with a later 廃止年月日: the abolition recorded from
    `earlier` is withdrawn (a correction of the file that said it) before this
    file abolishes the code from its new date."""

    code: str
    earlier: date  # the first day it was recorded as no longer billable
    line: int


def moved_abolitions(master: MasterFile, book: RuleBook) -> list[MovedAbolition]:
    """The `9` rows that move an abolition `book` holds to a later date, and
    the rows that say a code has no end where `book` ends it after the row's
    date (621498801: 経過措置 to 2025-09-30 set by y_20250630.csv, cleared by
    y_20250715.csv, in force in the full file of 2026-01-16)."""
    moved = [m for row in master.rows if (m := _unended(row, master, book))]
    for row in master.rows:
        if row.kind != "9" or not row.last_day or row.last_day == STILL_VALID:
            continue
        ends = _day(row.last_day) + timedelta(days=1)
        if book.on(row.code, ends - timedelta(days=1)) is not None:
            continue  # billable to its last day already
        ended = [i.valid_to for i in book.history(row.code) if i.valid_to]
        earlier = [day for day in ended if day < ends]
        if earlier and book.on(row.code, max(earlier)) is None:
            moved.append(MovedAbolition(row.code, max(earlier), row.line))
    return moved


def _unended(
    row: MasterRow, master: MasterFile, book: RuleBook
) -> MovedAbolition | None:
    if not row.without_end or row.kind in ("1", "9"):
        return None
    day = _day(row.changed_on) if row.changed_on else master.published
    if book.on(row.code, day) is None:
        return None  # not in force on its date: introduced (or revived) anew
    ends = [
        i.valid_to
        for i in book.history(row.code)
        if i.valid_to and i.valid_to > day and book.on(row.code, i.valid_to) is None
    ]
    # a full file is the state on its publication date: it withdraws an end
    # on or before it, not one announced for later (its rows say 99999999)
    if master.full:
        ends = [end for end in ends if end <= master.published]
    return MovedAbolition(row.code, min(ends), row.line) if ends else None


def master_revision(
    master: MasterFile,
    book: RuleBook,
    effective_from: date | None,
    kept: tuple[str, ...] | None = None,
) -> RevisionDraft:
    """The changes this file makes to what `book` holds; refuses naming rows.

    `effective_from` is the date for rows that carry no 変更年月日 and are not
    amendments of a pending change (those apply from the change's own date).
    `kept`: a full file's `not_in_file`, when the caller has it already."""
    changes: list[Change] = []
    undated: list[MasterRow] = []
    problems: list[str] = []
    # Abolitions first, so a code abolished and re-created in one file reads right.
    for row in sorted(master.rows, key=lambda r: r.kind != "9"):
        try:
            made = _changes_of(row, book, master, effective_from)
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
    missing = len(not_in_file(master, book) if kept is None else kept)
    note = f"; {missing} コードはファイルになく据え置き" if missing else ""
    title = MASTER_TITLES[master.master]
    return RevisionDraft(
        id=master.name,
        title=f"{title} {kind} {master.name} ({master.published} 公表{note})",
        source=master.name,
        status="enacted",
        effective_from=min(starts, default=master.published),
        changes=tuple(changes),
    )


# a code of each master (col 3): 診療行為 1 + 8 digits, 医薬品 6…, 特定器材 7…
MASTER_CODE = {
    "s": re.compile(r"^1\d{8}$"),
    "y": re.compile(r"^6\d{8}$"),
    "t": re.compile(r"^7\d{8}$"),
}


def not_in_file(master: MasterFile, book: RuleBook) -> tuple[str, ...]:
    """A full file's findings: the codes of its master `book` holds in force on its
    publication date or later that the file has no row for. They are kept as
    they are (never abolished by guess): a file of one chapter, or an excerpt,
    is safe to import."""
    if not master.full:
        return ()
    held = {r.code for r in master.rows}
    return tuple(
        code
        for code, history in sorted(book.by_code.items())
        if MASTER_CODE[master.master].match(code)
        and code not in held
        and (history[-1].valid_to is None or history[-1].valid_to > master.published)
    )


class _UndatedError(Exception):
    """A row needs a date the operator has not given."""


def _row_date(
    row: MasterRow, book: RuleBook, master: MasterFile, effective_from: date | None
) -> date:
    """The row's 変更年月日. Without one: the date of the code's pending change (a
    row amending what an earlier file published for a future date applies from
    that date); else the future date the file's dated rows announce (the 改定 it
    belongs to: s_20240321.csv's undated rows are part of the 2024-06-01
    revision); else the operator's date."""
    if row.changed_on:
        return _day(row.changed_on)
    published = master.published
    pending = [i.valid_from for i in book.history(row.code) if i.valid_from > published]
    if pending:
        return max(pending)
    announced = master.announced()
    if announced is not None:
        return announced
    if effective_from is None:
        raise _UndatedError
    return effective_from


def _changes_of(
    row: MasterRow, book: RuleBook, master: MasterFile, effective_from: date | None
) -> list[Change]:
    if row.kind == "1":
        return []  # a retraction: recorded as a correction (`retractions`)
    if master.full and row.kind in ("5", "9"):
        # a full file's row is the code's whole state whatever its 変更区分
        # (y_ALL20240321.zip keeps the 5 of a code's last change)
        row = replace(row, kind="0")
    if row.kind == "9":
        ends = row.ends()
        if ends is None:
            raise MasterRowError(
                f"line {row.line} ({row.code}): 廃止 without 廃止年月日"
            )
        return _abolished(row, ends, book)
    if (row.kind == "0" and not master.full) or not row.models_anything():
        return []  # the same as before, or only columns kaitei does not model
    day = _row_date(row, book, master, effective_from)
    found = book.on(row.code, day)
    state = found.state if found else None
    if row.kind in ("0", "3"):
        made = _introduced(row, day, state)
    elif row.kind == "5":
        made = _revived(row, day, book) if state is None else _amended(row, day, state)
    else:
        raise MasterRowError(
            f"line {row.line} ({row.code}): 変更区分 {row.kind!r} unknown"
        )
    ends = row.ends()  # a row with a last day (a 経過措置 end in a full file)
    if ends is not None and ends > day:
        made += _abolished(row, ends, book, introduced=state is None)
    return made


def _abolished(
    row: MasterRow, ends: date, book: RuleBook, introduced: bool = False
) -> list[Change]:
    """Abolished from `ends`, unless already out of force then (a republished
    row); `introduced`: the same row brings the code in first."""
    if not introduced and book.on(row.code, ends) is None:
        return []
    return [Change("abolish", row.code, ends, evidence=row.raw)]


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
                kana=row.kana or None,
                unit=unit,
                value=value,
                kubun=row.kubun or None,
                attributes=merged((), row.attributes) if row.attributes else None,
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
        kana=row.kana or last.kana,
        unit=row.unit() or last.unit,
        value=last.value if amount is None else amount,
        kubun=row.kubun or last.kubun,
        attributes=merged(last.attributes, row.attributes or {}),
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
    name, kana = row.name or state.name, row.kana or state.kana
    if name != state.name or kana != state.kana:
        changes.append(
            Change("rename", row.code, day, name=name, kana=kana, evidence=row.raw)
        )
    if row.kubun and row.kubun != state.kubun:
        changes.append(
            Change("reclassify", row.code, day, kubun=row.kubun, evidence=row.raw)
        )
    attributes = merged(state.attributes, row.attributes or {})
    if attributes != state.attributes:
        changes.append(
            Change(
                "set_attributes",
                row.code,
                day,
                attributes=attributes,
                evidence=row.raw,
            )
        )
    return changes
