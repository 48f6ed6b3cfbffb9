"""`/changes`: every change effective in a window of valid time."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Response

from service.contract.audit import history_json
from service.contract.items import WindowQuery
from service.web.dependencies import ScheduleDep

router = APIRouter(prefix="/changes", tags=["audit"])


@router.get("", response_model=dict[str, list[dict[str, object]]])
def read_changes(
    query: Annotated[WindowQuery, Query()], schedule: ScheduleDep
) -> Response:
    """Every change whose effective_from is in [from, to], each a history entry."""
    found = schedule.changes(query.start, query.end)
    body = {"changes": [history_json(e) for e in found]}
    # written straight (a window of years holds 70,000 changes: FastAPI's
    # encoder took 19 s of 40 for it)
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        media_type="application/json",
    )
