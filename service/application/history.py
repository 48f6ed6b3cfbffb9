"""An item's facts as history entries, and the diff of two schedules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from domain.timeline import (
    STATE_FIELD_ORDER,
    STATE_FIELDS,
    Fact,
    Interval,
    last_set,
    steps,
)
from projections.rows import from_instant
from service.application.results import Diff, FieldChange, HistoryEntry


def history_entries(
    rows: list[dict[str, Any]], recorded_by: dict[str, str]
) -> list[HistoryEntry]:
    """One item's facts (rows of the view) as history, oldest effective first.

    Facts a correction retracted stay in the history, marked retracted with the
    instant, and folded with what was known just before that instant."""
    current = [r for r in rows if r.get("retracted_at") is None]
    entries = _entries(current, current, recorded_by, None)
    for moment in sorted({r["retracted_at"] for r in rows} - {None}):
        known = [
            r
            for r in rows
            if r["recorded_at"] < moment
            and (r.get("retracted_at") is None or r["retracted_at"] >= moment)
        ]
        gone = [r for r in known if r.get("retracted_at") == moment]
        entries += _entries(known, gone, recorded_by, moment)
    return sorted(entries, key=lambda e: (e.effective_from, e.recorded_at))


def _entries(
    rows: list[dict[str, Any]],
    wanted: list[dict[str, Any]],
    recorded_by: dict[str, str],
    retracted_at: str | None,
) -> list[HistoryEntry]:
    by_fact = {id(r["fact"]): r for r in rows}
    shown = {id(r["fact"]) for r in wanted}
    entries = []
    for fact, before, after in steps([r["fact"] for r in rows]):
        if id(fact) not in shown:
            continue
        row, change = by_fact[id(fact)], fact.change
        whole = change.op in ("introduce", "abolish") or before is None
        touched = tuple(k for k in change.given() if k in STATE_FIELDS)
        entries.append(
            HistoryEntry(
                code=change.code,
                effective_from=fact.effective_from,
                recorded_at=from_instant(row["recorded_at"]),
                revision=fact.revision,
                source=fact.source,
                recorded_by=recorded_by.get(fact.revision),
                op=change.op,
                before=before,
                after=after,
                fields=STATE_FIELD_ORDER if whole else touched,
                position=row["position"],
                text=change.text,
                until=change.until,
                retracted_at=from_instant(retracted_at) if retracted_at else None,
            )
        )
    return entries


def diff(before: list[Interval], after: list[Interval]) -> Diff:
    """What was added, abolished and changed between two schedules."""
    old = {i.state.code: i for i in before}
    new = {i.state.code: i for i in after}
    changed = [
        FieldChange(
            code,
            new[code].state.name,
            name,
            getattr(old[code].state, name),
            getattr(new[code].state, name),
            new[code].revision,
            new[code].source,
            new[code].valid_from,
        )
        for code in sorted(old.keys() & new.keys())
        for name in STATE_FIELD_ORDER
        if getattr(old[code].state, name) != getattr(new[code].state, name)
    ]
    return Diff(
        added=[new[c] for c in sorted(new.keys() - old.keys())],
        abolished=[old[c] for c in sorted(old.keys() - new.keys())],
        changed=changed,
    )


def named(
    found: Diff, facts: Mapping[str, Sequence[Fact]], start: date, end: date
) -> Diff:
    """Each changed field named by the change that set it between the two dates
    (a 背反 table's edition, not the master that set the value in force)."""
    changed = []
    for change in found.changed:
        fact = last_set(facts.get(change.code, ()), change.field, start, end)
        if fact is not None:
            change = replace(
                change,
                revision=fact.revision,
                source=fact.source,
                valid_from=fact.effective_from,
            )
        changed.append(change)
    return replace(found, changed=changed)


def within(entries: list[HistoryEntry], start: date, end: date) -> list[HistoryEntry]:
    return [e for e in entries if start <= e.effective_from <= end]
