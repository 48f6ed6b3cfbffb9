"""`/changes`: every change effective in a window of valid time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.contract.audit import history_json
from service.contract.items import WindowQuery
from service.web.dependencies import ScheduleDep

router = APIRouter(prefix="/changes", tags=["audit"])


@router.get("")
def read_changes(
    query: Annotated[WindowQuery, Query()], schedule: ScheduleDep
) -> dict[str, object]:
    """Every change whose effective_from is in [from, to], each a history entry."""
    found = schedule.changes(query.start, query.end)
    return {"changes": [history_json(e) for e in found]}
