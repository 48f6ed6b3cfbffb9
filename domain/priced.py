"""A priced claim: each line's answer (priced with its value and revision, or
rejected with its reason and rule) and the claim's totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.claims import ClaimLine


@dataclass(frozen=True)
class PricedLine:
    """One line's answer: priced with its unit value and revision, or rejected."""

    index: int
    line: ClaimLine
    status: str  # priced | rejected
    unit: str | None = None
    unit_value: Decimal | None = None
    amount: Decimal = Decimal(0)
    revision: str | None = None
    source: str | None = None
    reason: str | None = None  # why it was rejected (API.md's reasons)
    detail: str | None = None  # the same, in words
    rule: dict[str, object] | None = None  # the rule that rejected it
    # limit units this claim alone cannot settle, and master fields whose rule
    # kaitei does not check (物価対応料区分)
    unchecked: tuple[str, ...] = ()
    special_condition: bool = False  # 特例条件: a person must check the exception
    # a drug or material line (domain.supplies): its kind, its yen (price ×
    # dose), and its 所定単位: the yen it sums, its points a unit and the
    # rounding; `amount` is in points, on the unit's last line
    kind: str | None = None
    yen: Decimal | None = None
    unit_yen: Decimal | None = None
    unit_points: int | None = None
    rounding: str | None = None

    @property
    def in_points(self) -> bool:
        """Whether `amount` is in points (else in yen: a meal charge)."""
        return self.unit == "point" or self.kind is not None


@dataclass(frozen=True)
class PricedClaim:
    id: str
    lines: tuple[PricedLine, ...]
    total_points: Decimal
    total_yen: Decimal
    billed_points: Decimal | None = None
