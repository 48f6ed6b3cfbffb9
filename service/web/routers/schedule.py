"""`/schedule`: every item in force on a date, as JSON or CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from service.application.context import today_in_japan
from service.contract.audit import field_change_json
from service.contract.items import (
    DiffOut,
    DiffQuery,
    ItemOut,
    MovesOut,
    ScheduleOut,
    ScheduleQuery,
    split_ids,
)
from service.contract.tables import diff_csv, schedule_csv
from service.web.dependencies import ScheduleDep

router = APIRouter(prefix="/schedule", tags=["schedule"])
BEYOND_HEADER = "Kaitei-Beyond-Data-Through"  # the CSV's `beyond_data_through`


@router.get(
    "", response_model=ScheduleOut, responses={200: {"content": {"text/csv": {}}}}
)
def read_schedule(
    query: Annotated[ScheduleQuery, Query()], schedule: ScheduleDep
) -> ScheduleOut | Response:
    """Every item in force on `as_of`, ordered by code; `format=csv` for CSV."""
    as_of = query.as_of or today_in_japan()
    intervals = [
        i
        for i in schedule.schedule(as_of, query.known_at, query.scenario_ids())
        if query.keeps(i.state.code)
    ]
    beyond = schedule.beyond_data_through(as_of)
    if query.format == "csv":
        return Response(
            schedule_csv(intervals),
            media_type="text/csv; charset=utf-8",
            headers={BEYOND_HEADER: str(beyond).lower()},
        )
    return ScheduleOut(
        as_of=as_of,
        beyond_data_through=beyond,
        items=[ItemOut.of(i) for i in intervals],
    )


@router.get(
    "/diff", response_model=DiffOut, responses={200: {"content": {"text/csv": {}}}}
)
def read_diff(
    query: Annotated[DiffQuery, Query()], schedule: ScheduleDep
) -> DiffOut | Response:
    """What was added, abolished and changed between `from` and `to`."""
    found = schedule.diff(
        query.start, query.end, query.known_at, split_ids(query.scenario)
    ).only(query.keeps)
    beyond = schedule.beyond_data_through(query.end)
    if query.format == "csv":
        return Response(
            diff_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={BEYOND_HEADER: str(beyond).lower()},
        )
    return DiffOut(
        beyond_data_through=beyond,
        added=[ItemOut.of(i) for i in found.added],
        abolished=[ItemOut.of(i) for i in found.abolished],
        changed=[field_change_json(c) for c in found.changed],
        moves=MovesOut.model_validate(found.moves(), from_attributes=True),
    )
