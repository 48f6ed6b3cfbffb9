"""What a replay counted, and the first claims whose total differs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

SHOWN = 20  # claims that differ, listed when no report is written


@dataclass(frozen=True)
class Differing:
    """A claim whose total is not what was billed, and the first reason."""

    claim_id: str
    billed_points: Decimal
    total_points: Decimal
    reason: str | None  # the first rejected line's reason (None: priced otherwise)
    line: int | None  # its index in the claim


@dataclass
class Tally:
    """Claims, claims whose total equals the billed one (or that carry none),
    lines and rejected lines; the first `SHOWN` claims that differ."""

    claims: int = 0
    matched: int = 0
    lines: int = 0
    rejected: int = 0
    differing: list[Differing] = field(default_factory=list)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.claims + other.claims,
            self.matched + other.matched,
            self.lines + other.lines,
            self.rejected + other.rejected,
            (self.differing + other.differing)[:SHOWN],
        )

    def __iadd__(self, other: Tally) -> Tally:
        return self + other
