"""`/search` (items by code, 区分番号 or name on a date) and `/sources` (the
publications the store holds)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.application.context import today_in_japan
from service.contract.items import ItemOut, SearchOut, SearchQuery
from service.contract.sources import SourceOut, SourcesOut
from service.web.dependencies import ScheduleDep

router = APIRouter(tags=["lookup"])


@router.get("/search")
def search(query: Annotated[SearchQuery, Query()], schedule: ScheduleDep) -> SearchOut:
    """Items in force on `as_of` (default today) that `q` finds: a 9-digit code,
    a 区分番号 (prefix: `B001-3` finds B001-3 and B001-3-3) or a name part."""
    as_of = query.as_of or today_in_japan()
    found = schedule.search(query.q, as_of, query.known_at, query.scenario_ids())
    return SearchOut(
        q=query.q,
        as_of=as_of,
        count=len(found),
        offset=query.offset,
        beyond_data_through=schedule.beyond_data_through(as_of),
        items=[ItemOut.of(i) for i in found[query.offset : query.offset + query.limit]],
    )


@router.get("/sources")
def sources(schedule: ScheduleDep) -> SourcesOut:
    """Every publication the store holds, oldest record first, and `data_through`."""
    held, counts = schedule.sources(), schedule.publication_counts()
    return SourcesOut(
        data_through=schedule.data_through(),
        data_through_by_master=schedule.data_through_by_master(),
        count=len(held),
        sources=[SourceOut.of(p, counts.get(p.name)) for p in held],
    )
