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
    # each code's valid_from dates, in the same order: bisect without a key function
    starts: Mapping[str, tuple[date, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.by_code):
            starts = {c: _starts(h) for c, h in self.by_code.items()}
            object.__setattr__(self, "starts", starts)

    @classmethod
    def of(cls, intervals: Iterable[Interval]) -> RuleBook:
        grouped: dict[str, list[Interval]] = {}
        for interval in intervals:
            grouped.setdefault(interval.state.code, []).append(interval)
        return cls({c: _ordered(i) for c, i in grouped.items()})

    def with_items(self, by_code: Mapping[str, Iterable[Interval]]) -> RuleBook:
        """A new book where the given codes' histories replace the old ones."""
        merged, starts = dict(self.by_code), dict(self.starts)
        for code, items in by_code.items():
            ordered = _ordered(items)
            if ordered:
                merged[code], starts[code] = ordered, _starts(ordered)
            else:
                merged.pop(code, None)
                starts.pop(code, None)
        return RuleBook(merged, starts)

    def history(self, code: str) -> tuple[Interval, ...]:
        return self.by_code.get(code, ())

    def on(self, code: str, as_of: date) -> Interval | None:
        """The interval of `code` in force on `as_of`, or None."""
        starts = self.starts.get(code)
        if starts is None:
            return None
        at = bisect_right(starts, as_of) - 1
        if at < 0:
            return None
        found = self.by_code[code][at]
        return found if found.valid_to is None or as_of < found.valid_to else None

    def in_force(self, as_of: date) -> list[Interval]:
        """Every item in force on `as_of`, ordered by code."""
        found = (self.on(code, as_of) for code in sorted(self.by_code))
        return [i for i in found if i is not None]


def _starts(history: tuple[Interval, ...]) -> tuple[date, ...]:
    return tuple(i.valid_from for i in history)


def _ordered(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    return tuple(sorted(intervals, key=lambda i: i.valid_from))
