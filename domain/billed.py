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
        codes whose rules name it), its lines of each date. Whichever side is
        smaller is walked: the claim's codes or the rule's."""
        excluding = item.state.excluding
        if len(self._by_code) <= len(excluding) + len(declaring):
            codes: Collection[str] = [
                c for c in self._by_code if c in excluding or c in declaring
            ]
        else:
            codes = {c for c in excluding if c in self._by_code}
            codes.update(c for c in declaring if c in self._by_code)
        for code in codes:
            yield from (lines for lines in self._by_code[code].values() if lines)

    def wards(self, day: date) -> list[Billed]:
        return self._wards.get(day, [])

    def addons(self, day: date) -> list[Billed]:
        return self._addons.get(day, [])
