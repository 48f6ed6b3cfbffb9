"""The pages that compare: a 改定's diff between two dates (`/ui/diff`) and a
claim priced on one or two dates (`/ui/price`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from domain.billing import PricedClaim, PricedLine
from domain.claims import Claim
from domain.errors import DomainError
from domain.rulebook import RuleBook
from service.application import FeeSchedule
from service.contract.diff_sheet import CHAPTERS, KINDS, DiffRow, diff_rows, wanted
from service.contract.items import split_ids
from service.contract.words import amount
from service.web.dependencies import ScheduleDep
from service.web.ui.claim_text import read_claim
from service.web.ui.render import PageError, page, typed_day

router = APIRouter(include_in_schema=False)
FIELDS = {
    "value": "点数・金額",
    "name": "名称",
    "unit": "単位",
    "limits": "算定回数",
    "exclusions": "背反",
    "groups": "入院基本料",
    "eligible_diseases": "対象疾患",
    "addon_to": "加算の基本項目",
    "kubun": "区分番号",
    "attributes": "マスター属性",
}
SHOWN = 400  # rows of one chapter on the page; the CSV has every row
REASONS = {
    "unknown_code": "記録のないコード",
    "not_in_force": "この日に有効でない",
    "unsupported_unit": "点数・円以外の項目",
    "ineligible_disease": "対象疾患でない",
    "missing_base": "基本項目がない",
    "excluded": "背反",
    "limit_exceeded": "算定回数超過",
    "not_in_group": "入院基本料の加算でない",
}


@dataclass(frozen=True)
class PageRow:
    """A diff row as the page shows it, in words."""

    kind: str  # 新設, 廃止, 変更
    code: str
    kubun: str
    name: str
    field: str
    before: str
    after: str
    revision: str


@router.get("/ui/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    schedule: ScheduleDep,
    to: str | None = None,
    chapter: str = "",
    kind: str = "",
    q: str = "",
) -> HTMLResponse:
    """Added, abolished and changed items between two dates, by chapter."""
    start = request.query_params.get("from")  # `from` is a Python keyword
    form: dict[str, object] = {
        "start": start or "",
        "end": to or "",
        "chapter": chapter,
        "kind": kind,
        "q": q,
        "chapters": list(CHAPTERS.items()),
        "kinds": list(KINDS.items()),
        "groups": None,
        "limit": SHOWN,
    }
    if not start and not to:
        form.update(start="2024-05-31", end="2024-06-01")
        return page(request, schedule, "diff.html", context=form)
    try:
        day_from = typed_day(start or "", "比較元の日")
        day_to = typed_day(to or "", "比較先の日")
        if day_from > day_to:
            raise PageError(f"比較元の日 {day_from} が比較先の日 {day_to} より後です。")
        if chapter and chapter not in CHAPTERS:
            raise PageError(
                f"章「{chapter}」はありません。A〜O か、区分番号のないものは - を"
                "選んでください。"
            )
        if kind and kind not in KINDS:
            raise PageError(
                f"種類「{kind}」はありません。新設・廃止・変更のどれかを選んでください。"
            )
    except PageError as error:
        return page(
            request,
            schedule,
            "diff.html",
            status=error.status,
            error=str(error),
            context=form,
        )
    rows = diff_rows(schedule.diff(day_from, day_to), schedule.rules(None), day_to)
    counts = {k: len({r.code for r in rows if r.kind == k}) for k in KINDS}
    kept = [r for r in rows if wanted(r, chapter, kind, q.strip())]
    groups = [
        {
            "key": key,
            "title": title,
            "rows": [_shown_row(r) for r in kept if r.chapter == key],
        }
        for key, title in CHAPTERS.items()
    ]
    filters = {"chapter": chapter, "kind": kind, "q": q.strip()}
    csv_query = urlencode(
        {"from": day_from, "to": day_to, "format": "csv"}
        | {k: v for k, v in filters.items() if v}
    )
    form.update(
        start=day_from.isoformat(),
        end=day_to.isoformat(),
        groups=[g for g in groups if g["rows"]],
        counts=counts,
        csv_url=f"/schedule/diff?{csv_query}",
    )
    return page(request, schedule, "diff.html", days=(day_from, day_to), context=form)


def _shown_row(row: DiffRow) -> PageRow:
    return PageRow(
        KINDS[row.kind],
        row.code,
        row.kubun,
        row.name,
        FIELDS.get(row.field, row.field),
        _shown(row.before),
        _shown(row.after),
        row.revision,
    )


def _shown(value: object) -> str:
    if isinstance(value, Decimal):
        return amount(value)
    if isinstance(value, tuple | list):
        return f"{len(value)} 件"
    return "" if value is None else str(value)


@router.get("/ui/price", response_class=HTMLResponse)
def price_form(request: Request, schedule: ScheduleDep) -> HTMLResponse:
    return page(
        request,
        schedule,
        "price.html",
        lines="",
        date_a="",
        date_b="",
        scenario_b="",
        results=None,
    )


@router.post("/ui/price", response_class=HTMLResponse)
def price_page(
    request: Request,
    schedule: ScheduleDep,
    lines: Annotated[str, Form(max_length=200_000)] = "",
    date_a: Annotated[str, Form(max_length=40)] = "",
    date_b: Annotated[str, Form(max_length=40)] = "",
    scenario_b: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse:
    """Each line priced or rejected with its reason, on date A and on date B."""
    form: dict[str, object] = {
        "lines": lines,
        "date_a": date_a,
        "date_b": date_b,
        "scenario_b": scenario_b,
        "results": None,
    }
    try:
        day_a = typed_day(date_a, "適用日 A") if date_a.strip() else None
        day_b = typed_day(date_b, "適用日 B") if date_b.strip() else None
        claim = read_claim(lines, day_a, partial(_named, schedule))
        results = [
            {"label": f"A: {day_a or '明細の日付'}", "priced": schedule.price(claim)}
        ]
        if day_b is not None or scenario_b.strip():
            moved = _moved(claim, day_a, day_b)
            label = f"B: {day_b or 'A と同じ日'}" + (
                f"（{scenario_b}）" if scenario_b else ""
            )
            results.append(
                {
                    "label": label,
                    "priced": schedule.price(moved, None, split_ids(scenario_b)),
                }
            )
    except (PageError, DomainError) as error:
        return page(
            request, schedule, "price.html", status=400, error=str(error), context=form
        )
    priced: list[PricedClaim] = [r["priced"] for r in results]  # type: ignore[misc]
    book = schedule.rules(sorted({line.code for line in claim.lines}))
    rows = [_row(book, [p.lines[n] for p in priced]) for n in range(len(claim.lines))]
    days = tuple(line.line.date for p in priced for line in p.lines)
    form.update(
        results=results,
        rows=rows,
        reasons=REASONS,
        date_a=day_a.isoformat() if day_a else "",
        date_b=day_b.isoformat() if day_b else "",
    )
    return page(request, schedule, "price.html", days=days, context=form)


def _named(schedule: FeeSchedule, text: str, day: date) -> list[tuple[str, str]]:
    """The items in force on `day` that a name (or part of one) finds."""
    return [(i.state.code, i.state.name) for i in schedule.search(text, day)]


def _moved(claim: Claim, day_a: date | None, day_b: date | None) -> Claim:
    """The claim on date B: each line moved by B − A (every line to B when the
    lines carry no dates of their own)."""
    if day_b is None:
        return claim
    if day_a is None:
        raise PageError("適用日 B と比べるには、適用日 A も入れてください。")
    shift = day_b - day_a
    return replace(
        claim, lines=tuple(replace(x, date=x.date + shift) for x in claim.lines)
    )


def _row(book: RuleBook, lines: list[PricedLine]) -> dict[str, object]:
    first = lines[0].line
    outcome = {(x.status, x.amount, x.reason) for x in lines}
    found = book.on(first.code, first.date) or next(
        reversed(book.history(first.code)), None
    )
    return {
        "code": first.code,
        "date": first.date,
        "quantity": first.quantity,
        "name": found.state.name if found else "",
        "lines": lines,
        "differs": len(outcome) > 1,
    }
