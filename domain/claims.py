"""A claim (レセプト): one patient's billed lines for one month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ClaimLine:
    code: str
    date: date
    quantity: int = 1
    disease: str | None = None


@dataclass(frozen=True)
class Claim:
    """`patient` is an opaque id; `admission` an id or the admission date: both
    let limits across claims (３月, 患者当り, 入院中, …) count the patient's
    other claims."""

    id: str
    lines: tuple[ClaimLine, ...]
    billed_points: Decimal | None = None
    patient: str | None = None
    admission: str | None = None

    @property
    def first_date(self) -> date:
        return min(line.date for line in self.lines)

    @property
    def last_date(self) -> date:
        return max(line.date for line in self.lines)
