"""The rules between the lines of one claim: 背反 (exclusions), 算定回数
(limits) and 入院基本料 groups, each answered with the rule that decided, so a
user can find it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from domain.billed import Billed, BilledLines
from domain.claims import ClaimLine
from domain.patients import SPANS_CLAIMS, Patient, checks, counted
from domain.rules import TABLE_BEGAN, Exclusion, Grouping, Limit, Rule, rule_dict
from domain.timeline import Interval

# Limits that span claims (a claim is one patient's month): counted with the
# patient's earlier claims when the claim names its patient (and, 入院中, its
# admission); else within the claim only, and the line says `unchecked`.
ACROSS_CLAIMS = {
    "weeks_2": "２週",
    "months_2": "２月",
    "months_3": "３月",
    "months_4": "４月",
    "months_6": "６月",
    "months_12": "１２月",
    "years_5": "５年",
    "patient": "患者当り",
    "admission": "入院中",
    "first_time": "初回",
}
assert ACROSS_CLAIMS.keys() == SPANS_CLAIMS


@dataclass(frozen=True)
class Verdict:
    """What a rule between lines decided for a new line: rejected (reason,
    detail, rule), or billed with the earlier lines it displaces."""

    reason: str | None = None
    detail: str | None = None
    rule: dict[str, object] | None = None
    displaced: tuple[tuple[Billed, dict[str, object]], ...] = ()
    special: bool = False


def exclusion_verdict(
    index: int,
    line: ClaimLine,
    item: Interval,
    billed: BilledLines,
    declaring: Collection[str],
) -> Verdict:
    """背反: the new line against the billed lines it shares a rule with; `keep`
    decides which stays (`first`: the earlier one), whatever the order of the
    two lines. Refused, it names the earliest line that refuses it.
    `declaring`: the codes whose rules name the new line's code."""
    refused: tuple[Billed, Exclusion] | None = None
    displaced: list[tuple[Billed, dict[str, object]]] = []
    for lines in billed.partners(item, declaring):
        earlier = lines[0]  # one code on one date: one item, one rule
        found = _exclusion(item, earlier.item)
        if found is None or not same(found[0].scope, line.date, earlier.line.date):
            continue
        rule, new_wins = found
        if not new_wins:
            if refused is None or earlier.index < refused[0].index:
                refused = (earlier, rule)
            continue
        described = {**_described(rule), "other_code": line.code, "other_line": index}
        displaced += [(b, described) for b in lines]
    if refused is not None:
        earlier, rule = refused
        return Verdict(
            "excluded",
            f"{line.code} is not billable with {earlier.line.code} (line "
            f"{earlier.index}) in the same {rule.scope}{_where(rule)}",
            {
                **_described(rule),
                "other_code": earlier.line.code,
                "other_line": earlier.index,
            },
            special=rule.special,
        )
    return Verdict(displaced=tuple(sorted(displaced, key=lambda d: d[0].index)))


def _exclusion(new: Interval, old: Interval) -> tuple[Exclusion, bool] | None:
    """The exclusion between two items (declared on either) and whether the new
    line is the one billed."""
    rule = new.state.excluding.get(old.state.code)
    if rule is not None:
        return rule, rule.keep == "this"
    rule = old.state.excluding.get(new.state.code)
    if rule is not None:
        return rule, rule.keep == "other"
    return None


def limit_verdict(
    line: ClaimLine, item: Interval, billed: BilledLines, patient: Patient | None
) -> tuple[Verdict, tuple[str, ...]]:
    """算定回数: every limit of the item at once; and the units this claim alone
    cannot settle (the patient or admission is not known, or the unit is not
    countable from claim data). A known patient's earlier claims count."""
    unchecked: list[str] = []
    for rule in item.state.limits:
        if rule.per == "unchecked":
            unchecked.append(rule.unit or "unchecked")
            continue
        window = rule.per if rule.per not in ACROSS_CLAIMS else "claim"
        if rule.per == "weeks_2":
            window = "weeks_2"
        used = sum(
            quantity
            for day, quantity in billed.quantities(line.code)
            if same(window, line.date, day)
        )
        across = rule.per in ACROSS_CLAIMS
        before = 0
        if across and patient is not None and checks(rule.per, patient):
            found = counted(rule.per, line.date, patient, line.code)
            before = sum(past.quantity for past in found)
        if used + before + line.quantity > rule.max:
            unit = rule.unit or rule.per
            earlier = f" and {before} on the patient's earlier claims" if before else ""
            return (
                Verdict(
                    "limit_exceeded",
                    f"{line.code}: at most {rule.max} per {unit}{_where(rule)}; "
                    f"{used} already billed in this claim{earlier}",
                    _described(rule),
                    special=rule.special,
                ),
                (),
            )
        if across and not checks(rule.per, patient):
            unchecked.append(rule.unit or ACROSS_CLAIMS[rule.per])
    return Verdict(), tuple(unchecked)


# What a 加算 of the 入院基本料テーブル cannot be checked without: an 入院料 billed
# before it on its day.
NO_WARD = "入院料"


def group_verdict(
    line: ClaimLine, item: Interval, billed: BilledLines
) -> tuple[Verdict, tuple[str, ...]]:
    """入院基本料: an 入院基本料等加算 goes with the 入院料 billed before it that
    day only if the 入院料's group lists it, and then once per 加算識別. With no
    入院料 before it that day the line is priced and unchecked."""
    allowed = item.state.allowed_with
    if not allowed:
        return Verdict(), ()
    wards = billed.wards(line.date)
    if not wards:
        return Verdict(), (NO_WARD,)
    ward = wards[0]
    group = ward.item.state.ward
    assert group is not None
    other = {"other_code": ward.line.code, "other_line": ward.index}
    mine = allowed.get(group.group)
    if mine is None:
        return Verdict(
            "not_in_group",
            f"{line.code} is not an 入院基本料等加算 of {ward.line.code} (line "
            f"{ward.index}): its group {group.group} does not list it{_where(group)}",
            {**_described(group), **other},
        ), ()
    for b in billed.addons(line.date):
        theirs = b.item.state.allowed_with.get(group.group)
        if theirs is not None and theirs.ident == mine.ident:
            return Verdict(
                "not_in_group",
                f"{line.code} has the 加算識別 {mine.ident} of {b.line.code} (line "
                f"{b.index}) in group {group.group} of {ward.line.code}: one "
                f"加算 a day per 加算識別{_where(mine)}",
                {**_described(mine), "other_code": b.line.code, "other_line": b.index},
            ), ()
    return Verdict(), ()


def _described(rule: Rule) -> dict[str, object]:
    kind = {Limit: "limit", Grouping: "group"}.get(type(rule), "exclusion")
    return {"kind": kind, **rule_dict(rule)}


def _where(rule: Rule) -> str:
    if rule.table is None:
        return ""
    since = f", 新設 {rule.since}" if rule.since else ""
    if rule.since == TABLE_BEGAN:
        since = ", 新設 2010-04-01: since the table began"
    return f" ({rule.table} line {rule.row}{since})"


def same(per: str, a: date, b: date) -> bool:
    """Whether two dates fall in the same day, week (Sun–Sat), month or claim."""
    if per in ("day", "same_time", "first_visit", "admission_first_day", "discharge"):
        return a == b
    if per == "week":
        return _sunday(a) == _sunday(b)
    if per == "month":
        return (a.year, a.month) == (b.year, b.month)
    if per == "weeks_2":
        return abs((a - b).days) < 14
    return True  # per claim


def _sunday(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)
