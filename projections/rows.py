"""How intervals, facts and revisions are laid out as rows of the read model."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from domain.changes import change_from_dict, change_to_dict, from_json, to_json
from domain.timeline import Fact, Interval, ItemState

# An item's columns are its state's fields (ItemState), each as text; lists and
# rules as JSON text.
ITEM_FIELDS = {f.name: str(f.type) for f in fields(ItemState) if f.name != "code"}
JSON_FIELDS = frozenset(n for n, t in ITEM_FIELDS.items() if t.startswith("tuple"))
NULLABLE_FIELDS = frozenset(n for n, t in ITEM_FIELDS.items() if "None" in t)
INTERVAL_COLUMNS = (
    "code",
    "valid_from",
    "valid_to",
    *ITEM_FIELDS,
    "revision",
    "source",
)
Row = Mapping[str, Any]


def instant(moment: datetime) -> str:
    """A record-time instant as fixed-width UTC text, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def interval_row(interval: Interval) -> tuple[str | None, ...]:
    state = interval.state
    return (
        state.code,
        interval.valid_from.isoformat(),
        interval.valid_to.isoformat() if interval.valid_to else None,
        *(_column(name, getattr(state, name)) for name in ITEM_FIELDS),
        interval.revision,
        interval.source,
    )


def _column(name: str, value: object) -> str | None:
    if name in JSON_FIELDS:
        return _json_text(value)
    value = to_json(value)
    return None if value is None else str(value)


@lru_cache(maxsize=1 << 16)
def _json_text(value: tuple[object, ...]) -> str:
    """A list or rule field's JSON text, written once for equal values: an item's
    rules seldom change between its intervals, and a bundle load writes each
    item's rows again at every change (a million rules; the fields are typed, so
    equal values write equal text)."""
    return json.dumps(to_json(value), ensure_ascii=False)


def interval_from_row(row: Row) -> Interval:
    given = {
        name: _read(name, row[name])
        if name in JSON_FIELDS
        else from_json(name, row[name])
        for name in ITEM_FIELDS
    }
    valid_to = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
    return Interval(
        date.fromisoformat(row["valid_from"]),
        valid_to,
        ItemState(code=row["code"], **given),  # type: ignore[arg-type]
        row["revision"],
        row["source"],
    )


# A rule list's text read once: the bundle's 37,523 interval rows hold ~4,700
# distinct exclusion lists (an item's lists seldom change between intervals).
# The values are immutable tuples of frozen rules, so intervals share them.
_READ: dict[tuple[str, str], object] = {}


def _read(name: str, text: str | None) -> object:
    if text is None:
        return None
    found = _READ.get((name, text))
    if found is None:
        found = _READ[(name, text)] = from_json(name, json.loads(text))
    return found


def fact_row(fact: Fact) -> tuple[str, str, str, str, str]:
    change = json.dumps(change_to_dict(fact.change), ensure_ascii=False)
    return (
        fact.change.op,
        fact.effective_from.isoformat(),
        fact.revision,
        fact.source,
        change,
    )


def fact_from_row(row: Row) -> Fact:
    return Fact(
        change_from_dict(json.loads(row["change"])),
        date.fromisoformat(row["effective_from"]),
        row["revision"],
        row["source"],
    )
