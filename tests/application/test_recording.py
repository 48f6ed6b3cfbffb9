"""Recording revisions and reading the schedule as of a date, on both stores."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.changes import Change
from domain.errors import (
    ChangeRefusedError,
    ItemNotFoundError,
    RevisionConflictError,
    RevisionStatusError,
)
from domain.rulebook import RuleBook
from projections.rows import instant
from service.application import BooksAsRecorded, FeeSchedule
from service.store import eventsourcing_env
from tests.builders import draft, introduce, revise


def with_a001(schedule: FeeSchedule) -> None:
    schedule.record_revision(
        draft("base", date(2020, 4, 1), introduce("A001", 73, "再診料")), "me"
    )


def value_on(
    schedule: FeeSchedule, code: str, as_of: date, known_at: datetime | None = None
) -> Decimal:
    return schedule.item(code, as_of, known_at).state.value


def test_the_day_before_the_effective_date_sees_the_old_value(
    schedule: FeeSchedule,
) -> None:
    with_a001(schedule)

    schedule.record_revision(draft("r6", date(2024, 6, 1), revise("A001", 75)), "me")

    assert value_on(schedule, "A001", date(2024, 5, 31)) == 73
    assert value_on(schedule, "A001", date(2024, 6, 1)) == 75


def test_an_abolished_item_is_not_found_with_the_date(schedule: FeeSchedule) -> None:
    with_a001(schedule)
    schedule.record_revision(
        draft("abolish", date(2024, 6, 1), Change("abolish", "A001")), "me"
    )

    with pytest.raises(
        ItemNotFoundError,
        match=r"abolished from 2024-06-01 \(last "
        r"billable day 2024-05-31\)",
    ):
        schedule.item("A001", date(2024, 6, 1), None)

    assert value_on(schedule, "A001", date(2024, 5, 31)) == 73


def test_an_item_not_yet_introduced_says_from_when(schedule: FeeSchedule) -> None:
    schedule.record_revision(
        draft("r6", date(2024, 6, 1), introduce("B001-3-3", 333)), "me"
    )

    with pytest.raises(ItemNotFoundError, match="introduced from 2024-06-01"):
        schedule.item("B001-3-3", date(2024, 5, 31), None)


def test_a_proposal_changes_nothing(schedule: FeeSchedule) -> None:
    with_a001(schedule)

    schedule.record_revision(
        draft("r8-proposal", date(2026, 6, 1), revise("A001", 99), status="proposed"),
        "me",
    )

    assert value_on(schedule, "A001", date(2026, 6, 1)) == 73
    assert [r["status"] for r in schedule.revisions()] == ["enacted", "proposed"]


def test_enacting_a_proposal_applies_it_and_enacting_twice_is_refused(
    schedule: FeeSchedule,
) -> None:
    with_a001(schedule)
    schedule.record_revision(
        draft("p", date(2026, 6, 1), revise("A001", 99), status="proposed"), "me"
    )

    schedule.enact("p", None, "me")

    assert value_on(schedule, "A001", date(2026, 6, 1)) == 99
    with pytest.raises(RevisionStatusError, match="enacted"):
        schedule.enact("p", None, "me")


def test_a_revision_with_one_bad_change_writes_nothing(schedule: FeeSchedule) -> None:
    with_a001(schedule)
    before = schedule.position()

    with pytest.raises(ChangeRefusedError) as refused:
        schedule.record_revision(
            draft("bad", date(2024, 6, 1), revise("A001", 75), revise("A002", 1)), "me"
        )

    assert refused.value.index == 1
    assert schedule.position() == before
    assert value_on(schedule, "A001", date(2024, 6, 1)) == 73


def test_resubmitting_a_revision_records_nothing(schedule: FeeSchedule) -> None:
    with_a001(schedule)
    r6 = draft("r6", date(2024, 6, 1), revise("A001", 75))
    schedule.record_revision(r6, "me")
    position = schedule.position()

    again = schedule.record_revision(r6, "someone else")

    assert not again.created
    assert schedule.position() == position


def test_the_same_id_with_another_body_is_a_conflict(schedule: FeeSchedule) -> None:
    with_a001(schedule)
    schedule.record_revision(draft("r6", date(2024, 6, 1), revise("A001", 75)), "me")
    position = schedule.position()

    with pytest.raises(RevisionConflictError, match="another body"):
        schedule.record_revision(
            draft("r6", date(2024, 6, 1), revise("A001", 76)), "me"
        )

    assert schedule.position() == position


def test_known_at_before_a_revision_was_recorded_does_not_see_it(
    schedule: FeeSchedule,
) -> None:
    with_a001(schedule)
    between = datetime.now(UTC)
    schedule.record_revision(draft("r6", date(2024, 6, 1), revise("A001", 75)), "me")

    assert value_on(schedule, "A001", date(2024, 6, 1), known_at=between) == 73
    assert value_on(schedule, "A001", date(2024, 6, 1)) == 75
    with pytest.raises(ItemNotFoundError, match="ever been recorded"):
        schedule.item("A001", date(2024, 6, 1), datetime(2000, 1, 1, tzinfo=UTC))


def test_a_backfilled_older_revision_slots_into_history(schedule: FeeSchedule) -> None:
    with_a001(schedule)
    schedule.record_revision(draft("r6", date(2024, 6, 1), revise("A001", 75)), "me")

    schedule.record_revision(draft("r4", date(2022, 4, 1), revise("A001", 74)), "me")

    assert value_on(schedule, "A001", date(2021, 1, 1)) == 73
    assert value_on(schedule, "A001", date(2023, 1, 1)) == 74
    assert value_on(schedule, "A001", date(2024, 6, 1)) == 75
    assert schedule.item("A001", date(2023, 1, 1), None).revision == "r4"


def test_a_rebuilt_projection_equals_the_incremental_one(schedule: FeeSchedule) -> None:
    with_a001(schedule)
    schedule.record_revision(
        draft("r6", date(2024, 6, 1), revise("A001", 75), introduce("B001-3-3", 333)),
        "me",
    )
    schedule.record_revision(draft("r4", date(2022, 4, 1), revise("A001", 74)), "me")
    schedule.record_revision(
        draft("x", date(2025, 1, 1), Change("abolish", "B001-3-3")), "me"
    )
    incremental = schedule.view.dump()

    schedule.rebuild()

    assert schedule.view.dump() == incremental
    assert len(incremental) > 4


def test_the_schedule_lists_every_item_in_force_by_code(schedule: FeeSchedule) -> None:
    schedule.record_revision(
        draft("base", date(2020, 4, 1), introduce("B000", 225), introduce("A001", 73)),
        "me",
    )
    schedule.record_revision(
        draft("r6", date(2024, 6, 1), Change("abolish", "B000")), "me"
    )

    codes_before = [i.state.code for i in schedule.schedule(date(2024, 5, 31), None)]
    codes_after = [i.state.code for i in schedule.schedule(date(2024, 6, 1), None)]

    assert codes_before == ["A001", "B000"]
    assert codes_after == ["A001"]


def test_concurrent_writers_of_one_item_lose_no_update(schedule: FeeSchedule) -> None:
    with_a001(schedule)
    outcomes: dict[int, str] = {}

    def write(day: int) -> None:
        revision = draft(f"c{day}", date(2024, 7, day), revise("A001", 100 + day))
        try:
            schedule.record_revision(revision, "me")
            outcomes[day] = "recorded"
        except RevisionConflictError:
            outcomes[day] = "refused"

    threads = [threading.Thread(target=write, args=(d,)) for d in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    recorded = {r["revision_id"] for r in schedule.revisions()}
    for day, outcome in outcomes.items():
        assert (f"c{day}" in recorded) == (outcome == "recorded")
        if outcome == "recorded":
            assert value_on(schedule, "A001", date(2024, 7, day)) == 100 + day
    assert "recorded" in outcomes.values()
    incremental = schedule.view.dump()
    schedule.rebuild()
    assert schedule.view.dump() == incremental


def test_a_second_process_on_the_same_store_sees_new_revisions(
    database_url: str,
) -> None:
    env = eventsourcing_env(database_url)
    reader, writer = FeeSchedule(env), FeeSchedule(env)
    try:
        writer.record_revision(
            draft("base", date(2020, 4, 1), introduce("A001", 73)), "t"
        )
        assert reader.item("A001", date(2024, 6, 1), None).state.value == 73

        writer.record_revision(draft("r6", date(2024, 6, 1), revise("A001", 75)), "t")

        assert reader.item("A001", date(2024, 6, 1), None).state.value == 75
        assert reader.item("A001", date(2024, 5, 31), None).state.value == 73
    finally:
        reader.close()
        writer.close()


def test_a_read_model_of_an_older_schema_is_rebuilt_from_the_events(
    database_url: str,
) -> None:
    env = eventsourcing_env(database_url)
    first = FeeSchedule(env)
    first.record_revision(draft("base", date(2020, 4, 1), introduce("A001", 73)), "t")
    first.record_revision(draft("r6", date(2024, 6, 1), revise("A001", 75)), "t")
    with first.view._cursor(commit=True) as c:  # what an older kaitei left behind
        c.execute(first.view._sql("DROP TABLE {facts}"))
        c.execute(
            first.view._sql(
                "CREATE TABLE {facts} (position BIGINT PRIMARY KEY, code TEXT)"
            )
        )
        c.execute(first.view._sql("UPDATE {meta} SET value = '1'"))
    first.close()

    second = FeeSchedule(env)
    try:
        assert second.item("A001", date(2024, 6, 1), None).state.value == 75
        assert [f.revision for f in second.view.facts("A001")] == ["base", "r6"]
    finally:
        second.close()


def test_books_as_recorded_in_memory_equal_the_views_answer(
    schedule: FeeSchedule,
) -> None:
    moments = [datetime.now(UTC)]
    with_a001(schedule)
    moments.append(datetime.now(UTC))
    schedule.record_revision(draft("r6", date(2024, 6, 1), revise("A001", 75)), "me")
    moments.append(datetime.now(UTC))
    schedule.record_revision(draft("r4", date(2022, 4, 1), revise("A001", 74)), "me")
    moments.append(datetime.now(UTC))
    recorded = BooksAsRecorded(schedule.view.interval_records())

    for moment in moments:
        in_memory = recorded.at({"A001", "B000"}, instant(moment))
        queried = RuleBook.of(schedule.view.intervals_of(["A001", "B000"], moment))
        assert in_memory == queried
    assert len(recorded.at({"A001"}, instant(moments[-1])).history("A001")) == 3
