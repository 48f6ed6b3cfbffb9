"""How intervals, facts and revisions are laid out as rows of the read model."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.changes import change_from_dict, change_to_dict
from domain.rules import Exclusion, Limit
from domain.timeline import Fact, Interval, ItemState

INTERVAL_COLUMNS = (
    "code",
    "valid_from",
    "valid_to",
    "name",
    "unit",
    "value",
    "addon_to",
    "limits",
    "exclusions",
    "eligible_diseases",
    "kubun",
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
        state.name,
        state.unit,
        str(state.value),
        json.dumps(list(state.addon_to), ensure_ascii=False),
        json.dumps([vars(x) for x in state.limits]),
        json.dumps([vars(x) for x in state.exclusions], ensure_ascii=False),
        json.dumps(list(state.eligible_diseases)),
        state.kubun,
        interval.revision,
        interval.source,
    )


def interval_from_row(row: Row) -> Interval:
    state = ItemState(
        code=row["code"],
        name=row["name"],
        unit=row["unit"],
        value=Decimal(row["value"]),
        addon_to=tuple(json.loads(row["addon_to"])),
        limits=tuple(Limit(**x) for x in json.loads(row["limits"])),
        exclusions=tuple(Exclusion(**x) for x in json.loads(row["exclusions"])),
        eligible_diseases=tuple(json.loads(row["eligible_diseases"])),
        kubun=row["kubun"],
    )
    valid_to = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
    return Interval(
        date.fromisoformat(row["valid_from"]),
        valid_to,
        state,
        row["revision"],
        row["source"],
    )


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
