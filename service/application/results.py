"""What the use cases answer: plain frozen values, no JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain.billing import PricedClaim
from domain.publications import revision_name
from domain.timeline import Interval, ItemState


@dataclass(frozen=True)
class RecordedEvent:
    """One event a command wrote."""

    type: str
    position: int
    version: int | None
    recorded_at: datetime | None
    code: str | None = None
    revision_id: str | None = None
    effective_from: date | None = None


@dataclass(frozen=True)
class Recorded:
    """What a command did: the events written and the log position."""

    id: str
    created: bool
    position: int
    events: list[RecordedEvent] = field(default_factory=list)


def describe(event: object, position: int) -> RecordedEvent:
    """One recorded event, as the answer names it."""
    return RecordedEvent(
        type(event).__qualname__,
        position,
        getattr(event, "originator_version", None),
        getattr(event, "timestamp", None),
        getattr(event, "code", None),
        getattr(event, "revision_id", None),
        getattr(event, "effective_from", None),
    )


@dataclass(frozen=True)
class BrokenLink:
    """The first event whose content or place does not match the chain."""

    position: int
    reason: str
    originator_id: str | None = None
    originator_version: int | None = None
    topic: str | None = None


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int  # how many verified
    first_bad: BrokenLink | None = None


@dataclass(frozen=True)
class Replayed:
    """A stored claim priced as when it was stored, and as now (or known_at)."""

    then: PricedClaim
    now: PricedClaim

    @property
    def matched(self) -> bool:
        billed = self.now.billed_points
        return billed is None or billed == self.now.total_points


@dataclass(frozen=True)
class HistoryEntry:
    """One change recorded to an item: the state before and after it (the
    `fields` it touched, or all for an introduction or abolition)."""

    code: str
    effective_from: date
    recorded_at: datetime
    revision: str
    source: str
    recorded_by: str | None
    op: str
    before: ItemState | None
    after: ItemState | None
    fields: tuple[str, ...]
    position: int
    text: str | None = None
    until: date | None = None
    retracted_at: datetime | None = None  # None: what is recorded now

    @property
    def status(self) -> str:
        return "current" if self.retracted_at is None else "retracted"

    @property
    def revision_name(self) -> str | None:
        """The 改定 the change is part of (令和6年度診療報酬改定), if any."""
        return revision_name(self.revision, self.effective_from)

    @property
    def sets_value(self) -> bool:
        """Whether it changed what a clerk bills: the value, the name, or whether
        the item is in force (rules and attributes are listed apart)."""
        return self.op in VALUE_OPS


VALUE_OPS = frozenset({"introduce", "revise", "rename", "abolish"})


@dataclass(frozen=True)
class FieldChange:
    """One field of one item that differs between two dates."""

    code: str
    name: str
    field: str
    before: object
    after: object
    revision: str
    source: str
    valid_from: date


@dataclass(frozen=True)
class Diff:
    """What was added, abolished and changed between two schedules."""

    added: list[Interval]
    abolished: list[Interval]
    changed: list[FieldChange]

    def only(self, keeps: Callable[[str], bool]) -> Diff:
        """The same diff for the codes `keeps` says yes to."""
        return Diff(
            [i for i in self.added if keeps(i.state.code)],
            [i for i in self.abolished if keeps(i.state.code)],
            [c for c in self.changed if keeps(c.code)],
        )

    def moves(self) -> ValueMoves:
        """How the changed values moved (a 薬価改定: how many prices fell)."""
        ratios = sorted(
            (c.after - c.before) / c.before
            for c in self.changed
            if c.field == "value"
            and isinstance(c.before, Decimal)
            and isinstance(c.after, Decimal)
            and c.before > 0
        )
        if not ratios:
            return ValueMoves(0, 0, None)
        middle = ratios[len(ratios) // 2]
        if len(ratios) % 2 == 0:
            middle = (ratios[len(ratios) // 2 - 1] + middle) / 2
        percent = (middle * 100).quantize(Decimal("0.01"))
        return ValueMoves(
            sum(1 for r in ratios if r < 0), sum(1 for r in ratios if r > 0), percent
        )


@dataclass(frozen=True)
class ValueMoves:
    """Of the values changed: how many fell, how many rose, and the median
    change in percent (None when none changed)."""

    fell: int
    rose: int
    median_percent: Decimal | None
