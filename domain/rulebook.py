"""Every item's validity intervals, held in memory and searched by date."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from domain.patients import SPANS_CLAIMS
from domain.timeline import Interval


@dataclass(frozen=True)
class RuleBook:
    """The schedule in valid time: code → intervals ordered by `valid_from`."""

    by_code: Mapping[str, tuple[Interval, ...]] = field(default_factory=dict)
    # per code, the dates where what is in force changes and what is in force
    # before, between and after them: one bisect answers a lookup
    index: Mapping[str, Steps] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.index) != len(self.by_code):
            index = {c: _steps(h) for c, h in self.by_code.items()}
            object.__setattr__(self, "index", index)

    @classmethod
    def of(cls, intervals: Iterable[Interval]) -> RuleBook:
        grouped: dict[str, list[Interval]] = {}
        for interval in intervals:
            grouped.setdefault(interval.state.code, []).append(interval)
        return cls({c: _ordered(i) for c, i in grouped.items()})

    def with_items(self, by_code: Mapping[str, Iterable[Interval]]) -> RuleBook:
        """A new book where the given codes' histories replace the old ones."""
        merged, index = dict(self.by_code), dict(self.index)
        for code, items in by_code.items():
            ordered = _ordered(items)
            if ordered:
                merged[code], index[code] = ordered, _steps(ordered)
            else:
                merged.pop(code, None)
                index.pop(code, None)
        return RuleBook(merged, index)

    def declaring(self, code: str) -> frozenset[str]:
        """The codes whose rules name `code` in an exclusion (背反), on any date."""
        return self._declaring.get(code, frozenset())

    @cached_property
    def _declaring(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for code, history in self.by_code.items():
            for interval in history:
                for other in interval.state.excluding:
                    found.setdefault(other, set()).add(code)
        return {code: frozenset(codes) for code, codes in found.items()}

    def spans_claims(self, code: str) -> bool:
        """Whether `code` has, on any date, a limit counted across claims."""
        return code in self._spanning

    @cached_property
    def _spanning(self) -> frozenset[str]:
        return frozenset(
            code
            for code, history in self.by_code.items()
            if any(r.per in SPANS_CLAIMS for i in history for r in i.state.limits)
        )

    def history(self, code: str) -> tuple[Interval, ...]:
        return self.by_code.get(code, ())

    def on(self, code: str, as_of: date) -> Interval | None:
        """The interval of `code` in force on `as_of`, or None."""
        bounds, in_force = self.index.get(code, NO_STEPS)
        return in_force[bisect_right(bounds, as_of)]

    def why_not_in_force(self, code: str, as_of: date) -> str:
        """In words, why `code` has no interval in force on `as_of`."""
        history = self.history(code)
        if not history:
            return f"no item {code} has ever been recorded"
        if as_of < history[0].valid_from:
            return (
                f"{code} is not yet in force on {as_of}: "
                f"it is introduced from {history[0].valid_from}"
            )
        ended = [i.valid_to for i in history if i.valid_to and i.valid_to <= as_of]
        abolished = max(ended) if ended else as_of
        again = [i.valid_from for i in history if i.valid_from > as_of]
        reason = (
            f"{code} is not in force on {as_of}: abolished from {abolished} "
            f"(last billable day {abolished - timedelta(days=1)})"
        )
        return reason + (f"; in force again from {again[0]}" if again else "")

    def in_force(self, as_of: date) -> list[Interval]:
        """Every item in force on `as_of`, ordered by code."""
        found = (self.on(code, as_of) for code in sorted(self.by_code))
        return [i for i in found if i is not None]


Steps = tuple[tuple[date, ...], tuple[Interval | None, ...]]
NO_STEPS: Steps = ((), (None,))


def _steps(history: tuple[Interval, ...]) -> Steps:
    """Bounds b0 < b1 < ... and what is in force before b0, on [b0, b1), ...,
    from the last bound on (None in a gap)."""
    bounds: list[date] = []
    in_force: list[Interval | None] = [None]
    for interval in history:
        if bounds and bounds[-1] == interval.valid_from:
            in_force[-1] = interval  # starts the day the one before ends
        else:
            bounds.append(interval.valid_from)
            in_force.append(interval)
        if interval.valid_to is not None:
            bounds.append(interval.valid_to)
            in_force.append(None)
    return tuple(bounds), tuple(in_force)


def _ordered(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    return tuple(sorted(intervals, key=lambda i: i.valid_from))
