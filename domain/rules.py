"""Billing-rule value objects an item carries: limits (算定回数), exclusions
(背反) and 入院基本料 groups. A rule typed from a document has only its core
fields; a rule imported from the 医科電子点数表 also names its table, row,
新設年月日 and 特例条件."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from domain.vocabulary import Keep, Per, Scope


@dataclass(frozen=True, kw_only=True)
class Provenance:
    """Where an imported rule is written: the table file, its row (line), the
    row's 新設年月日 and the edition (the table's newest 新設)."""

    table: str | None = None
    row: int | None = None
    since: date | None = None
    edition: date | None = None
    special: bool = False  # 特例条件 1: a person must check the exception


@dataclass(frozen=True)
class Limit(Provenance):
    """A count cap (算定回数): at most `max` per `per`. `unit` is the table's
    算定単位名称 when `per` is a unit kaitei cannot count from claims."""

    per: Per
    max: int
    unit: str | None = None


@dataclass(frozen=True)
class Exclusion(Provenance):
    """Not billable together with `code` within the same `scope`. `keep` says
    which is billed when both are: `this` item, the `other`, or the `first`."""

    code: str
    scope: Scope
    keep: Keep = "first"


@dataclass(frozen=True)
class Grouping(Provenance):
    """入院基本料テーブル: with no `ident` the item is an 入院料 of `group` (補助
    マスターテーブル field 20); with one, an 入院基本料等加算 allowed with that
    group's 入院料, at most one 加算 a day per 加算識別 `ident`."""

    group: str
    ident: int | None = None


Rule = Limit | Exclusion | Grouping
CORE = {"per", "max", "code", "scope", "group"}
TABLE_BEGAN = date(2010, 4, 1)  # 新設 20100401: "since the table began", a floor


def rule_dict(rule: Rule) -> dict[str, object]:
    """A rule as JSON data: its core fields, and the others only when set."""
    out: dict[str, object] = {}
    for name, default, core in _fields_of(type(rule)):
        value = getattr(rule, name)
        if core or value != default:
            out[name] = value.isoformat() if isinstance(value, date) else value
    return out


_FIELDS: dict[type, tuple[tuple[str, object, bool], ...]] = {}


def _fields_of(kind: type) -> tuple[tuple[str, object, bool], ...]:
    """A rule type's fields as (name, default, core), read once a type: a bundle
    load writes a million rules."""
    found = _FIELDS.get(kind)
    if found is None:
        found = tuple((f.name, f.default, f.name in CORE) for f in fields(kind))
        _FIELDS[kind] = found
    return found


def rule_from_dict(
    kind: type[Limit] | type[Exclusion] | type[Grouping], data: dict[str, object]
) -> Rule:
    """The inverse of `rule_dict`."""
    given = dict(data)
    for name in ("since", "edition"):
        if isinstance(given.get(name), str):
            given[name] = date.fromisoformat(str(given[name]))
    return kind(**given)  # type: ignore[arg-type]
