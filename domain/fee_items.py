"""The fee item aggregate (区分番号 or レセ電 code) and its dated change events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.changes import Change
from domain.errors import (
    ChangeRefusedError,
    ItemAlreadyInForceError,
    ItemNotInForceError,
)
from domain.rules import Exclusion, Limit
from domain.timeline import STATE_FIELDS, Fact, Interval, interval_on, intervals


class FeeItem(Aggregate):
    """One billable item, e.g. A001 再診料, and every change recorded to it."""

    class ItemChanged(Aggregate.Event):
        """Base of the dated change events: valid time, revision and source."""

        op: ClassVar[str]
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

        op: ClassVar[str] = "introduce"

        code: str
        name: str
        unit: str
        value: Decimal
        addon_to: tuple[str, ...]
        limits: tuple[Limit, ...]
        exclusions: tuple[Exclusion, ...]
        eligible_diseases: tuple[str, ...]
        effective_from: date
        revision: str
        source: str
        kubun: str | None

        def as_fact(self) -> Fact:
            return _fact_of(self)

    class Reintroduced(ItemChanged):
        """An item already known was introduced again (after an abolition, or
        as an earlier introduction recorded later)."""

        op = "introduce"
        name: str
        unit: str
        value: Decimal
        addon_to: tuple[str, ...]
        limits: tuple[Limit, ...]
        exclusions: tuple[Exclusion, ...]
        eligible_diseases: tuple[str, ...]
        kubun: str | None

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

    class LimitsSet(ItemChanged):
        op = "set_limits"
        limits: tuple[Limit, ...]

    class ExclusionsSet(ItemChanged):
        op = "set_exclusions"
        exclusions: tuple[Exclusion, ...]

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
        name: str,
        unit: str,
        value: Decimal,
        addon_to: tuple[str, ...],
        limits: tuple[Limit, ...],
        exclusions: tuple[Exclusion, ...],
        eligible_diseases: tuple[str, ...],
        effective_from: date,
        revision: str,
        source: str,
        kubun: str | None = None,
    ) -> None:
        self.code = code
        change = Change(
            "introduce",
            code,
            effective_from,
            name,
            unit,
            value,
            tuple(addon_to),
            tuple(limits),
            tuple(exclusions),
            tuple(eligible_diseases),
            kubun,
        )
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
            **_introduced_state(change),
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
        _refuse_if_impossible(change, effective_from, self.facts)
        payload = (
            _introduced_state(change)
            if change.op == "introduce"
            else {k: v for k, v in change.given().items() if k in PAYLOAD_FIELDS}
        )
        if change.op == "revise":
            payload.setdefault("unit", None)
        if change.op == "interpret":
            payload.setdefault("until", None)
        self.trigger_event(
            EVENT_FOR_OP[change.op],
            timestamp=timestamp,
            code=self.code,
            effective_from=effective_from,
            revision=revision,
            source=source,
            **payload,
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
        facts = [f for f in self.facts if f.revision != revision]
        for index, change in changes:
            day = change.effective_from or date.min
            try:
                _refuse_if_impossible(change, day, facts)
            except ChangeRefusedError as error:
                error.index = index
                raise
            facts.append(Fact(change, day, revision, source))
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

    def intervals(self) -> list[Interval]:
        return intervals(self.facts)


# What item events carry: the state fields, and an interpretation's text and until.
PAYLOAD_FIELDS = STATE_FIELDS | {"text", "until"}

EVENT_FOR_OP: dict[str, type[FeeItem.ItemChanged]] = {
    cls.op: cls
    for cls in (
        FeeItem.Reintroduced,
        FeeItem.ValueRevised,
        FeeItem.Abolished,
        FeeItem.Renamed,
        FeeItem.LimitsSet,
        FeeItem.ExclusionsSet,
        FeeItem.EligibilitySet,
        FeeItem.AddonBasesSet,
        FeeItem.Reclassified,
        FeeItem.Interpreted,
    )
}


def _refuse_if_impossible(
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


def _introduced_state(change: Change) -> dict[str, object]:
    """Every item field an introduction sets, lists defaulting to empty."""
    return {
        "name": change.name,
        "unit": change.unit,
        "value": change.value,
        "addon_to": change.addon_to or (),
        "limits": change.limits or (),
        "exclusions": change.exclusions or (),
        "eligible_diseases": change.eligible_diseases or (),
        "kubun": change.kubun,
    }


def _as_tuples(state: dict[str, object]) -> dict[str, object]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in state.items()}


def _fact_of(event: FeeItem.ItemChanged | FeeItem.Introduced) -> Fact:
    payload = _as_tuples(
        {k: v for k, v in event.__dict__.items() if k in PAYLOAD_FIELDS}
    )
    change = Change(event.op, event.code, event.effective_from, **payload)  # type: ignore[arg-type]
    return Fact(change, event.effective_from, event.revision, event.source)
