"""A claim typed into the pricing page: one line a row (`code, date, quantity,
disease, dose, group`; all but the code may be left out) or a claim's JSON."""

from __future__ import annotations

import re
from datetime import date

from pydantic import ValidationError

from domain.claims import Claim
from service.contract.claims import ClaimIn, ClaimLineIn, disagreeing
from service.web.ui.render import PageError

MAX_LINES = 2000
FIELD_NAMES = {
    "code": "コード",
    "date": "日付",
    "quantity": "回数",
    "disease": "主病",
    "dose": "使用量",
    "group": "剤",
}


def read_claim(text: str, day: date | None) -> Claim:
    """The claim, or PageError naming the row and the field in words."""
    if not text.strip():
        raise PageError(
            "明細を入れてください（1行に「コード, 日付, 回数, 主病, 使用量, 剤」）。"
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
        given = dict(zip(FIELD_NAMES, fields, strict=False))
        given = {k: v for k, v in given.items() if v}
        if "date" not in given:
            if day is None:
                raise PageError(
                    f"明細 {number} 行目に日付がありません。"
                    "日付を書くか、適用日 A を入れてください。"
                )
            given["date"] = day.isoformat()
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


def _first(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(p) for p in problem["loc"])
    field = FIELD_NAMES.get(where, where)
    given = problem.get("input")
    shown = f"「{given}」" if isinstance(given, str | int) else ""
    return f"{field}{shown}: {problem['msg']}"
