"""The pages to look things up: search (`/`), an item with its timeline
(`/ui/items/{code}`), and the publications held (`/ui/sources`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from domain.master_fields import GROUP, as_map, described, goes_with
from domain.publications import revision_name
from domain.rulebook import RuleBook
from service.application import FeeSchedule
from service.contract.fields import normalise_code
from service.contract.words import op_word
from service.settings import Settings
from service.web.dependencies import ScheduleDep, SettingsDep
from service.web.ui.render import (
    PageError,
    day_or_today,
    moment,
    moment_input,
    page,
    recorded_text,
)
from service.web.ui.rules import rule_rows, shown
from service.web.ui.timeline import chart

router = APIRouter(include_in_schema=False)
KINDS = {
    "master_full": "マスター全件",
    "master_change": "マスター変更",
    "revision": "改定文書",
}


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    schedule: ScheduleDep,
    q: str = "",
    as_of: str | None = None,
    offset: str = "0",
) -> HTMLResponse:
    """One box for a code, a 区分番号 or a name; results on a date, a page of
    100 at a time."""
    skip = int(offset) if offset.isascii() and offset.isdigit() else 0
    context: dict[str, object] = {"q": q, "items": [], "count": 0, "offset": skip}
    try:
        day = day_or_today(as_of, "適用日")
    except PageError as error:
        return page(
            request,
            schedule,
            "search.html",
            status=error.status,
            error=str(error),
            as_of=as_of,
            context=context,
        )
    if q.strip():
        found = schedule.search(q.strip()[:200], day, None)
        context.update(items=found[skip : skip + PAGE], count=len(found))
    return page(
        request,
        schedule,
        "search.html",
        days=(day,),
        as_of=day.isoformat(),
        context=context,
    )


PAGE = 100  # search results a page


@router.get("/ui/items/{code}", response_class=HTMLResponse)
def item_page(
    request: Request,
    code: str,
    schedule: ScheduleDep,
    as_of: str | None = None,
    known_at: str | None = None,
    shown_history: Annotated[str | None, Query(alias="history")] = None,
) -> HTMLResponse:
    """The item on a date as known at a moment: value, timeline, rules, history
    (the changes to its value, name or being in force; `history=all` every one)."""
    code = str(normalise_code(code))[:40]
    form = {
        "code": code,
        "name": "",
        "as_of": as_of or "",
        "known_at_input": known_at or "",
    }
    try:
        day = day_or_today(as_of, "適用日")
        at = moment(known_at)
    except PageError as error:
        return page(
            request,
            schedule,
            "item.html",
            status=error.status,
            error=str(error),
            permalink="",
            context=_empty(form),
        )
    book = schedule.rules([code], at)
    history = book.history(code)
    if not history:
        message = (
            f"{code} という項目は記録されていません。"
            "コード・区分番号・名称で検索してください。"
        )
        return page(
            request,
            schedule,
            "item.html",
            status=404,
            error=message,
            permalink="",
            context=_empty({**form, "as_of": day.isoformat()}),
        )
    current = book.on(code, day)
    reason = None if current else book.why_not_in_force(code, day)
    attributes = described(current.state.attributes) if current else []
    partners = (
        goes_with(schedule.rules(None, at), current.state, day)
        if current and current.state.attributes
        else ()
    )
    entries = [e for e in schedule.history(code) if at is None or e.recorded_at <= at]
    every = shown_history == "all"
    shown_entries = entries if every else [e for e in entries if e.sets_value]
    recorded = {e.revision: recorded_text(e.recorded_at) for e in reversed(entries)}
    rules, more = shown(rule_rows(history))
    others = sorted({r.other for r in rules} - {""})
    query = {"as_of": day.isoformat(), **({"known_at": moment_input(at)} if at else {})}
    return page(
        request,
        schedule,
        "item.html",
        days=(day,),
        code=code,
        name=(current or history[-1]).state.name,
        as_of=day.isoformat(),
        known_at_input=moment_input(at),
        permalink=f"/ui/items/{code}?{urlencode(query)}",
        current=current,
        current_name=revision_name(current.revision, current.valid_from)
        if current
        else None,
        reason=reason,
        attributes=attributes,
        partners=partners,
        group=as_map(current.state.attributes).get(GROUP) if current else None,
        unit_name=as_map(current.state.attributes).get("unit_name")
        if current
        else None,
        chart=chart(history, day, recorded),
        rules=rules,
        more_rules=more,
        names=_names(schedule.rules(others, at), others, day),
        history=shown_entries,
        history_all=every,
        history_hidden=len(entries) - len(shown_entries),
        history_link=f"/ui/items/{code}?{urlencode({**query, 'history': 'all'})}",
        op_word=op_word,
    )


def _names(book: RuleBook, codes: list[str], day: date) -> dict[str, str]:
    """The names of the other items a page's rules name: as on `day`, or as
    last in force."""
    names = {}
    for code in codes:
        found = book.on(code, day) or next(reversed(book.history(code)), None)
        if found is not None:
            names[code] = found.state.name
    return names


def _empty(form: dict[str, str]) -> dict[str, object]:
    return {
        **form,
        "chart": None,
        "rules": [],
        "history": [],
        "op_word": op_word,
        "current": None,
        "reason": None,
        "attributes": [],
        "unit_name": None,
        "partners": (),
        "more_rules": 0,
    }


@router.get("/ui/sources", response_class=HTMLResponse)
def sources_page(
    request: Request, schedule: ScheduleDep, settings: SettingsDep
) -> HTMLResponse:
    """Every publication the store holds, and its data_through; a form to
    bring in a master file (`service.web.ui.uploads`)."""
    return sources(request, schedule, settings)


def sources(
    request: Request,
    schedule: FeeSchedule,
    settings: Settings,
    status: int = 200,
    **more: object,
) -> HTMLResponse:
    """The sources page, with what an upload did (`done`) or its `error`."""
    return page(
        request,
        schedule,
        "sources.html",
        more,
        status=status,
        sources=schedule.sources(),
        counts=schedule.publication_counts(),
        kinds=KINDS,
        tokens=bool(settings.tokens),
    )
