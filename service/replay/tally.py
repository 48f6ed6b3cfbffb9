"""What a replay counted."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Tally:
    """Claims, claims whose total equals the billed one (or that carry none),
    lines and rejected lines."""

    claims: int = 0
    matched: int = 0
    lines: int = 0
    rejected: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.claims + other.claims,
            self.matched + other.matched,
            self.lines + other.lines,
            self.rejected + other.rejected,
        )

    def __iadd__(self, other: Tally) -> Tally:
        return self + other
