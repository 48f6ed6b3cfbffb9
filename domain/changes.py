"""One change a revision makes to one item (introduce, revise, abolish, ...), and
how every item field reads as JSON-ready data: written once, used by events,
rows, answers and CSV alike."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from functools import cache

from domain.rules import Exclusion, Grouping, Limit, rule_dict, rule_from_dict
from domain.vocabulary import Op


@dataclass(frozen=True)
class Change:
    """What one change says; fields an op does not use stay None."""

    op: Op
    code: str
    effective_from: date | None = None
    name: str | None = None
    unit: str | None = None
    value: Decimal | None = None
    addon_to: tuple[str, ...] | None = None
    limits: tuple[Limit, ...] | None = None
    exclusions: tuple[Exclusion, ...] | None = None
    groups: tuple[Grouping, ...] | None = None
    eligible_diseases: tuple[str, ...] | None = None
    kubun: str | None = None  # 区分番号 of a レセ電 code, e.g. A000
    attributes: tuple[str, ...] | None = None  # domain.master_fields
    kana: str | None = None  # the name's reading (省略カナ名称)
    evidence: str | None = None  # the source row (a master file line), verbatim
    text: str | None = None  # an interpretation (疑義解釈), as written
    until: date | None = None  # last day an interpretation's 経過措置 applies

    def effective_date(self, default: date) -> date:
        """The change's own date (a 経過措置) or its revision's."""
        return self.effective_from or default

    def given(self) -> dict[str, object]:
        """The fields this change sets, by name (None fields left out)."""
        held = vars(self)  # a plain dataclass: its fields, in their order
        return {name: held[name] for name in _change_fields() if held[name] is not None}


@cache
def _change_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Change))


RULE_TYPES: dict[str, type[Limit] | type[Exclusion] | type[Grouping]] = {
    "limits": Limit,
    "exclusions": Exclusion,
    "groups": Grouping,
}
DATE_FIELDS = frozenset({"effective_from", "until", "valid_from", "valid_to"})


def to_json(value: object) -> object:
    """A field's value as JSON-ready data: dates ISO, decimals as text, tuples as
    lists, rules as objects."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [
            rule_dict(x) if isinstance(x, Limit | Exclusion | Grouping) else x
            for x in value
        ]
    return value


def from_json(name: str, data: object) -> object:
    """The inverse of `to_json` for the field called `name`."""
    if data is None:
        return None
    if name in DATE_FIELDS:
        return date.fromisoformat(str(data))
    if name == "value":
        return Decimal(str(data))
    if name in RULE_TYPES:
        kind = RULE_TYPES[name]
        return tuple(rule_from_dict(kind, x) for x in data)  # type: ignore[attr-defined]
    if isinstance(data, list):
        return tuple(data)
    return data


def change_to_dict(change: Change) -> dict[str, object]:
    """A change as JSON-ready data (only the fields it sets)."""
    return {key: to_json(value) for key, value in change.given().items()}


def change_from_dict(data: dict[str, object]) -> Change:
    """The inverse of `change_to_dict`."""
    return Change(**{k: from_json(k, v) for k, v in data.items()})  # type: ignore[arg-type]
