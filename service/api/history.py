"""History entries, changes in a window and schedule diffs, as JSON-ready data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from domain.changes import Change
from domain.timeline import STATE_FIELD_ORDER, STATE_FIELDS, Interval, ItemState, steps
from projections.rows import from_instant
from service.api.fields import number

Json = str | int | float | list[object] | dict[str, object] | None

DIFF_FIELDS = STATE_FIELD_ORDER


def field_value(state: ItemState, name: str) -> Json:
    value = getattr(state, name)
    if name == "value":
        return number(value)
    if name in ("limits", "exclusions"):
        return [vars(x).copy() for x in value]
    if isinstance(value, tuple):
        return list(value)
    return value  # type: ignore[no-any-return]


def state_dict(
    state: ItemState | None, names: Iterable[str] = DIFF_FIELDS
) -> dict[str, Json] | None:
    if state is None:
        return None
    return {name: field_value(state, name) for name in names}


def history_entries(
    rows: list[dict[str, Any]], recorded_by: dict[str, str]
) -> list[dict[str, Any]]:
    """One item's facts (rows of the view) as history, oldest effective first.

    Facts a correction retracted stay in the history, marked `retracted` with the
    instant, and folded with what was known just before that instant."""
    current = [r for r in rows if r.get("retracted_at") is None]
    entries = _entries(current, current, recorded_by)
    for moment in sorted({r["retracted_at"] for r in rows} - {None}):
        known = [
            r
            for r in rows
            if r["recorded_at"] < moment
            and (r.get("retracted_at") is None or r["retracted_at"] >= moment)
        ]
        gone = [r for r in known if r.get("retracted_at") == moment]
        for entry in _entries(known, gone, recorded_by):
            entry["status"] = "retracted"
            entry["retracted_at"] = from_instant(moment).isoformat()
            entries.append(entry)
    return sorted(entries, key=lambda e: (e["effective_from"], e["recorded_at"]))


def _entries(
    rows: list[dict[str, Any]],
    wanted: list[dict[str, Any]],
    recorded_by: dict[str, str],
) -> list[dict[str, Any]]:
    by_fact = {id(r["fact"]): r for r in rows}
    shown = {id(r["fact"]) for r in wanted}
    entries = []
    for fact, before, after in steps([r["fact"] for r in rows]):
        if id(fact) not in shown:
            continue
        row = by_fact[id(fact)]
        touched = [k for k in fact.change.given() if k in STATE_FIELDS]
        whole = fact.change.op in ("introduce", "abolish") or before is None
        names = DIFF_FIELDS if whole else touched
        entries.append(
            {
                "code": fact.change.code,
                "effective_from": fact.effective_from.isoformat(),
                "recorded_at": from_instant(row["recorded_at"]).isoformat(),
                "revision": fact.revision,
                "source": fact.source,
                "recorded_by": recorded_by.get(fact.revision),
                "op": fact.change.op,
                "before": state_dict(before, names),
                "after": state_dict(after, names),
                "status": "current",
                "position": row["position"],
            }
            | _reading(fact.change)
        )
    return entries


def _reading(change: Change) -> dict[str, Any]:
    """What an interpretation says, when the change is one."""
    out: dict[str, Any] = {}
    if change.text:
        out["text"] = change.text
    if change.until:
        out["until"] = change.until.isoformat()
    return out


def diff(before: list[Interval], after: list[Interval]) -> dict[str, Any]:
    """What was added, abolished and changed between two schedules."""
    old = {i.state.code: i for i in before}
    new = {i.state.code: i for i in after}
    changed = []
    for code in sorted(old.keys() & new.keys()):
        was, now = old[code], new[code]
        for name in DIFF_FIELDS:
            a, b = field_value(was.state, name), field_value(now.state, name)
            if a != b:
                changed.append(
                    {
                        "code": code,
                        "name": now.state.name,
                        "field": name,
                        "before": a,
                        "after": b,
                        "revision": now.revision,
                        "source": now.source,
                        "valid_from": now.valid_from.isoformat(),
                    }
                )
    return {
        "added": [new[c] for c in sorted(new.keys() - old.keys())],
        "abolished": [old[c] for c in sorted(old.keys() - new.keys())],
        "changed": changed,
    }


def within(
    entries: list[dict[str, Any]], start: date, end: date
) -> list[dict[str, Any]]:
    low, high = start.isoformat(), end.isoformat()
    return [e for e in entries if low <= e["effective_from"] <= high]
