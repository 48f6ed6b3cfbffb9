"""Valid-time folding of an item's changes, without any store."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.changes import Change
from domain.rules import Limit
from domain.timeline import Fact, interval_on, intervals
from tests.builders import introduce, revise


def fact(change: Change, effective_from: date, revision: str = "r") -> Fact:
    return Fact(change, effective_from, revision, f"source {revision}")


def test_the_day_before_a_revision_sees_the_old_value() -> None:
    facts = [
        fact(introduce("A001", 73), date(2020, 4, 1), "base"),
        fact(revise("A001", 75), date(2024, 6, 1), "r6"),
    ]

    before = interval_on(facts, date(2024, 5, 31))
    on = interval_on(facts, date(2024, 6, 1))

    assert before is not None
    assert before.state.value == 73
    assert on is not None
    assert on.state.value == 75
    assert on.revision == "r6"


def test_a_backfilled_older_change_does_not_disturb_later_ones() -> None:
    facts = [
        fact(introduce("A001", 73), date(2020, 4, 1)),
        fact(revise("A001", 75), date(2024, 6, 1)),
        fact(revise("A001", 70), date(2018, 4, 1)),
    ]  # recorded last

    history = [(i.valid_from, i.valid_to, i.state.value) for i in intervals(facts)]

    assert history == [
        (date(2020, 4, 1), date(2024, 6, 1), 73),
        (date(2024, 6, 1), None, 75),
    ]


def test_an_abolished_item_has_no_state_from_its_abolition() -> None:
    facts = [
        fact(introduce("A308-taisei-1", 200), date(2022, 4, 1)),
        fact(Change("abolish", "A308-taisei-1"), date(2024, 6, 1)),
    ]

    assert interval_on(facts, date(2024, 5, 31)) is not None
    assert interval_on(facts, date(2024, 6, 1)) is None


def test_set_limits_keeps_the_value_and_replaces_the_list() -> None:
    facts = [
        fact(introduce("B000", 225, limits=(Limit("day", 1),)), date(2022, 4, 1)),
        fact(
            Change("set_limits", "B000", limits=(Limit("month", 2),)), date(2024, 6, 1)
        ),
    ]

    state = interval_on(facts, date(2024, 6, 1))

    assert state is not None
    assert state.state.limits == (Limit("month", 2),)
    assert state.state.value == Decimal(225)


def test_a_later_record_for_the_same_date_wins() -> None:
    facts = [
        fact(introduce("A001", 73), date(2020, 4, 1), "a"),
        fact(revise("A001", 75), date(2024, 6, 1), "b"),
        fact(revise("A001", 76), date(2024, 6, 1), "c"),
    ]

    state = interval_on(facts, date(2024, 6, 1))

    assert state is not None
    assert (state.state.value, state.revision) == (76, "c")


def test_an_item_whose_facts_were_all_retracted_has_no_intervals() -> None:
    assert intervals([]) == []
