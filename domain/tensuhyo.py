"""What a row of the 医科電子点数表 (支払基金) means: a 背反 row an exclusion, a
算定回数 row a limit, an 入院基本料 row (and an 入院料's group in the 補助
マスターテーブル) a grouping, on the item its code names, in force from its
新設年月日. Reading the files is the importer's job (`service/importers/
tensuhyo.py`); the columns are described in `shared/tensuhyo/README.md`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from domain.changes import Change
from domain.errors import TableRowError
from domain.revisions import RevisionDraft
from domain.rulebook import RuleBook
from domain.rules import Exclusion, Grouping, Limit, Rule
from domain.timeline import Interval
from domain.vocabulary import Keep, Per, Scope

SCOPE_OF: dict[str, Scope] = {
    "03-1": "day",  # 1日につき
    "03-2": "month",  # 同一月内
    "03-3": "same_time",  # 同時: the same date (claim lines carry no time)
    "03-4": "week",  # 1週間につき: the same 暦週, Sunday to Saturday
}
KEEP_OF: dict[str, Keep] = {"1": "this", "2": "other", "3": "first"}  # 背反区分
PER_OF: dict[str, Per] = {  # 算定単位コード (付表1) kaitei counts
    "121": "day",
    "138": "week",
    "131": "month",
    "142": "weeks_2",
    "143": "months_2",
    "144": "months_3",
    "145": "months_4",
    "146": "months_6",
    "147": "months_12",
    "148": "years_5",
    "53": "patient",
    "133": "admission",
    "132": "admission_first_day",
    "134": "discharge",
    "159": "first_visit",
    "135": "first_time",
}


@dataclass(frozen=True)
class TableRow:
    """One rule row: on `code`, from `since` (新設年月日)."""

    line: int
    code: str
    rule: Rule


@dataclass(frozen=True)
class Table:
    """One table file as read: its name (`03-2背反テーブル2`), its kind (`03-2`),
    its edition (the newest 新設 in it) and its rule rows."""

    name: str
    kind: str
    edition: date
    digest: str
    rows: tuple[TableRow, ...]

    @property
    def revision_id(self) -> str:
        return f"{self.name} {self.edition} {self.digest[:8]}"


def exclusion_row(
    table: str, kind: str, line: int, fields: Sequence[str], since: date
) -> TableRow:
    """A 背反 row: ① may not be billed with ② in the table's scope."""
    rule = Exclusion(
        code=fields[3],
        scope=SCOPE_OF[kind],
        keep=KEEP_OF[fields[5]],
        table=table,
        row=line,
        since=since,
        special=fields[6] == "1",
    )
    return TableRow(line, fields[1], rule)


def limit_row(table: str, line: int, fields: Sequence[str], since: date) -> TableRow:
    """A 算定回数 row: at most N per unit (a unit kaitei cannot count: unchecked)."""
    per = PER_OF.get(fields[3], "unchecked")
    rule = Limit(
        per=per,
        max=int(fields[5]),
        unit=fields[4],
        table=table,
        row=line,
        since=since,
        special=fields[6] == "1",
    )
    return TableRow(line, fields[1], rule)


def ward_row(table: str, line: int, fields: Sequence[str], since: date) -> TableRow:
    """A 補助マスターテーブル row of an 入院料: its 入院基本料識別 (field 20)."""
    rule = Grouping(group=fields[19], table=table, row=line, since=since)
    return TableRow(line, fields[1], rule)


def addon_row(table: str, line: int, fields: Sequence[str], since: date) -> TableRow:
    """An 入院基本料テーブル row: the 加算 goes with the group's 入院料, at most
    one of its 加算識別 a day."""
    rule = Grouping(
        group=fields[1], ident=int(fields[4]), table=table, row=line, since=since
    )
    return TableRow(line, fields[2], rule)


FIELD_OF: dict[type[Rule], tuple[str, str]] = {
    Exclusion: ("exclusions", "set_exclusions"),
    Limit: ("limits", "set_limits"),
    Grouping: ("groups", "set_groups"),
}


