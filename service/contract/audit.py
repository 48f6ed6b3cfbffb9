"""History entries, schedule diffs, recorded events and the chain's verdict as
JSON data: what `/items/{code}/history`, `/changes`, `/schedule/diff`,
`/audit/verify` and the CLI's `--json` answer."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal

from domain.changes import to_json
from domain.timeline import ItemState
from service.application.results import (
    FieldChange,
    HistoryEntry,
    RecordedEvent,
    Verification,
)
from service.contract.fields import number

Json = str | int | float | list[object] | dict[str, object] | None


def field_json(value: object) -> Json:
    """One item field's value as the API shows it (numbers as numbers)."""
    if isinstance(value, Decimal):
        return number(value)
    return to_json(value)  # type: ignore[return-value]


def state_json(state: ItemState | None, names: tuple[str, ...]) -> Json:
    if state is None:
        return None
    return {name: field_json(getattr(state, name)) for name in names}


def history_json(entry: HistoryEntry) -> dict[str, object]:
    out: dict[str, object] = {
        "code": entry.code,
        "effective_from": entry.effective_from.isoformat(),
        "recorded_at": entry.recorded_at.isoformat(),
        "revision": entry.revision,
        "source": entry.source,
        "recorded_by": entry.recorded_by,
        "op": entry.op,
        "before": state_json(entry.before, entry.fields),
        "after": state_json(entry.after, entry.fields),
        "status": entry.status,
        "position": entry.position,
    }
    if entry.text:
        out["text"] = entry.text
    if entry.until:
        out["until"] = entry.until.isoformat()
    if entry.retracted_at:
        out["retracted_at"] = entry.retracted_at.isoformat()
    if entry.revision_name:
        out["revision_name"] = entry.revision_name
    return out


def field_change_json(change: FieldChange) -> dict[str, object]:
    return {
        "code": change.code,
        "name": change.name,
        "field": change.field,
        "before": field_json(change.before),
        "after": field_json(change.after),
        "revision": change.revision,
        "source": change.source,
        "valid_from": change.valid_from.isoformat(),
    }


def event_json(event: RecordedEvent) -> dict[str, object]:
    out = {k: _iso(v) for k, v in asdict(event).items() if v is not None}
    out.setdefault("version", None)
    out.setdefault("recorded_at", None)
    return out


def verification_json(verdict: Verification) -> dict[str, object]:
    out: dict[str, object] = {"ok": verdict.ok, "events": verdict.events}
    if verdict.first_bad is not None:
        bad = asdict(verdict.first_bad)
        out["first_bad"] = {k: v for k, v in bad.items() if v is not None}
    return out


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value
