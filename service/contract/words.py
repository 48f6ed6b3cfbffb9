"""How the pages and the CLI word an item's changes in Japanese: units, ops,
amounts and what one history entry changed."""

from __future__ import annotations

from decimal import Decimal

from domain.master_fields import described
from domain.supplies import kind_of
from service.application.results import HistoryEntry

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


def op_word(op: str, code: str) -> str:
    """An op in words; a drug's or material's price is not a 点数."""
    if op == "revise" and kind_of(code) is not None:
        return "価格変更"
    return OPS.get(op, op)


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
