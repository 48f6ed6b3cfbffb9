"""The pages' templates (Jinja2, autoescaped), their filters, and what every
page shows: the notice when its date is past `data_through`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain.wareki import parse_date
from service.application import FeeSchedule
from service.contract.refusals import not_a_date_ja
from service.contract.words import UNITS, amount, change_text

HERE = Path(__file__).parent
JST = timezone(timedelta(hours=9))


class PageError(Exception):
    """What a user typed that the page cannot answer, in words, with a status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


ENV = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["amount"] = amount
ENV.filters["unit"] = lambda unit: UNITS.get(unit or "", unit or "")
ENV.filters["change_text"] = change_text
ENV.filters["jst"] = lambda at: recorded_text(at)
ENV.filters["last_day"] = lambda end: last_day(end)


def last_day(end: date | None) -> str:
    """The last day in force of an interval ending (exclusively) on `end`, as a
    clerk reads it: 288 点 〜2024-05-31, not until 2024-06-01."""
    return "" if end is None else (end - timedelta(days=1)).isoformat()


def page(
    request: Request,
    schedule: FeeSchedule,
    template: str,
    context: Mapping[str, object] | None = None,
    *,
    days: tuple[date, ...] = (),
    status: int = 200,
    **more: object,
) -> HTMLResponse:
    """A page, with the data_through notice when one of `days` is past it."""
    context = {**(context or {}), **more}
    through = schedule.data_through()
    beyond = schedule.beyond_data_through(*days) if days else False
    html = ENV.get_template(template).render(
        request=request, data_through=through, beyond=beyond, **context
    )
    return HTMLResponse(html, status_code=status)


def day_or_today(text: str | None, field: str) -> date:
    """A date typed in a form (ISO or 和暦); today when left empty."""
    if not text or not text.strip():
        return datetime.now(JST).date()
    return typed_day(text, field)


def typed_day(text: str, field: str) -> date:
    try:
        return parse_date(text)
    except ValueError:
        raise PageError(not_a_date_ja(f"{field}「{text}」")) from None


def moment(text: str | None) -> datetime | None:
    """A 時点 typed in a form: ISO 8601; without an offset it is Japan time."""
    if not text or not text.strip():
        return None
    try:
        found = datetime.fromisoformat(text.strip())
    except ValueError:
        raise PageError(
            f"時点「{text}」は日時として読めません。"
            "2024-06-01T09:00 の形で入れてください。"
        ) from None
    return found if found.tzinfo else found.replace(tzinfo=JST)


def moment_input(at: datetime | None) -> str:
    """A 時点 as the form's datetime-local value (Japan time)."""
    if at is None:
        return ""
    return at.astimezone(JST).replace(tzinfo=None).isoformat(timespec="seconds")


def recorded_text(at: datetime) -> str:
    return at.astimezone(JST).strftime("%Y-%m-%d %H:%M") if at.tzinfo else str(at)


__all__ = ["UTC", "PageError", "page"]
