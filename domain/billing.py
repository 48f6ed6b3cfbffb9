"""Billing rules applied to a claim (レセプト): each line priced under the rules
in force on its own date, or rejected with its reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.claims import Claim, ClaimLine
from domain.rulebook import RuleBook
from domain.timeline import Interval
from domain.vocabulary import PRICED_UNITS

YEN_PER_POINT = 10


@dataclass(frozen=True)
class PricedLine:
    """One line's answer: priced with its unit value and revision, or rejected."""

    index: int
    line: ClaimLine
    status: str  # priced | rejected
    unit: str | None = None
    unit_value: Decimal | None = None
    amount: Decimal = Decimal(0)
    revision: str | None = None
    source: str | None = None
    reason: str | None = None  # why it was rejected (API.md's reasons)
    detail: str | None = None  # the same, in words


@dataclass(frozen=True)
class PricedClaim:
    id: str
    lines: tuple[PricedLine, ...]
    total_points: Decimal
    total_yen: Decimal
    billed_points: Decimal | None = None


def price_claim(claim: Claim, book: RuleBook) -> PricedClaim:
    """Price every line in claim order; a rejected line counts for no later rule."""
    priced: list[tuple[ClaimLine, Interval]] = []
    answers: list[PricedLine] = []
    for index, line in enumerate(claim.lines):
        found = book.on(line.code, line.date)
        refusal = _refusal(line, found, book, priced)
        if refusal is not None:
            reason, detail = refusal
            answers.append(
                PricedLine(index, line, "rejected", reason=reason, detail=detail)
            )
            continue
        assert found is not None
        state = found.state
        priced.append((line, found))
        answers.append(
            PricedLine(
                index,
                line,
                "priced",
                unit=state.unit,
                unit_value=state.value,
                amount=state.value * line.quantity,
                revision=found.revision,
                source=found.source,
            )
        )
    points = sum((a.amount for a in answers if a.unit == "point"), Decimal(0))
    yen = sum((a.amount for a in answers if a.unit == "yen"), Decimal(0))
    return PricedClaim(
        claim.id,
        tuple(answers),
        total_points=points,
        total_yen=YEN_PER_POINT * points + yen,
        billed_points=claim.billed_points,
    )


def _refusal(
    line: ClaimLine,
    found: Interval | None,
    book: RuleBook,
    priced: Sequence[tuple[ClaimLine, Interval]],
) -> tuple[str, str] | None:
    if found is None:
        if not book.history(line.code):
            return "unknown_code", f"no item {line.code} is recorded"
        return "not_in_force", f"{line.code} is not in force on {line.date}"
    state = found.state
    if state.unit not in PRICED_UNITS:
        return "unsupported_unit", (
            f"{line.code} is a {state.unit} item (点数識別): kaitei prices point and "
            "yen items only"
        )
    if state.eligible_diseases and not any(
        (line.disease or "").startswith(prefix) for prefix in state.eligible_diseases
    ):
        return "ineligible_disease", (
            f"{line.code} on {line.date} needs a disease in "
            f"{', '.join(state.eligible_diseases[:8])}"
            f"{'…' if len(state.eligible_diseases) > 8 else ''}; "
            f"the line has {line.disease or 'none'}"
        )
    if state.addon_to and not any(
        p.code in state.addon_to and p.date == line.date for p, _ in priced
    ):
        return "missing_base", (
            f"{line.code} is an add-on: it needs a priced line of "
            f"{' or '.join(state.addon_to)} on {line.date}"
        )
    for other, rules in priced:
        scope = _exclusion_scope(found, rules)
        if scope is not None and _same(scope, line.date, other.date):
            return "excluded", (
                f"{line.code} is not billable with {other.code} in the same {scope}"
            )
    for limit in state.limits:
        used = sum(
            p.quantity
            for p, _ in priced
            if p.code == line.code and _same(limit.per, line.date, p.date)
        )
        if used + line.quantity > limit.max:
            return "limit_exceeded", (
                f"{line.code}: at most {limit.max} per {limit.per}; "
                f"{used} already billed"
            )
    return None


def _exclusion_scope(line: Interval, other: Interval) -> str | None:
    """The scope of an exclusion between two items, declared on either."""
    for declaring, partner in ((line, other), (other, line)):
        for exclusion in declaring.state.exclusions:
            if exclusion.code == partner.state.code:
                return exclusion.scope
    return None


def _same(per: str, a: date, b: date) -> bool:
    """Whether two dates fall in the same day, week (Sun–Sat), month or claim."""
    if per == "day":
        return a == b
    if per == "week":
        return _sunday(a) == _sunday(b)
    if per == "month":
        return (a.year, a.month) == (b.year, b.month)
    return True  # per claim


def _sunday(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)
