"""The diff a clerk downloads: one row an item and field, by 区分番号 and 章,
values as plain numbers with their unit in a column of its own, each change
named by its revision and publication date; rule changes as one row for each
pair (背反, 算定回数, 入院基本料, 対象疾患, 加算の基本項目) added or removed. No
JSON in a cell; CSV in UTF-8 with a BOM (CRLF) or CP932 for tools that want
Shift_JIS. The API, the CLI and the diff page filter and write it alike."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.master_fields import as_map
from domain.publications import published_on
from domain.rulebook import RuleBook
from domain.rules import Exclusion, Grouping, Limit
from service.application.results import Diff, FieldChange
from service.contract.fields import number
from service.contract.sheets import sheet_bytes

CHAPTERS = {
    "A": "A 基本診療料",
    "B": "B 医学管理等",
    "C": "C 在宅医療",
    "D": "D 検査",
    "E": "E 画像診断",
    "F": "F 投薬",
    "G": "G 注射",
    "H": "H リハビリテーション",
    "I": "I 精神科専門療法",
    "J": "J 処置",
    "K": "K 手術",
    "L": "L 麻酔",
    "M": "M 放射線治療",
    "N": "N 病理診断",
    "O": "O その他",
    "-": "区分番号なし（医薬品・特定器材・食事療養・標準負担額など）",
}
KINDS = {"added": "新設", "abolished": "廃止", "changed": "変更"}
RULE_FIELDS = ("limits", "exclusions", "groups", "eligible_diseases", "addon_to")
MAX_CELL = 32_767  # Excel's longest cell


@dataclass(frozen=True)
class DiffRow:
    """One item, or one field of one item, that differs between two dates."""

    kind: str  # added | abolished | changed
    code: str
    kubun: str
    name: str
    field: str  # "" for an item added or abolished
    before: object  # a value as it reads (Decimal, text), or None
    after: object
    unit: str
    revision: str

    @property
    def chapter(self) -> str:
        return self.kubun[:1] if self.kubun[:1] in CHAPTERS else "-"


def diff_rows(found: Diff, book: RuleBook, end: date) -> list[DiffRow]:
    """Every row of the diff, by 区分番号 then code (`book`: the 区分番号 and
    unit of a changed item on `end`)."""
    rows = [
        DiffRow(
            kind,
            i.state.code,
            i.state.kubun or "",
            i.state.name,
            "",
            None if kind == "added" else i.state.value,
            None if kind == "abolished" else i.state.value,
            i.state.unit,
            i.revision,
        )
        for kind, items in (("added", found.added), ("abolished", found.abolished))
        for i in items
    ]
    for change in found.changed:
        now = book.on(change.code, end)
        state = now.state if now else None
        rows.append(
            DiffRow(
                "changed",
                change.code,
                (state.kubun or "") if state else "",
                change.name,
                change.field,
                _plain(change.before),
                _plain(change.after),
                state.unit if state and change.field == "value" else "",
                change.revision,
            )
        )
    return sorted(rows, key=lambda r: (r.kubun or "~", r.code, r.kind))


def wanted(row: DiffRow, chapter: str = "", kind: str = "", q: str = "") -> bool:
    """A row a filter keeps: its 章, kind of change, code, 区分番号 or name part."""
    return (
        (not chapter or row.chapter == chapter)
        and (not kind or row.kind == kind)
        and (
            not q or q in row.name or row.code.startswith(q) or row.kubun.startswith(q)
        )
    )


SHEET_HEADER = (
    "kubun",
    "chapter",
    "change",
    "code",
    "name",
    "field",
    "before",
    "after",
    "unit",
    "revision",
    "published",
)


def diff_sheet(rows: Iterable[DiffRow], encoding: str = "utf-8") -> bytes:
    """The rows as a spreadsheet opens them: added, abolished, then changed,
    each by 区分番号."""
    order = list(KINDS)
    rows = sorted(rows, key=lambda r: order.index(r.kind))
    return _sheet(
        SHEET_HEADER,
        (
            (
                r.kubun,
                r.chapter,
                r.kind,
                r.code,
                r.name,
                r.field,
                _cell(r.before),
                _cell(r.after),
                r.unit,
                r.revision,
                published_on(r.revision) or "",
            )
            for r in rows
        ),
        encoding,
    )


@dataclass(frozen=True)
class RuleRow:
    """One rule of one item added or removed between the two dates."""

    code: str
    kubun: str
    name: str
    rule: str  # limits | exclusions | groups | eligible_diseases | addon_to
    change: str  # added | removed
    other: str  # the other code, the disease, the group
    detail: str  # scope, per and max, 加算識別
    table: str
    row: int | None
    revision: str


def changed_codes(found: Diff) -> list[str]:
    """The codes whose 区分番号 and unit a diff's rows look up (a rule book of
    these alone, when it is read as of a past moment)."""
    return sorted({c.code for c in found.changed})


def rule_rows(
    changed: Sequence[FieldChange], book: RuleBook, end: date
) -> list[RuleRow]:
    """Each rule of a changed rule field added or removed, one row a pair."""
    out = []
    for change in changed:
        if change.field not in RULE_FIELDS:
            continue
        before = list(change.before or ())  # type: ignore[call-overload]
        after = list(change.after or ())  # type: ignore[call-overload]
        now = book.on(change.code, end)
        kubun = (now.state.kubun or "") if now else ""
        for side, rules in (
            ("removed", [r for r in before if r not in after]),
            ("added", [r for r in after if r not in before]),
        ):
            out += [
                RuleRow(
                    change.code,
                    kubun,
                    change.name,
                    change.field,
                    side,
                    *_described(rule),
                    change.revision,
                )
                for rule in rules
            ]
    return out


RULE_HEADER = (
    "kubun",
    "code",
    "name",
    "rule",
    "change",
    "other",
    "detail",
    "table",
    "row",
    "revision",
)


def rules_sheet(rows: Iterable[RuleRow], encoding: str = "utf-8") -> bytes:
    return _sheet(
        RULE_HEADER,
        (
            (
                r.kubun,
                r.code,
                r.name,
                r.rule,
                r.change,
                r.other,
                r.detail,
                r.table,
                "" if r.row is None else r.row,
                r.revision,
            )
            for r in rows
        ),
        encoding,
    )


def _described(rule: object) -> tuple[str, str, str, int | None]:
    """(the other side, the rest in words, its table, its row)."""
    if isinstance(rule, Exclusion):
        keep = f" keep={rule.keep}" if rule.keep != "first" else ""
        return rule.code, f"{rule.scope}{keep}", rule.table or "", rule.row
    if isinstance(rule, Limit):
        unit = f" ({rule.unit})" if rule.unit else ""
        return "", f"{rule.max}/{rule.per}{unit}", rule.table or "", rule.row
    if isinstance(rule, Grouping):
        ident = "" if rule.ident is None else f"加算識別 {rule.ident}"
        return rule.group, ident, rule.table or "", rule.row
    return str(rule), "", "", None


def _plain(value: object) -> object:
    """A field's value as a cell reads it: numbers, text, a count of rules,
    attributes as key=value."""
    if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
        if all("=" in v for v in value):
            return " ".join(f"{k}={v}" for k, v in as_map(value).items())
        return " ".join(value)
    if isinstance(value, tuple):
        return f"{len(value)} 件"
    return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return number(value)
    text = str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _sheet(
    header: Sequence[str], rows: Iterable[Sequence[object]], encoding: str
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return sheet_bytes(out.getvalue(), encoding)
