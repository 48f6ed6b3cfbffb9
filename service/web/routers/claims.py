"""`/claims/price`: a claim priced under the rules in force on each line's date."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from service.application.results import Replayed
from service.contract.audit import event_json
from service.contract.claims import (
    ClaimIn,
    PricedClaimOut,
    ReplayIn,
    line_changes,
    priced_claim_json,
)
from service.contract.fields import KnownAt, number
from service.contract.items import split_ids
from service.settings import Settings
from service.web.dependencies import ScheduleDep, SettingsDep, WriterDep

router = APIRouter(prefix="/claims", tags=["claims"])


class PriceQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    known_at: KnownAt | None = Field(None, description="Record time; default now.")
    scenario: str | None = Field(None, max_length=2000)


@router.post(
    "",
    status_code=201,
    responses={
        200: {"description": "already stored"},
        409: {"description": "other body"},
    },
)
def store_claims(
    body: ClaimIn | Annotated[list[ClaimIn], Field(min_length=1)],
    schedule: ScheduleDep,
    settings: SettingsDep,
    writer: WriterDep,
    response: Response,
) -> dict[str, Any]:
    """Store claims as billed (one or a list, all or none), for later replay."""
    claims = body if isinstance(body, list) else [body]
    if len({c.id for c in claims}) != len(claims):
        raise HTTPException(
            422, [{"loc": ["body"], "msg": "the same id twice", "type": "duplicate"}]
        )
    for claim in claims:
        _refuse_long(claim, settings)
    recorded = schedule.store_claims([c.to_domain() for c in claims], writer)
    response.status_code = 201 if recorded.created else 200
    return {
        "ids": [c.id for c in claims],
        "events": [event_json(e) for e in recorded.events],
        "position": recorded.position,
    }


NDJSON = "application/x-ndjson"


@router.post(
    "/replay",
    response_model=None,
    responses={
        200: {
            "content": {
                NDJSON: {
                    "schema": {
                        "description": "One mismatch a line, as it is found; the "
                        'last line {"count", "matched", "mismatched": N}.'
                    }
                }
            }
        }
    },
)
def replay_claims(
    body: ReplayIn, schedule: ScheduleDep, request: Request
) -> dict[str, Any] | StreamingResponse:
    """Reprice every stored claim with a line in [from, to]; a claim matches when
    its total equals what was billed. Each mismatch lists the lines priced
    differently than when it was stored, with the revision that did it. With
    `Accept: application/x-ndjson` the answer streams, a mismatch a line."""
    replayed = schedule.replay(body.start, body.end, body.known_at, body.scenario_ids())
    if NDJSON in request.headers.get("accept", ""):
        return StreamingResponse(_streamed(replayed), media_type=NDJSON)
    answers = list(replayed)
    return {
        "count": len(answers),
        "matched": sum(one.matched for one in answers),
        "mismatched": [_mismatch(one) for one in answers if not one.matched],
    }


def _streamed(replayed: Iterator[Replayed]) -> Iterator[str]:
    """A mismatch a line as each is found, then the counts."""
    count = matched = 0
    for one in replayed:
        count += 1
        if one.matched:
            matched += 1
            continue
        yield json.dumps(_mismatch(one), ensure_ascii=False) + "\n"
    counts = {"count": count, "matched": matched, "mismatched": count - matched}
    yield json.dumps(counts) + "\n"


def _mismatch(replayed: Replayed) -> dict[str, Any]:
    now = replayed.now
    return {
        "id": now.id,
        "billed_points": number(now.billed_points or Decimal(0)),
        "total_points": number(now.total_points),
        "lines_changed": line_changes(replayed.then, now),
    }


@router.post("/price", response_model=PricedClaimOut)
def price_claim(
    body: ClaimIn,
    query: Annotated[PriceQuery, Query()],
    schedule: ScheduleDep,
    settings: SettingsDep,
) -> Response:
    """Every line priced on its own date (honouring known_at and scenario), or
    rejected with its reason; total_yen = 10 × total_points + yen amounts."""
    _refuse_long(body, settings)
    claim = body.to_domain()
    priced = schedule.price(claim, query.known_at, split_ids(query.scenario))
    beyond = schedule.beyond_data_through(*(line.date for line in claim.lines))
    return Response(priced_claim_json(priced, beyond), media_type="application/json")


def _refuse_long(claim: ClaimIn, settings: Settings) -> None:
    refusal = claim.refusal(settings.max_claim_lines)
    if refusal is not None:
        loc = ["body", "lines"]
        raise HTTPException(422, [{"loc": loc, "msg": refusal, "type": "too_long"}])
