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
    id: str
    lines: tuple[ClaimLine, ...]
    billed_points: Decimal | None = None
