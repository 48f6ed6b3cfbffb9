"""An item's rules over valid time, in words (Japanese), each with the dates it
was in force: add-on bases, 算定回数, 背反, 入院基本料 groups, target diseases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.rules import Exclusion, Grouping, Limit, Rule, rule_dict
from domain.timeline import Interval

PER = {
    "day": "1日",
    "week": "1週（日〜土）",
    "month": "1月",
    "claim": "1レセプト",
    "patient": "患者当り",
    "admission": "入院中",
    "first_visit": "初診時",
    "first_time": "初回",
}
SCOPE = {"day": "同一日", "month": "同一月", "week": "同一週", "same_time": "同時"}
KEEP = {"this": "この項目を算定", "other": "相手を算定", "first": "先に算定した方"}
SHOWN = 300  # rows of one kind at most on a page


@dataclass(frozen=True)
class RuleRow:
    kind: str
    other: str  # the other item's code (an add-on's base, a 背反 partner) or ""
    text: str
    start: date
    end: date | None
    source: str


Key = tuple[str, str, str]  # kind, other code, text


def rule_rows(history: Sequence[Interval]) -> list[RuleRow]:
    """Every rule the item carried, with each run of dates it was in force."""
    runs: dict[Key, list[list[date | None]]] = {}
    sources: dict[Key, str] = {}
    for interval in history:
        for key, source in _described(interval):
            spans = runs.setdefault(key, [])
            if spans and spans[-1][1] == interval.valid_from:
                spans[-1][1] = interval.valid_to
            else:
                spans.append([interval.valid_from, interval.valid_to])
            sources[key] = source
    rows = [
        RuleRow(kind, other, text, start, end, sources[(kind, other, text)])
        for (kind, other, text), spans in runs.items()
        for start, end in spans
        if start is not None
    ]
    order = ["加算の基本項目", "算定回数", "背反", "入院基本料", "対象疾患"]
    return sorted(rows, key=lambda r: (order.index(r.kind), r.start, r.other, r.text))


def _described(interval: Interval) -> list[tuple[Key, str]]:
    state = interval.state
    out = [(("加算の基本項目", code, "と同日に算定"), "") for code in state.addon_to]
    out += [
        (("対象疾患", "", f"主病 {prefix}"), "") for prefix in state.eligible_diseases
    ]
    rules: list[Rule] = [*state.limits, *state.exclusions, *state.groups]
    out += [((_kind(rule), _other(rule), _text(rule)), _source(rule)) for rule in rules]
    return out


def _other(rule: Rule) -> str:
    return rule.code if isinstance(rule, Exclusion) else ""


def _kind(rule: Rule) -> str:
    if isinstance(rule, Limit):
        return "算定回数"
    return "背反" if isinstance(rule, Exclusion) else "入院基本料"


def _text(rule: Rule) -> str:
    special = "（特例条件あり: 要確認）" if rule.special else ""
    if isinstance(rule, Limit):
        unit = rule.unit or PER.get(rule.per, rule.per)
        checked = (
            "（請求データから数えられない単位）" if rule.per == "unchecked" else ""
        )
        return f"{unit}につき {rule.max} 回まで{checked}{special}"
    if isinstance(rule, Exclusion):
        return (
            f"と{SCOPE.get(rule.scope, rule.scope)}に併算定不可"
            f"（{KEEP[rule.keep]}）{special}"
        )
    assert isinstance(rule, Grouping)
    if rule.ident is None:
        return f"入院料: 入院基本料テーブルのグループ {rule.group}"
    return f"グループ {rule.group} の入院料に算定可（加算識別 {rule.ident}）"


def _source(rule: Rule) -> str:
    data = rule_dict(rule)
    if not data.get("table"):
        return "改定文書"
    since = f"、新設 {data['since']}" if data.get("since") else ""
    return f"{data['table']} {data.get('row')} 行目{since}"


def shown(rows: list[RuleRow]) -> tuple[list[RuleRow], int]:
    """The rows a page lists, and how many more there are."""
    return rows[:SHOWN], max(0, len(rows) - SHOWN)
