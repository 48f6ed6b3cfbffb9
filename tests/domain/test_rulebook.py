"""The rule book answers what a plain scan of the intervals answers, on any date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.rulebook import RuleBook
from domain.timeline import Interval, ItemState

START = date(2024, 4, 1)


@st.composite
def histories(draw: st.DrawFn) -> list[Interval]:
    """Non-overlapping intervals of one code: adjacent, with gaps, the last one
    open or closed."""
    cuts = sorted(draw(st.sets(st.integers(0, 60), min_size=1, max_size=8)))
    found = []
    for n, start in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else draw(st.none() | st.just(70))
        if draw(st.booleans()) and end is not None:
            end = draw(st.integers(start + 1, end))  # a gap before the next one
        if draw(st.integers(0, 4)) == 0:
            continue  # not in force at all between these cuts
        state = ItemState("A001", "再診料", "point", Decimal(n))
        valid_to = START + timedelta(days=end) if end is not None else None
        found.append(
            Interval(START + timedelta(days=start), valid_to, state, f"r{n}", "s")
        )
    return found


@given(history=histories(), day=st.integers(-5, 80))
def test_a_lookup_answers_the_interval_covering_the_date(
    history: list[Interval], day: int
) -> None:
    as_of = START + timedelta(days=day)
    book = RuleBook.of(history)
    covering = [i for i in history if i.covers(as_of)]

    assert book.on("A001", as_of) == (covering[0] if covering else None)
    assert book.on("B000", as_of) is None


@given(old=histories(), new=histories(), day=st.integers(-5, 80))
def test_replacing_an_items_history_answers_from_the_new_one(
    old: list[Interval], new: list[Interval], day: int
) -> None:
    as_of = START + timedelta(days=day)
    book = RuleBook.of(old).with_items({"A001": new})
    covering = [i for i in new if i.covers(as_of)]

    assert book.on("A001", as_of) == (covering[0] if covering else None)
