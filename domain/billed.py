"""The lines of one claim billed so far, indexed by code and date, so each rule
between lines looks up the earlier lines it concerns instead of scanning them
all: pricing a claim grows as n log n in its lines, not n²."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date

from domain.claims import ClaimLine
from domain.timeline import Interval


@dataclass(frozen=True, eq=False)  # each line is itself: compared by identity
class Billed:
    """A line priced so far: where it is in the claim, and its item."""

    index: int
    line: ClaimLine
    item: Interval


FEW_CODES = 32  # a claim's distinct codes up to which a line walks them all


class BilledLines:
    """The billed lines of a claim, in claim order, by code and by date.

    All lines of one code on one date share their item (one interval is in
    force on a date), so a rule between two codes is looked up once per date."""

    def __init__(self) -> None:
        # code → date → its lines that day, in claim order
        self._by_code: dict[str, dict[date, list[Billed]]] = {}
        # code → date → quantity billed that day
        self._quantity: dict[str, dict[date, int]] = {}
        # date → the codes billed that day, with their number of lines
        self._day_codes: dict[date, dict[str, int]] = {}
        # date → its 入院料 and its 入院基本料等加算, in claim order
        self._wards: dict[date, list[Billed]] = {}
        self._addons: dict[date, list[Billed]] = {}
        # once the claim has many codes: code X → the billed codes whose items
        # name X in an exclusion (items counted once each, by identity)
        self._naming: dict[str, set[str]] | None = None
        self._items_named: set[int] = set()

    def add(self, billed: Billed) -> None:
        line, state = billed.line, billed.item.state
        self._by_code.setdefault(line.code, {}).setdefault(line.date, []).append(billed)
        codes = self._day_codes.setdefault(line.date, {})
        codes[line.code] = codes.get(line.code, 0) + 1
        days = self._quantity.setdefault(line.code, {})
        days[line.date] = days.get(line.date, 0) + line.quantity
        if state.ward is not None:
            self._wards.setdefault(line.date, []).append(billed)
        if state.allowed_with:
            self._addons.setdefault(line.date, []).append(billed)
        if self._naming is not None:
            self._name(billed.item)

    def _name(self, item: Interval) -> None:
        if id(item) in self._items_named or self._naming is None:
            return
        self._items_named.add(id(item))
        for other in item.state.excluding:
            self._naming.setdefault(other, set()).add(item.state.code)

    def remove(self, billed: Billed) -> None:
        """Take back a line a later one displaced (its rules go with it)."""
        line = billed.line
        self._by_code[line.code][line.date].remove(billed)
        self._quantity[line.code][line.date] -= line.quantity
        codes = self._day_codes[line.date]
        codes[line.code] -= 1
        if not codes[line.code]:
            del codes[line.code]
        for index in (self._wards, self._addons):
            if billed in index.get(line.date, ()):
                index[line.date].remove(billed)

    def has_any(self, codes: frozenset[str], day: date) -> bool:
        """Whether a line of one of `codes` is billed on `day`."""
        billed = self._day_codes.get(day, {})
        if len(billed) < len(codes):
            return any(code in codes for code in billed)
        return any(code in billed for code in codes)

    def quantities(self, code: str) -> Iterator[tuple[date, int]]:
        """The quantity of `code` billed on each date."""
        return iter(self._quantity.get(code, {}).items())

    def partners(
        self, item: Interval, declaring: Collection[str]
    ) -> Iterator[list[Billed]]:
        """The billed lines that may share an exclusion with `item`: for each
        billed code that `item` names or that names `item` (`declaring`: the
        codes whose rules name it, on any date), its lines of each date.
        A claim of few codes walks its codes; one of many keeps an index of
        the codes its items name, so no line walks them all."""
        excluding = item.state.excluding
        if len(self._by_code) <= FEW_CODES:
            codes: Collection[str] = [
                c for c in self._by_code if c in excluding or c in declaring
            ]
        else:
            if self._naming is None:
                self._naming = {}
                for days in self._by_code.values():
                    for lines in days.values():
                        for billed in lines:
                            self._name(billed.item)
            codes = set(self._naming.get(item.state.code, ()))
            if len(excluding) < len(self._by_code):
                codes.update(c for c in excluding if c in self._by_code)
            else:
                codes.update(c for c in self._by_code if c in excluding)
        for code in codes:
            yield from (lines for lines in self._by_code[code].values() if lines)

    def wards(self, day: date) -> list[Billed]:
        return self._wards.get(day, [])

    def addons(self, day: date) -> list[Billed]:
        return self._addons.get(day, [])
