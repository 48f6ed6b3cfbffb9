"""The revision aggregate: one 改定/告示/通知/疑義解釈 and the changes it makes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.changes import Change
from domain.errors import (
    ChangeRefusedError,
    ItemNotInForceError,
    RevisionStatusError,
)
from domain.fee_items import FeeItem
from domain.vocabulary import Status


@dataclass(frozen=True)
class RevisionDraft:
    """A revision as submitted, before it is recorded."""

    id: str
    title: str
    source: str
    status: Status
    effective_from: date
    changes: tuple[Change, ...]


class Revision(Aggregate):
    """A recorded act that changes the schedule, atomically: all changes or none."""

    class Recorded(Aggregate.Created):
        revision_id: str
        title: str
        source: str
        status: Status
        effective_from: date
        changes: tuple[Change, ...]
        recorded_by: str

    class Enacted(Aggregate.Event):
        """A proposal (改定案) became law, from `effective_from`."""

        revision_id: str
        effective_from: date
        recorded_by: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Revision)
            aggregate.status = "enacted"
            aggregate.effective_from = self.effective_from

    class Corrected(Aggregate.Event):
        """What the revision says was replaced from now on (record time)."""

        revision_id: str
        reason: str
        source: str
        changes: tuple[Change, ...]
        recorded_by: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Revision)
            aggregate.changes = tuple(self.changes)

    class Withdrawn(Aggregate.Event):
        """A proposal was dropped; it will never be enacted."""

        revision_id: str
        recorded_by: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Revision)
            aggregate.status = "withdrawn"

    def __init__(
        self,
        revision_id: str,
        title: str,
        source: str,
        status: Status,
        effective_from: date,
        changes: tuple[Change, ...],
        recorded_by: str,
    ) -> None:
        self.revision_id = revision_id
        self.title = title
        self.source = source
        self.status = status
        self.effective_from = effective_from
        self.changes = tuple(changes)
        self.recorded_by = recorded_by

    @staticmethod
    def create_id(revision_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/kaitei/revisions/{revision_id}")

    @classmethod
    def record(
        cls,
        revision_id: str,
        title: str,
        source: str,
        status: Status,
        effective_from: date,
        changes: tuple[Change, ...],
        recorded_by: str,
        timestamp: datetime,
    ) -> Revision:
        return cls._create(
            cls.Recorded,
            id=cls.create_id(revision_id),
            timestamp=timestamp,
            revision_id=revision_id,
            title=title,
            source=source,
            status=status,
            effective_from=effective_from,
            changes=tuple(changes),
            recorded_by=recorded_by,
        )

    def says_the_same_as(
        self,
        title: str,
        source: str,
        status: Status,
        effective_from: date,
        changes: tuple[Change, ...],
    ) -> bool:
        """Whether a resubmission repeats what was recorded (so it is a no-op)."""
        return (
            self.title,
            self.source,
            self.status,
            self.effective_from,
            self.changes,
        ) == (title, source, status, effective_from, changes)

    def enact(
        self, effective_from: date | None, recorded_by: str, timestamp: datetime
    ) -> None:
        if self.status != "proposed":
            raise RevisionStatusError(
                f"revision {self.revision_id!r} is {self.status}: only a proposed "
                "revision can be enacted"
            )
        self.trigger_event(
            self.Enacted,
            timestamp=timestamp,
            revision_id=self.revision_id,
            effective_from=effective_from or self.effective_from,
            recorded_by=recorded_by,
        )

    def withdraw(self, recorded_by: str, timestamp: datetime) -> None:
        if self.status != "proposed":
            raise RevisionStatusError(
                f"revision {self.revision_id!r} is {self.status}: only a proposed "
                "revision can be withdrawn"
            )
        self.trigger_event(
            self.Withdrawn,
            timestamp=timestamp,
            revision_id=self.revision_id,
            recorded_by=recorded_by,
        )


ItemLoader = Callable[[str], FeeItem | None]


def correct(
    revision: Revision,
    reason: str,
    source: str,
    changes: tuple[Change, ...],
    recorded_by: str,
    load_item: ItemLoader,
    timestamp: datetime,
) -> list[FeeItem]:
    """Replace what an enacted or proposed revision says; the items to save.

    A proposal's items are untouched (it changes nothing until enacted); an
    enacted revision's facts are replaced item by item."""
    if revision.status == "withdrawn":
        raise RevisionStatusError(
            f"revision {revision.revision_id!r} is withdrawn: it cannot be corrected"
        )
    old: dict[str, list[Change]] = {}
    for change in _dated(revision.changes, revision.effective_from):
        old.setdefault(change.code, []).append(change)
    dated = _dated(changes, revision.effective_from)
    revision.trigger_event(
        revision.Corrected,
        timestamp=timestamp,
        revision_id=revision.revision_id,
        reason=reason,
        source=source,
        changes=dated,
        recorded_by=recorded_by,
    )
    if revision.status != "enacted":
        return []
    by_code: dict[str, list[tuple[int, Change]]] = {code: [] for code in old}
    for index, change in enumerate(dated):
        by_code.setdefault(change.code, []).append((index, change))
    items: list[FeeItem] = []
    for code, indexed in by_code.items():
        if [c for _, c in indexed] == old.get(code):
            continue  # what it says of this item is unchanged: the item is not touched
        item = load_item(code)
        if item is not None:
            item.correct(revision.revision_id, source, reason, indexed, timestamp)
            items.append(item)
            continue
        for index, change in indexed:
            day = change.effective_from or revision.effective_from
            item = _recorded_on(
                item, index, change, day, revision.revision_id, source, timestamp
            )
        if item is not None:
            items.append(item)
    return items


def _dated(changes: tuple[Change, ...], default: date) -> tuple[Change, ...]:
    """Each change with its own date, the revision's when it has none."""
    return tuple(replace(c, effective_from=c.effective_date(default)) for c in changes)


def apply_changes(
    revision: Revision, load_item: ItemLoader, timestamp: datetime
) -> list[FeeItem]:
    """Record each change on its item, in order; the items to save, or refuse.

    A refusal names the change's index, and nothing is recorded: the caller
    saves the returned items together or not at all. A proposal is checked the
    same way but changes nothing until it is enacted (or named in a scenario):
    no item is returned for it.
    """
    touched: dict[str, FeeItem] = {}
    for index, change in enumerate(revision.changes):
        touched[change.code] = _recorded_on(
            touched.get(change.code) or load_item(change.code),
            index,
            change,
            change.effective_date(revision.effective_from),
            revision.revision_id,
            revision.source,
            timestamp,
        )
    return list(touched.values()) if revision.status == "enacted" else []


def _recorded_on(
    item: FeeItem | None,
    index: int,
    change: Change,
    effective_from: date,
    revision_id: str,
    source: str,
    timestamp: datetime,
) -> FeeItem:
    """The change recorded on its item (introduced if new); a refusal names the
    change's index in its revision."""
    try:
        if item is None and change.op == "introduce":
            return FeeItem.introduce(
                change, effective_from, revision_id, source, timestamp
            )
        if item is None:
            raise ItemNotInForceError(change.code, change.op, effective_from)
        item.record(change, effective_from, revision_id, source, timestamp)
        return item
    except ChangeRefusedError as error:
        error.index = index
        raise
