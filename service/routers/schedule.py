"""`/schedule`: every item in force on a date, as JSON or CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from service.api.items import ItemOut, ScheduleOut, ScheduleQuery
from service.dependencies import ScheduleDep
from service.tables import schedule_csv

router = APIRouter(prefix="/schedule", tags=["schedule"])


@router.get(
    "", response_model=ScheduleOut, responses={200: {"content": {"text/csv": {}}}}
)
def read_schedule(
    query: Annotated[ScheduleQuery, Query()], schedule: ScheduleDep
) -> ScheduleOut | Response:
    """Every item in force on `as_of`, ordered by code; `format=csv` for CSV."""
    as_of = query.as_of or date.today()
    intervals = schedule.schedule(as_of, query.known_at, query.scenario_ids())
    if query.format == "csv":
        return Response(schedule_csv(intervals), media_type="text/csv; charset=utf-8")
    return ScheduleOut(as_of=as_of, items=[ItemOut.of(i) for i in intervals])
