"""Scenarios: proposals (改定案) named in a query, answered as if enacted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from domain.changes import change_from_dict
from domain.errors import QueryRefusedError
from domain.timeline import Fact
from projections.rows import from_instant
from projections.views import ScheduleView


def scenario_facts(
    view: ScheduleView, scenario: Sequence[str], known_at: datetime | None
) -> dict[str, list[Fact]]:
    """The changes of the named proposals, by code, as facts recorded after the
    rest; refuses an id that is unknown (at `known_at`) or not a proposal."""
    if not scenario:
        return {}
    recorded = {r["revision_id"]: r for r in view.revisions(scenario)}
    facts: dict[str, list[Fact]] = {}
    for revision_id in dict.fromkeys(scenario):
        row = recorded.get(revision_id)
        if row is None or (
            known_at is not None and from_instant(row["recorded_at"]) > known_at
        ):
            raise QueryRefusedError(
                "scenario", f"scenario: no revision {revision_id!r} is recorded"
            )
        if row["status"] != "proposed":
            raise QueryRefusedError(
                "scenario",
                f"scenario: revision {revision_id!r} is {row['status']}, "
                "not a proposal",
            )
        start = date.fromisoformat(row["effective_from"])
        for change in map(change_from_dict, row["changes"]):
            fact = Fact(
                change, change.effective_date(start), revision_id, row["source"]
            )
            facts.setdefault(change.code, []).append(fact)
    return facts
