"""The fee item aggregate (区分番号 or レセ電 code) and its dated change events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.changes import Change
from domain.item_guards import refuse_correction_if_impossible, refuse_if_impossible
from domain.rules import Exclusion, Grouping, Limit
from domain.timeline import (
    STATE_FIELD_ORDER,
    STATE_FIELDS,
    Fact,
    Interval,
    ItemState,
    interval_on,
    introduced_state,
    introduction,
)
from domain.vocabulary import Op


class FeeItem(Aggregate):
    """One billable item, e.g. A001 再診料, and every change recorded to it."""

    class ItemChanged(Aggregate.Event):
        """Base of the dated change events: valid time, revision and source."""

        op: ClassVar[Op]
        code: str
        effective_from: date
        revision: str
        source: str

        def as_fact(self) -> Fact:
            """The change this event records, placed in valid time."""
            return _fact_of(self)

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, FeeItem)
            aggregate.facts.append(self.as_fact())

    class Introduced(Aggregate.Created):
        """The item entered the schedule (first time this code is recorded)."""

        op: ClassVar[Op] = "introduce"
        class_version = 2

        code: str
        state: ItemState
        effective_from: date
        revision: str
        source: str

        def as_fact(self) -> Fact:
            return _fact_of(self)

        @staticmethod
        def upcast_v1_v2(stored: dict[str, object]) -> None:
            """Version 1 spelled the state's fields out one by one."""
            _gather_state(stored)

    class Reintroduced(ItemChanged):
        """An item already known was introduced again (after an abolition, or
        as an earlier introduction recorded later)."""

        op = "introduce"
        class_version = 2
        state: ItemState

        @staticmethod
        def upcast_v1_v2(stored: dict[str, object]) -> None:
            _gather_state(stored)

    class ValueRevised(ItemChanged):
        """Its points (or yen) were revised."""

        op = "revise"
        value: Decimal
        unit: str | None

    class Abolished(ItemChanged):
        """It stops being billable on `effective_from` (billable to the day before)."""

        op = "abolish"

    class Renamed(ItemChanged):
        op = "rename"
        name: str
        kana: str | None = None  # its reading, when the master gives one

    class LimitsSet(ItemChanged):
        op = "set_limits"
        limits: tuple[Limit, ...]

    class ExclusionsSet(ItemChanged):
        op = "set_exclusions"
        exclusions: tuple[Exclusion, ...]

    class GroupsSet(ItemChanged):
        """Its 入院基本料テーブル groups (as an 入院料, or as a 加算) were set."""

        op = "set_groups"
        groups: tuple[Grouping, ...]

    class EligibilitySet(ItemChanged):
        op = "set_eligibility"
        eligible_diseases: tuple[str, ...]

    class AddonBasesSet(ItemChanged):
        op = "set_addon_to"
        addon_to: tuple[str, ...]

    class Interpreted(ItemChanged):
        """A 疑義解釈 or 通知 says how the item reads (no value or rule changes);
        `until` is the last day of a 経過措置 it grants, if any."""

        op = "interpret"
        text: str
        until: date | None

    class Reclassified(ItemChanged):
        """Its 区分番号 changed (a master row moving a code in the 点数表)."""

        op = "reclassify"
        kubun: str

    class AttributesSet(ItemChanged):
        """Its master attribute columns changed (物価対応料, 加算 flags)."""

        op = "set_attributes"
        attributes: tuple[str, ...]

    class RevisionCorrected(Aggregate.Event):
        """What a revision said of this item was replaced (an erratum, a 疑義解釈
        that changes how a rule reads): its facts go, `changes` take their place."""

        code: str
        revision: str
        source: str
        reason: str
        changes: tuple[Change, ...]  # each with its effective_from resolved

        def new_facts(self) -> list[Fact]:
            return [
                Fact(c, c.effective_from or date.min, self.revision, self.source)
                for c in self.changes
            ]

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, FeeItem)
            kept = [f for f in aggregate.facts if f.revision != self.revision]
            aggregate.facts = kept + self.new_facts()

    def __init__(
        self,
        code: str,
        state: ItemState,
        effective_from: date,
        revision: str,
        source: str,
    ) -> None:
        self.code = code
        change = introduction(state, effective_from)
        self.facts: list[Fact] = [Fact(change, effective_from, revision, source)]

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/kaitei/fee-items/{code}")

    @classmethod
    def introduce(
        cls,
        change: Change,
        effective_from: date,
        revision: str,
        source: str,
        timestamp: datetime,
    ) -> FeeItem:
        """A new code enters the schedule from `effective_from`."""
        return cls._create(
            cls.Introduced,
            id=cls.create_id(change.code),
            timestamp=timestamp,
            code=change.code,
            effective_from=effective_from,
            revision=revision,
            source=source,
            state=introduced_state(change),
        )

    def record(
        self,
        change: Change,
        effective_from: date,
        revision: str,
        source: str,
        timestamp: datetime,
    ) -> None:
        """Record one change to this item, refusing it if the item's state forbids."""
        refuse_if_impossible(change, effective_from, self.facts)
        self.trigger_event(
            EVENT_FOR_OP[change.op],
            timestamp=timestamp,
            code=self.code,
            effective_from=effective_from,
            revision=revision,
            source=source,
            **_payload(change),
        )

    def correct(
        self,
        revision: str,
        source: str,
        reason: str,
        changes: list[tuple[int, Change]],
        timestamp: datetime,
    ) -> None:
        """Replace what `revision` said of this item by `changes` (index, change
        with its date), refusing a change the corrected history cannot take."""
        refuse_correction_if_impossible(self.facts, revision, source, changes)
        self.trigger_event(
            self.RevisionCorrected,
            timestamp=timestamp,
            code=self.code,
            revision=revision,
            source=source,
            reason=reason,
            changes=tuple(c for _, c in changes),
        )

    def interval_on(self, as_of: date) -> Interval | None:
        """The state in force on `as_of`, or None."""
        return interval_on(self.facts, as_of)


