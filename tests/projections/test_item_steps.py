"""Item changes projected many at a time write the rows one at a time would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from eventsourcing.persistence import Tracking

from domain.timeline import Fact, Interval, ItemState
from projections.views import ItemStep
from service.application import FeeSchedule
from tests.builders import revise

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def interval(start: date, end: date | None, value: int, revision: str) -> Interval:
    return Interval(
        start, end, ItemState("A001", "再診料", "point", Decimal(value)), revision, "s"
    )


# A001 in force from 2020 (R), split by a 2024 revision, then back to exactly R:
# a row opened, closed and opened again by changes projected together.
R = [interval(date(2020, 4, 1), None, 73, "base")]
SPLIT = [
    interval(date(2020, 4, 1), date(2024, 6, 1), 73, "base"),
    interval(date(2024, 6, 1), None, 75, "r6"),
]
HISTORIES = [R, SPLIT, R, SPLIT]


def steps(first_position: int) -> list[ItemStep]:
    return [
        ItemStep(
            Fact(revise("A001", 73), date(2020, 4, 1), f"rev{n}", "s"),
            first_position + n,
            history,
            T0 + timedelta(seconds=n),
        )
        for n, history in enumerate(HISTORIES)
    ]


def test_changes_projected_together_equal_changes_projected_one_by_one(
    schedule: FeeSchedule,
) -> None:
    view = schedule.view
    together = steps(1000)
    view.record_item_changes(together, Tracking("kaitei", 1003))
    at_once = view.dump()
    view.drop()

    for step in steps(1000):
        view.record_item_changes([step], Tracking("kaitei", step.position))

    assert view.dump() == at_once
    # the row R was current three times: [t0, t1), [t2, t3) and never again
    spans = [(r[-2], r[-1]) for r in at_once if r[2] is None and r[5] == "73"]
    assert len(spans) == 2
    assert all(end is not None for _, end in spans)
    assert view.current_facts(["A001", "B000"])["B000"] == []
    assert [f.revision for f in view.current_facts(["A001"])["A001"]] == [
        "rev0",
        "rev1",
        "rev2",
        "rev3",
    ]
