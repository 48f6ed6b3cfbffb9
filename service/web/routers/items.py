"""`/items/{code}`: one item as in force on a date, as recorded at an instant."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from domain.master_fields import goes_with
from domain.timeline import Interval
from service.application import FeeSchedule
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
    if query.known_at is not None or wanted[3]:
        found = await run_in_threadpool(schedule.item, *wanted)
        said = await run_in_threadpool(_answer, schedule, found, as_of, wanted[2:])
        return Response(said, media_type=JSON)
    if schedule.behind():  # a catch-up reads the store: not on the event loop
        await run_in_threadpool(schedule.catch_up)
    answers = ANSWERS.setdefault(schedule, {})
    key = (schedule.current.position, wanted[0], as_of)
    body = answers.get(key)
    if body is None:
        body = _answer(schedule, schedule.item(*wanted), as_of)
        if len(answers) >= ANSWERS_KEPT:
            answers.clear()
        answers[key] = body
    return Response(body, media_type=JSON)


JSON = "application/json"
# Each store's answers of what is recorded now, by position: a new event is a
# new key; the answers go with their store.
ANSWERS: WeakKeyDictionary[FeeSchedule, dict[tuple[int, str, date], bytes]] = (
    WeakKeyDictionary()
)
ANSWERS_KEPT = 20_000


def _answer(
    schedule: FeeSchedule,
    found: Interval,
    as_of: date,
    recorded: tuple[datetime | None, tuple[str, ...]] = (None, ()),
) -> bytes:
    beyond = schedule.beyond_data_through(as_of)
    partners = []
    if found.state.attributes:  # 物価対応料: the other side of its group
        book = schedule.rules(None, *recorded)
        partners = [
            {"code": i.state.code, "name": i.state.name}
            for i in goes_with(book, found.state, as_of)
        ]
    answer = ItemAnswer.model_validate(
        {**item_json(found), "beyond_data_through": beyond, "goes_with": partners}
    )
    return answer.model_dump_json().encode()


@router.get("/{code}/history")
def read_history(
    code: Annotated[str, Path(max_length=40)],
    schedule: ScheduleDep,
    only: Annotated[
        Literal["value"] | None,
        Query(
            description="`value`: only the changes to its value, name or whether "
            "it is in force (not its rules or attributes)"
        ),
    ] = None,
) -> dict[str, object]:
    """Every change recorded to the item, oldest effective first, with the value
    before and after, its revision, source, record time and who recorded it."""
    normalised = str(normalise_code(code))
    entries = schedule.history(normalised)
    if only == "value":
        entries = [e for e in entries if e.sets_value]
    return {"code": normalised, "history": [history_json(e) for e in entries]}
