"""`/claims/price`: a claim priced under the rules in force on each line's date."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from service.api.claims import ClaimIn, PricedClaimOut
from service.api.items import split_ids
from service.dependencies import ScheduleDep

router = APIRouter(prefix="/claims", tags=["claims"])


class PriceQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    known_at: AwareDatetime | None = Field(
        None, description="Record time; default now."
    )
    scenario: str | None = Field(None, max_length=2000)


@router.post("/price")
def price_claim(
    body: ClaimIn, query: Annotated[PriceQuery, Query()], schedule: ScheduleDep
) -> PricedClaimOut:
    """Every line priced on its own date (honouring known_at and scenario), or
    rejected with its reason; total_yen = 10 × total_points + yen amounts."""
    priced = schedule.price(body.to_domain(), query.known_at, split_ids(query.scenario))
    return PricedClaimOut.of(priced)
