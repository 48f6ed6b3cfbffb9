"""A claim typed into the pricing page: one line a row (`code, date, quantity,
disease, dose, group`; all but the code may be left out) or a claim's JSON."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from pydantic import ValidationError

from domain.claims import Claim
from domain.wareki import parse_date
from service.contract.claims import ClaimIn, ClaimLineIn, disagreeing
from service.contract.fields import CODE_PATTERN, normalise_code
from service.contract.refusals import japanese, not_a_date_ja
from service.replay.files import LINE_FIELDS
from service.web.ui.render import PageError

MAX_LINES = 2000


Names = Callable[[str, date], list[tuple[str, str]]]


def read_claim(text: str, day: date | None, names: Names | None = None) -> Claim:
    """The claim, or PageError naming the row and the field in words. A name in
    the code's place (初診料) is read as the one item in force on the line's date
    whose name it is (`names` finds the items a text finds, best first)."""
    if not text.strip():
        raise PageError(
            "明細を入れてください"
            "（1行に「コード（または名称）, 日付, 回数, 主病, 使用量, 剤」）。"
        )
    if text.lstrip().startswith("{"):
        try:
            return ClaimIn.model_validate_json(text).to_domain()
        except ValidationError as error:
            raise PageError(
                f"JSON のレセプトとして読めません: {_first(error)}"
            ) from None
    rows = [
        r for r in text.splitlines() if r.strip() and not r.lstrip().startswith("#")
    ]
    if len(rows) > MAX_LINES:
        raise PageError(f"明細は {MAX_LINES} 行までです（{len(rows)} 行）。")
    lines = []
    for number, row in enumerate(rows, 1):
        fields = [f.strip() for f in re.split(r"[,\t、，]", row)]
        given = dict(zip(LINE_FIELDS, fields, strict=False))  # in their order
        given = {k: v for k, v in given.items() if v}
        if "date" not in given:
            if day is None:
                raise PageError(
                    f"明細 {number} 行目に日付がありません。"
                    "日付を書くか、適用日 A を入れてください。"
                )
            given["date"] = day.isoformat()
        if names is not None and "code" in given:
            given["code"] = _code_of(given["code"], given["date"], names, number)
        try:
            lines.append(ClaimLineIn.model_validate(given).to_domain())
        except ValidationError as error:
            raise PageError(f"明細 {number} 行目: {_first(error)}") from None
    found = disagreeing(lines)
    if found is not None:
        n, seen = found
        raise PageError(
            f"明細 {n + 1} 行目: 剤「{lines[n].group}」の回数（日数）が "
            f"{lines[n].quantity} ですが、同じ日の同じ剤の {seen + 1} 行目は "
            f"{lines[seen].quantity} です。1つの剤は1つの単位なので、回数をそろえて"
            "ください。"
        )
    return Claim("ui", tuple(lines))


def _code_of(typed: str, day_text: str, names: Names, number: int) -> str:
    """A code as typed, or the code of the one item named so on the day."""
    code = normalise_code(typed)
    if not isinstance(code, str) or re.match(CODE_PATTERN, code):
        return typed
    try:
        day = parse_date(day_text)
    except ValueError:
        said = not_a_date_ja(f"日付「{day_text}」")
        raise PageError(f"明細 {number} 行目: {said}") from None
    found = names(typed.strip(), day)
    exact = [c for c, name in found if normalise_code(name) == code]
    if len(exact) == 1:
        return exact[0]
    if not found:
        raise PageError(
            f"明細 {number} 行目: コード「{typed}」は {day} に算定できる項目の"
            "コード・区分番号・名称のどれにも当たりません。"
            "9桁のレセ電コード（111000110）、区分番号（A000）か名称で入れてください。"
        )
    shown = "、".join(f"{c} {name}" for c, name in found[:5])
    more = f" ほか {len(found) - 5} 件" if len(found) > 5 else ""
    raise PageError(
        f"明細 {number} 行目: 「{typed}」に当たる項目が {day} に {len(found)} 件あり"
        f"ます（{shown}{more}）。コードで入れてください。"
    )


def _first(error: ValidationError) -> str:
    return japanese(error.errors()[0])
