"""A claim (レセプト): one patient's billed lines for one month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ClaimLine:
    """`quantity` is the 算定回数 (for a drug or material line: the number of
    its units, 日数・回数); `dose` a drug's or material's 使用量 per unit (1 when
    None); `group` the 剤 (所定単位) a drug line belongs to (domain.supplies)."""

    code: str
    date: date
    quantity: int = 1
    disease: str | None = None
    dose: Decimal | None = None
    group: str | None = None


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