# What item events carry: the state fields, and an interpretation's text and until.
PAYLOAD_FIELDS = STATE_FIELDS | {"text", "until"}

EVENT_FOR_OP: dict[Op, type[FeeItem.ItemChanged]] = {
    cls.op: cls
    for cls in (
        FeeItem.Reintroduced,
        FeeItem.ValueRevised,
        FeeItem.Abolished,
        FeeItem.Renamed,
        FeeItem.LimitsSet,
        FeeItem.ExclusionsSet,
        FeeItem.GroupsSet,
        FeeItem.EligibilitySet,
        FeeItem.AddonBasesSet,
        FeeItem.Reclassified,
        FeeItem.AttributesSet,
        FeeItem.Interpreted,
    )
}


def _payload(change: Change) -> dict[str, object]:
    """What the change's event carries besides its date and provenance."""
    if change.op == "introduce":
        return {"state": introduced_state(change)}
    payload = {k: v for k, v in change.given().items() if k in PAYLOAD_FIELDS}
    if change.op == "revise":
        payload.setdefault("unit", None)
    if change.op == "interpret":
        payload.setdefault("until", None)
    return payload


def _gather_state(stored: dict[str, object]) -> None:
    """Fold a version-1 introduction's spelled-out fields into one ItemState."""
    data = {name: stored.pop(name, None) for name in STATE_FIELD_ORDER}
    stored["state"] = ItemState(
        code=str(stored["code"]),
        **{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()},  # type: ignore[arg-type]
    )


def _fact_of(event: FeeItem.ItemChanged | FeeItem.Introduced) -> Fact:
    state = getattr(event, "state", None)
    if isinstance(state, ItemState):
        change = introduction(state, event.effective_from)
    else:
        payload = {k: v for k, v in event.__dict__.items() if k in PAYLOAD_FIELDS}
        payload = {
            k: tuple(v) if isinstance(v, list) else v for k, v in payload.items()
        }
        change = Change(event.op, event.code, event.effective_from, **payload)
    return Fact(change, event.effective_from, event.revision, event.source)
