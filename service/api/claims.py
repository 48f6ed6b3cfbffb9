"""The claim (レセプト) bodies of `/claims/price` and its answer."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from domain.claims import Claim, ClaimLine, PricedClaim
from service.api.fields import Code, DateIn, Disease, Value

MAX_CLAIM_LINES = int(os.environ.get("KAITEI_MAX_CLAIM_LINES", 2000))


class ClaimLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    date: DateIn
    quantity: int = Field(1, ge=1, le=9999, description="算定回数 / 食数")
    disease: Disease | None = Field(None, description="ICD-10 code of the 主病")

    def to_domain(self) -> ClaimLine:
        return ClaimLine(self.code, self.date, self.quantity, self.disease)


class ClaimIn(BaseModel):
    """One patient's claim for one month (a レセプト)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100)
    lines: list[ClaimLineIn] = Field(min_length=1, max_length=MAX_CLAIM_LINES)
    billed_points: Value | None = None

    def to_domain(self) -> Claim:
        return Claim(
            self.id,
            tuple(line.to_domain() for line in self.lines),
            self.billed_points,
        )


class PricedLineOut(BaseModel):
    index: int
    code: str
    date: date
    quantity: int
    disease: str | None
    status: str
    unit: str | None
    unit_value: Value | None
    amount: Value
    revision: str | None
    source: str | None
    reason: str | None
    detail: str | None


class PricedClaimOut(BaseModel):
    id: str
    total_points: Value
    total_yen: Value
    billed_points: Value | None
    difference_points: Value | None = Field(
        None, description="total_points - billed_points, when billed_points is given"
    )
    lines: list[PricedLineOut]

    @classmethod
    def of(cls, priced: PricedClaim) -> PricedClaimOut:
        difference: Decimal | None = None
        if priced.billed_points is not None:
            difference = priced.total_points - priced.billed_points
        return cls(
            id=priced.id,
            total_points=priced.total_points,
            total_yen=priced.total_yen,
            billed_points=priced.billed_points,
            difference_points=difference,
            lines=[
                PricedLineOut(
                    index=p.index,
                    code=p.line.code,
                    date=p.line.date,
                    quantity=p.line.quantity,
                    disease=p.line.disease,
                    status=p.status,
                    unit=p.unit,
                    unit_value=p.unit_value,
                    amount=p.amount,
                    revision=p.revision,
                    source=p.source,
                    reason=p.reason,
                    detail=p.detail,
                )
                for p in priced.lines
            ],
        )
