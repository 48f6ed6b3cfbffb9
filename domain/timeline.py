"""Valid time (施行日基準): fold an item's changes into dated intervals of state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from itertools import groupby

from domain.changes import Change, from_json, to_json
from domain.errors import QueryRefusedError
from domain.rules import Exclusion, Grouping, Limit


@dataclass(frozen=True)
class ItemState:
    """What an item is on one date: its name, unit, value and rules. The one
    definition of an item's fields: events, rows, answers and CSV derive theirs."""

    code: str
    name: str
    unit: str
    value: Decimal
    addon_to: tuple[str, ...] = ()
    limits: tuple[Limit, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    groups: tuple[Grouping, ...] = ()
    eligible_diseases: tuple[str, ...] = ()
    kubun: str | None = None
    # a master layout's attribute columns, `key=value` (domain.master_fields)
    attributes: tuple[str, ...] = ()
    kana: str | None = None  # the master's 省略カナ名称 (col 7), for search by reading

    def to_dict(self) -> dict[str, object]:
        return {name: to_json(getattr(self, name)) for name in STATE_FIELD_ORDER}

    @cached_property
    def excluding(self) -> dict[str, Exclusion]:
        """The exclusions by the other code (the first, where a code has two):
        a claim's lines look each other up here, not through the list."""
        found: dict[str, Exclusion] = {}
        for rule in self.exclusions:
            found.setdefault(rule.code, rule)
        return found

    @cached_property
    def _disease_prefixes(self) -> tuple[tuple[int, frozenset[str]], ...]:
        by_length: dict[int, set[str]] = {}
        for prefix in self.eligible_diseases:
            by_length.setdefault(len(prefix), set()).add(prefix)
        return tuple((n, frozenset(p)) for n, p in sorted(by_length.items()))

    def eligible(self, disease: str | None) -> bool:
        """Whether a line with this 主病 may bill the item: it starts with one of
        the eligible diseases (any, when the item lists none). One set lookup
        per prefix length, not one comparison per listed disease."""
        if not self.eligible_diseases:
            return True
        text = disease or ""
        return any(text[:n] in found for n, found in self._disease_prefixes)

    @cached_property
    def addon_bases(self) -> frozenset[str]:
        return frozenset(self.addon_to)

    @cached_property
    def ward(self) -> Grouping | None:
        """The 入院基本料テーブル group of an 入院料, or None."""
        return next((g for g in self.groups if g.ident is None), None)

    @cached_property
    def allowed_with(self) -> dict[str, Grouping]:
        """An 入院基本料等加算's groups: the 入院料 groups it goes with, by group."""
        return {g.group: g for g in self.groups if g.ident is not None}

    @classmethod
    def from_dict(cls, code: str, data: dict[str, object]) -> ItemState:
        given = {k: from_json(k, v) for k, v in data.items() if k in STATE_FIELDS}
        return cls(code=code, **given)  # type: ignore[arg-type]


# What a change can set on an item, in ItemState's order.
STATE_FIELD_ORDER = tuple(f.name for f in fields(ItemState) if f.name != "code")
STATE_FIELDS = frozenset(STATE_FIELD_ORDER)


def introduction(state: ItemState, day: date, evidence: str | None = None) -> Change:
    """The change that introduces an item as `state` on `day`."""
    given = {name: getattr(state, name) for name in STATE_FIELD_ORDER}
    return Change("introduce", state.code, day, evidence=evidence, **given)


def introduced_state(change: Change) -> ItemState:
    """The state an `introduce` change sets (lists it leaves out are empty)."""
    given = {k: v for k, v in change.given().items() if k in STATE_FIELDS}
    return ItemState(code=change.code, **given)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Fact:
    """One recorded change to an item, placed in valid time, with its provenance."""

    change: Change
    effective_from: date
    revision: str
    source: str


@dataclass(frozen=True)
class Interval:
    """State in force on `[valid_from, valid_to)`; valid_to None is open-ended."""

    valid_from: date
    valid_to: date | None
    state: ItemState
    revision: str
    source: str

    def covers(self, as_of: date) -> bool:
        return self.valid_from <= as_of and (
            self.valid_to is None or as_of < self.valid_to
        )


def apply_change(state: ItemState | None, change: Change) -> ItemState | None:
    """The state after one change; a change to an item not in force is a no-op."""
    if change.op == "introduce":
        return introduced_state(change)
    if change.op == "abolish" or state is None:
        return None
    given = {k: v for k, v in change.given().items() if k in STATE_FIELDS}
    return replace(state, **given)  # type: ignore[arg-type]


# The changes that set what an item is worth: an interval names the revision of
# the last of them, not of a later rule or name change (a 背反 table imported
# later does not become the source of 再診料's 73 点).
PRICING_OPS = frozenset({"introduce", "revise"})


def intervals(facts: Sequence[Fact]) -> list[Interval]:
    """The item's history as intervals; later-recorded facts win on the same date.
    Each names the revision and source of the value in force."""
    # stable sort: record order within a date; a reading (interpret) sets no state
    ordered = sorted(
        (f for f in facts if f.change.op != "interpret"), key=lambda f: f.effective_from
    )
    steps: list[tuple[date, ItemState | None, Fact]] = []
    state: ItemState | None = None
    priced_by: Fact | None = None  # the fact that set the value in force
    for day, group in groupby(ordered, key=lambda f: f.effective_from):
        for fact in group:
            state = apply_change(state, fact.change)
            if fact.change.op in PRICING_OPS or priced_by is None:
                priced_by = fact
        assert priced_by is not None
        steps.append((day, state, priced_by))
    ends: list[date | None] = [day for day, _, _ in steps[1:]]
    ends += [None] if steps else []
    return [
        Interval(day, end, state, fact.revision, fact.source)
        for (day, state, fact), end in zip(steps, ends, strict=True)
        if state is not None
    ]


def interval_on(facts: Sequence[Fact], as_of: date) -> Interval | None:
    """The interval in force on `as_of`, or None when the item is not in force."""
    return next((i for i in intervals(facts) if i.covers(as_of)), None)


def steps(
    facts: Sequence[Fact],
) -> list[tuple[Fact, ItemState | None, ItemState | None]]:
    """Each fact in valid-time order with the item's state just before and after it
    (same-date facts in record order, as `intervals` folds them)."""
    ordered = sorted(facts, key=lambda f: f.effective_from)
    out: list[tuple[Fact, ItemState | None, ItemState | None]] = []
    state: ItemState | None = None
    for fact in ordered:
        after = apply_change(state, fact.change)
        out.append((fact, state, after))
        state = after
    return out


def last_set(facts: Sequence[Fact], name: str, start: date, end: date) -> Fact | None:
    """The last fact in (start, end] of valid time that set the field `name` (an
    introduction or abolition sets them all): the change a diff names."""
    found = None
    for fact in sorted(facts, key=lambda f: f.effective_from):
        change = fact.change
        whole = change.op in ("introduce", "abolish")
        if start < fact.effective_from <= end and (whole or name in change.given()):
            found = fact
    return found


def refuse_backwards(start: date, end: date) -> None:
    """A window [from, to] of valid time must not end before it starts."""
    if start > end:
        raise QueryRefusedError("to", f"from {start} is after to {end}")
