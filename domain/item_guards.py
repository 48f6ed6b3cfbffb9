"""The guards of an item's commands: what its recorded history allows."""

from __future__ import annotations

from datetime import date

from domain.changes import Change
from domain.errors import (
    ChangeRefusedError,
    ItemAlreadyInForceError,
    ItemNotInForceError,
)
from domain.timeline import Fact, interval_on


def refuse_correction_if_impossible(
    facts: list[Fact], revision: str, source: str, changes: list[tuple[int, Change]]
) -> None:
    """Each change (index, change with its date) must fit the history without
    what `revision` said before; a refusal names the change's index."""
    kept = [f for f in facts if f.revision != revision]
    for index, change in changes:
        day = change.effective_from or date.min
        try:
            refuse_if_impossible(change, day, kept)
        except ChangeRefusedError as error:
            error.index = index
            raise
        kept.append(Fact(change, day, revision, source))


def refuse_if_impossible(
    change: Change, effective_from: date, facts: list[Fact]
) -> None:
    """`introduce` needs the item out of force on its date, every other op in
    force; a reading (`interpret`) may predate the history kaitei holds."""
    if change.op == "interpret":
        return
    in_force = interval_on(facts, effective_from) is not None
    if change.op == "introduce" and in_force:
        raise ItemAlreadyInForceError(change.code, effective_from)
    if change.op != "introduce" and not in_force:
        raise ItemNotInForceError(change.code, change.op, effective_from)
