"""`/items/{code}`: one item as in force on a date, as recorded at an instant."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from service.application.context import today_in_japan
from service.contract.audit import history_json
from service.contract.fields import normalise_code
from service.contract.items import AsOfQuery, ItemAnswer, item_json
from service.web.dependencies import ScheduleDep

router = APIRouter(prefix="/items", tags=["items"])


@router.get(
    "/{code}",
    response_model=ItemAnswer,
    responses={404: {"description": "not in force, and why"}},
)
async def read_item(
    code: Annotated[str, Path(max_length=40)],
    query: Annotated[AsOfQuery, Query()],
    schedule: ScheduleDep,
) -> Response:
    """The item's state on `as_of` (default today), with its revision and source.
    A 区分番号 that is not itself a code is 404 naming the codes filed under it.
    The lookup of what is recorded now runs on the event loop (the rule book is
    in memory); one as recorded earlier or under a scenario reads the store."""
    as_of = query.as_of or today_in_japan()
    wanted = (str(normalise_code(code)), as_of, query.known_at, query.scenario_ids())
    if query.known_at is None and not wanted[3]:
        found = schedule.item(*wanted)
    else:
        found = await run_in_threadpool(schedule.item, *wanted)
    beyond = schedule.beyond_data_through(as_of)
    answer = ItemAnswer.model_validate(
        {**item_json(found), "beyond_data_through": beyond}
    )
    return Response(answer.model_dump_json(), media_type="application/json")


@router.get("/{code}/history")
def read_history(
    code: Annotated[str, Path(max_length=40)], schedule: ScheduleDep
) -> dict[str, object]:
    """Every change recorded to the item, oldest effective first, with the value
    before and after, its revision, source, record time and who recorded it."""
    normalised = str(normalise_code(code))
    history = [history_json(e) for e in schedule.history(normalised)]
    return {"code": normalised, "history": history}
