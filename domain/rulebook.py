"""Every item's validity intervals, held in memory and searched by date."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.timeline import Interval


@dataclass(frozen=True)
class RuleBook:
    """The schedule in valid time: code → intervals ordered by `valid_from`."""

    by_code: Mapping[str, tuple[Interval, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, intervals: Iterable[Interval]) -> RuleBook:
        grouped: dict[str, list[Interval]] = {}
        for interval in intervals:
            grouped.setdefault(interval.state.code, []).append(interval)
        return cls({c: _ordered(i) for c, i in grouped.items()})

    def with_items(self, by_code: Mapping[str, Iterable[Interval]]) -> RuleBook:
        """A new book where the given codes' histories replace the old ones."""
        merged = dict(self.by_code)
        for code, items in by_code.items():
            ordered = _ordered(items)
            if ordered:
                merged[code] = ordered
            else:
                merged.pop(code, None)
        return RuleBook(merged)

    def history(self, code: str) -> tuple[Interval, ...]:
        return self.by_code.get(code, ())

    def on(self, code: str, as_of: date) -> Interval | None:
        """The interval of `code` in force on `as_of`, or None."""
        history = self.by_code.get(code, ())
        at = bisect_right(history, as_of, key=lambda i: i.valid_from) - 1
        if at >= 0 and history[at].covers(as_of):
            return history[at]
        return None

    def in_force(self, as_of: date) -> list[Interval]:
        """Every item in force on `as_of`, ordered by code."""
        found = (self.on(code, as_of) for code in sorted(self.by_code))
        return [i for i in found if i is not None]


def _ordered(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    return tuple(sorted(intervals, key=lambda i: i.valid_from))
