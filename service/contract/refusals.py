"""A refused field in words, never a validator's text: what was given, what is
expected and an example, in English for the API and the CLI (its `type` stays
pydantic's, a stable code) and in Japanese for the pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core import ErrorDetails

# What a field expects, by the last name of its location: (English, Japanese).
EXPECTED: dict[str, tuple[str, str]] = {
    "code": (
        "a 9-digit レセ電 code (111000110), a 区分番号 (A000) or a kaitei code "
        "(futan.shokuji.ippan)",
        "9桁のレセ電コード（111000110）か区分番号（A000）",
    ),
    "disease": (
        "an ICD-10 code (I10, J06.9), a 7-digit 傷病名コード (8833421) or a disease "
        "name (高血圧症)",
        "ICD-10（I10、J06.9）、7桁の傷病名コード（8833421）か傷病名（高血圧症）",
    ),
    "kubun": (
        "a 区分番号 such as A000 or B001-3-3",
        "A000 や B001-3-3 のような区分番号",
    ),
    "chapter": ("a 章 A … O, or - for none", "章 A〜O（区分番号なしは -）"),
    "id": (
        "letters, digits, . _ - (up to 100), e.g. r6-2024",
        "英数字と . _ -（100文字まで）。例: r6-2024",
    ),
}
JA_FIELDS = {
    "code": "コード",
    "date": "日付",
    "quantity": "回数",
    "disease": "主病",
    "dose": "使用量",
    "group": "剤",
    "id": "ID",
    "patient": "患者",
    "billed": "請求点数",
    "lines": "明細",
}


def english(problem: ErrorDetails | Mapping[str, Any]) -> str:
    """What pydantic refused, said for an API client or the CLI."""
    kind, given, ctx = problem["type"], problem.get("input"), problem.get("ctx") or {}
    field = _field(problem["loc"])
    shown = repr(given) if isinstance(given, str | int | float) else "the value"
    if kind in OURS:
        return str(problem["msg"])
    if kind in ("string_pattern_mismatch", "string_type") and field in EXPECTED:
        return f"{shown} is not {EXPECTED[field][0]}"
    if kind == "string_pattern_mismatch":
        return f"{shown} is not in the form this field takes"
    if kind == "missing":
        return "this field is required"
    if kind == "int_parsing" or kind == "int_from_float":
        return f"{shown} is not a whole number (e.g. 1)"
    if kind in ("decimal_parsing", "float_parsing", "decimal_type"):
        return f"{shown} is not a number (e.g. 2.5)"
    if kind in BOUNDS:
        word, key = BOUNDS[kind]
        return f"{shown} {word} {ctx.get(key)}"
    if kind in ("string_too_long", "too_long"):
        return f"longer than {ctx.get('max_length')} (characters or entries)"
    if kind in ("string_too_short", "too_short"):
        return f"shorter than {ctx.get('min_length')} (characters or entries)"
    if kind == "literal_error" or kind == "enum":
        return f"{shown} is not one of {ctx.get('expected')}"
    if kind == "value_error":
        return str(problem["msg"]).removeprefix("Value error, ")
    if kind == "json_invalid":
        return f"the body is not JSON ({ctx.get('error', 'unreadable')})"
    if kind == "extra_forbidden":
        return f"{field!r} is not a field this takes"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "an object ({…}) is expected here"
    if kind == "list_type":
        return "a list ([…]) is expected here"
    if kind == "bool_parsing":
        return f"{shown} is not true or false"
    return f"{shown} is not valid here"


# refusals kaitei words itself (PydanticCustomError): their text is already words
OURS = frozenset({"disease", "supplies", "group", "refused", "change_refused"})
BOUNDS = {
    "greater_than_equal": ("is below the least allowed:", "ge"),
    "greater_than": ("is not above", "gt"),
    "less_than_equal": ("is above the most allowed:", "le"),
    "less_than": ("is not below", "lt"),
}


def japanese(problem: ErrorDetails | Mapping[str, Any]) -> str:
    """What pydantic refused, said on a page: 「given」 and what is expected."""
    kind, given, ctx = problem["type"], problem.get("input"), problem.get("ctx") or {}
    field = _field(problem["loc"])
    name = JA_FIELDS.get(field, field)
    shown = f"「{given}」" if isinstance(given, str | int | float) else ""
    said = f"{name}{shown}"
    if kind == "supplies":
        return f"{said}: 使用量と剤は医薬品（6…）か特定器材（7…）の行にだけ書けます。"
    if kind in ("string_pattern_mismatch", "string_type", "disease") and (
        field in EXPECTED
    ):
        return f"{said}は読めません。{EXPECTED[field][1]}で入れてください。"
    if kind == "missing":
        return f"{name}がありません。"
    if kind in ("int_parsing", "int_from_float"):
        return f"{said}は整数ではありません（例: 1）。"
    if kind in ("decimal_parsing", "float_parsing", "decimal_type"):
        return f"{said}は数ではありません（例: 2.5）。"
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        more = "以上" if kind == "greater_than_equal" else "より大きい数"
        return f"{said}は小さすぎます。{bound}{more}で入れてください。"
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        less = "以下" if kind == "less_than_equal" else "未満"
        return f"{said}は大きすぎます。{bound}{less}で入れてください。"
    if kind in ("string_too_long", "too_long"):
        return f"{name}が長すぎます（{ctx.get('max_length')} まで）。"
    if kind == "json_invalid":
        return "JSON として読めません（括弧や引用符を確かめてください）。"
    if kind == "extra_forbidden":
        return f"「{field}」という項目はありません。"
    if kind == "value_error" and field == "date":
        return not_a_date_ja(said)
    return f"{said}は読めません。"


def not_a_date_ja(said: str) -> str:
    """`said` (a field and what was typed) is not a date, and the forms that are."""
    return (
        f"{said}は日付として読めません。2024-06-03、2024/6/3、20240603 や R6.6.3 "
        "の形で入れてください。"
    )


def _field(loc: Sequence[object]) -> str:
    """The last named part of a location (`lines.0.code` → code)."""
    names = [str(p) for p in loc if isinstance(p, str)]
    return names[-1] if names else ""