def table_revision(
    table: Table, book: RuleBook, ended_from: date | None
) -> tuple[RevisionDraft, list[str]]:
    """The changes that make the items carry this edition's rules, and the codes
    skipped because kaitei never recorded them (e.g. published after its data).

    A row applies from its 新設 (the item's start when later, or when 新設 is the
    table's floor). Rules of an earlier edition of the same table that this one
    drops or changes end on `ended_from` (required then)."""
    by_code: dict[str, list[TableRow]] = {}
    for row in table.rows:
        by_code.setdefault(row.code, []).append(row)
    changes: list[Change] = []
    skipped: list[str] = []
    for code, rows in sorted(by_code.items()):
        history = book.history(code)
        start = _run_start(history, table.edition)
        if start is None:
            skipped.append(code)
            continue
        dated = [(max(r.rule.since or start, start), _stamped(r, table)) for r in rows]
        changes += _code_changes(code, table, history, dated, ended_from, start)
    draft = RevisionDraft(
        id=table.revision_id,
        title=f"医科電子点数表 {table.name} ({table.edition} 版)",
        source=f"{table.name}.csv (医科電子点数表, 社会保険診療報酬支払基金; "
        f"{len(table.rows)} rows, newest 新設 {table.edition})",
        status="enacted",
        effective_from=table.edition,
        changes=tuple(changes),
    )
    return draft, skipped


def _stamped(row: TableRow, table: Table) -> Rule:
    return replace(row.rule, edition=table.edition)


def _run_start(history: Sequence[Interval], on: date) -> date | None:
    """The first day of the item's uninterrupted run that includes `on` (or its
    latest run, when it is not in force on `on`); None if never recorded."""
    if not history:
        return None
    ordered = sorted(history, key=lambda i: i.valid_from)
    current = next((i for i in ordered if i.valid_from <= on), ordered[0])
    for i in ordered:
        if i.valid_from <= on and (i.valid_to is None or on < i.valid_to):
            current = i
    start = current.valid_from
    for i in reversed(ordered):
        if i.valid_to == start:
            start = i.valid_from
    return start


def _code_changes(
    code: str,
    table: Table,
    history: Sequence[Interval],
    dated: list[tuple[date, Rule]],
    ended_from: date | None,
    run_start: date,
) -> list[Change]:
    """set_exclusions / set_limits / set_groups on each day the item's list
    must change: the rules of other sources as they are, this table's rules as
    dated. A rule of an earlier edition that this one repeats goes on as it
    was; one it drops or changes ends on `ended_from`, where a changed one
    starts again."""
    field, op = FIELD_OF[type(dated[0][1])]
    new = {_key(rule): (start, rule) for start, rule in dated}
    days = {start for start, _ in dated} | {i.valid_from for i in history}
    days |= {ended_from} if ended_from else set()
    changes = []
    for day in sorted(d for d in days if d >= run_start):
        now = _on(history, day)
        if now is None:
            continue
        held: tuple[Rule, ...] = getattr(now.state, field)
        mine_now = [rule for start, rule in new.values() if start <= day]
        wanted = [
            r
            for r in held
            if r.table != table.name
            and not (r.table is None and any(_says(rule, r) for rule in mine_now))
        ]
        carried = set()
        for old in (r for r in held if r.table == table.name):
            if _same_rule(old, new.get(_key(old), (day, None))[1]):
                wanted.append(old)
                carried.add(_key(old))
            elif ended_from is None:
                raise TableRowError(
                    f"{code}: a rule of an earlier edition ({old.table} line "
                    f"{old.row}) is dropped or changed by this one: give the day it "
                    "ends as effective_from (CLI --effective-from)"
                )
            elif day < ended_from:
                wanted.append(old)
                carried.add(_key(old))
        wanted += [
            rule
            for key, (start, rule) in new.items()
            if start <= day and key not in carried
        ]
        if set(wanted) != set(held):
            changes.append(Change(op, code, day, **{field: tuple(wanted)}))  # type: ignore[arg-type]
    return changes


def _key(rule: Rule) -> tuple[object, ...]:
    """A row's identity within its table: (②) for 背反, (unit) for 算定回数,
    (group) for 入院基本料."""
    if isinstance(rule, Exclusion):
        return ("exclusion", rule.table, rule.code)
    if isinstance(rule, Grouping):
        return ("group", rule.table, rule.group)
    return ("limit", rule.table, rule.per, rule.unit)


def _says(table_rule: Rule, typed: Rule) -> bool:
    """Whether a table rule says what a rule typed from a document says (the
    table's then stands for both; the document stays in the item's history)."""
    if isinstance(table_rule, Limit) and isinstance(typed, Limit):
        return (table_rule.per, table_rule.max) == (typed.per, typed.max)
    if isinstance(table_rule, Exclusion) and isinstance(typed, Exclusion):
        return (table_rule.code, table_rule.scope) == (typed.code, typed.scope)
    return False


def _same_rule(old: Rule, new: Rule | None) -> bool:
    """Whether a later edition says the same (its row and edition aside)."""
    if new is None:
        return False
    return replace(old, row=None, edition=None, since=None) == replace(
        new, row=None, edition=None, since=None
    )


def _on(history: Sequence[Interval], day: date) -> Interval | None:
    for interval in history:
        if interval.valid_from <= day and (
            interval.valid_to is None or day < interval.valid_to
        ):
            return interval
    return None
