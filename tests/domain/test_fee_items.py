"""The FeeItem and Revision aggregates: guards refuse and record nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.changes import Change
from domain.errors import ItemAlreadyInForceError, ItemNotInForceError
from domain.fee_items import FeeItem
from domain.revisions import Revision, apply_changes
from tests.builders import introduce, revise

NOW = datetime(2024, 3, 5, tzinfo=UTC)


def listed() -> FeeItem:
    item = FeeItem.introduce(introduce("A001", 73), date(2020, 4, 1), "base", "m", NOW)
    item.collect_events()
    return item


def test_revising_records_one_value_revised_event() -> None:
    item = listed()

    item.record(revise("A001", 75), date(2024, 6, 1), "r6", "告示", NOW)

    events = item.collect_events()
    assert [type(e).__name__ for e in events] == ["ValueRevised"]
    assert events[0].timestamp == NOW


def test_introducing_an_item_in_force_is_refused_and_records_nothing() -> None:
    item = listed()

    with pytest.raises(ItemAlreadyInForceError, match="2024-06-01"):
        item.record(introduce("A001", 1), date(2024, 6, 1), "x", "s", NOW)

    assert item.collect_events() == []


def test_revising_before_the_item_exists_is_refused() -> None:
    item = listed()

    with pytest.raises(ItemNotInForceError, match="2019-01-01"):
        item.record(revise("A001", 70), date(2019, 1, 1), "x", "s", NOW)

    assert item.collect_events() == []


def test_a_refused_change_names_its_index_in_the_revision() -> None:
    revision = Revision.record(
        "r",
        "t",
        "s",
        "enacted",
        date(2024, 6, 1),
        (introduce("B", 1), Change("abolish", "A999")),
        "me",
        NOW,
    )

    with pytest.raises(ItemNotInForceError) as refused:
        apply_changes(revision, lambda _: None, NOW)

    assert (refused.value.index, refused.value.field) == (1, "code")


def test_a_change_may_carry_its_own_effective_date() -> None:
    revision = Revision.record(
        "r",
        "t",
        "s",
        "enacted",
        date(2024, 6, 1),
        (introduce("A001", 73), revise("A001", 75, date(2024, 10, 1))),
        "me",
        NOW,
    )

    [item] = apply_changes(revision, lambda _: None, NOW)

    assert item.interval_on(date(2024, 9, 30)).state.value == 73  # type: ignore[union-attr]
    assert item.interval_on(date(2024, 10, 1)).state.value == 75  # type: ignore[union-attr]
