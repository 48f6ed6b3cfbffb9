"""The pages' templates (Jinja2, autoescaped), their filters, and what every
page shows: the notice when its date is past `data_through`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain.master_fields import described
from domain.wareki import parse_date
from service.application import FeeSchedule
from service.application.results import HistoryEntry

HERE = Path(__file__).parent
JST = timezone(timedelta(hours=9))
UNITS = {
    "point": "点",
    "yen": "円",
    "percent_add": "%加算",
    "percent_sub": "%減算",
    "point_reduction": "減点",
    "point_minus": "マイナス点数",
}
OPS = {
    "introduce": "新設",
    "revise": "点数変更",
    "abolish": "廃止",
    "rename": "名称変更",
    "set_limits": "算定回数",
    "set_exclusions": "背反",
    "set_groups": "入院基本料",
    "set_eligibility": "対象疾患",
    "set_addon_to": "加算の基本項目",
    "reclassify": "区分番号",
    "set_attributes": "マスター属性",
    "interpret": "解釈",
}


class PageError(Exception):
    """What a user typed that the page cannot answer, in words, with a status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def change_text(entry: HistoryEntry) -> str:
    """What one history entry changed, in a few words."""
    before, after = entry.before, entry.after
    if entry.op == "introduce" and after is not None:
        return f"{after.name} {amount(after.value)} {UNITS.get(after.unit, after.unit)}"
    if entry.op == "revise" and before is not None and after is not None:
        return f"{amount(before.value)} → {amount(after.value)}"
    if entry.op == "rename" and after is not None:
        return after.name
    if entry.op == "abolish":
        return f"{entry.effective_from} から算定不可"
    if entry.op == "reclassify" and after is not None:
        return f"区分番号 {after.kubun}"
    if entry.op == "set_attributes" and after is not None:
        shown = [f"{name} {value}" for name, value, _ in described(after.attributes)]
        return "、".join(shown) or "なし"
    if after is not None and entry.fields:
        name = entry.fields[0]
        return f"{len(getattr(after, name, ()) or ())} 件" if name != "value" else ""
    return ""


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
        raise PageError(
            f"{field}「{text}」は日付として読めません。"
            "2024-06-01 や R6.6.1 の形で入れてください。"
        ) from None


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
