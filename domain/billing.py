"""Billing rules applied to a claim (レセプト): each line priced under the rules
in force on its own date, or rejected with its reason."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from domain.billed import Billed, BilledLines
from domain.claims import Claim, ClaimLine
from domain.line_rules import (
    Verdict,
    exclusion_verdict,
    group_verdict,
    limit_verdict,
)
from domain.lookup import filed_under, is_kubun
from domain.master_fields import unchecked_fields
from domain.patients import History, PastLine, Patient
from domain.priced import PricedClaim as PricedClaim
from domain.priced import PricedLine as PricedLine
from domain.rulebook import RuleBook
from domain.supplies import priced_supplies
from domain.timeline import Interval
from domain.vocabulary import PRICED_UNITS

YEN_PER_POINT = 10


def price_claim(
    claim: Claim, book: RuleBook, history: History | None = None
) -> PricedClaim:
    """Price every line in claim order; a rejected line counts for no later rule.
    A line that a 背反 rule bills in place of an earlier one displaces it.
    `history` holds what the patient's earlier claims billed (none given: an
    empty one when the claim names its patient)."""
    patient = None
    if claim.patient is not None:
        patient = Patient(history or History(), claim.admission)
    billed = BilledLines()
    answers: list[PricedLine] = []
    for index, line in enumerate(claim.lines):
        found = book.on(line.code, line.date)
        refusal = _refusal(line, found, book, billed)
        verdict, between = Verdict(), Verdict()
        unchecked: tuple[str, ...] = ()
        if refusal is None:
            assert found is not None
            verdict = between = exclusion_verdict(
                index, line, found, billed, book.declaring(line.code)
            )
            if verdict.reason is None:
                verdict, unchecked = limit_verdict(line, found, billed, patient)
            if verdict.reason is None:
                verdict, unplaced = group_verdict(line, found, billed)
                unchecked += unplaced + unchecked_fields(found.state.attributes)
        if refusal is not None or verdict.reason is not None:
            reason, detail = refusal or (verdict.reason or "", verdict.detail)
            answers.append(
                PricedLine(
                    index,
                    line,
                    "rejected",
                    reason=reason,
                    detail=detail,
                    rule=None if refusal else verdict.rule,
                    special_condition=False if refusal else verdict.special,
                )
            )
            continue
        assert found is not None
        for earlier, rule in between.displaced:
            billed.remove(earlier)
            answers[earlier.index] = _displaced(answers[earlier.index], line, rule)
        billed.add(Billed(index, line, found))
        state = found.state
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
                unchecked=unchecked,
            )
        )
    answers = priced_supplies(answers)
    priced = [a for a in answers if a.status == "priced"]
    points = sum((a.amount for a in priced if a.in_points), Decimal(0))
    yen = sum((a.amount for a in priced if not a.in_points), Decimal(0))
    return PricedClaim(
        claim.id,
        tuple(answers),
        total_points=points,
        total_yen=YEN_PER_POINT * points + yen,
        billed_points=claim.billed_points,
    )


def price_in_order(
    claims: Sequence[Claim], book: RuleBook, history: History | None = None
) -> list[PricedClaim]:
    """One patient's claims priced in date order (first line, then id), each
    counting what the claims before it billed; answered in the order given."""
    history = history if history is not None else History()
    order = sorted(
        range(len(claims)), key=lambda n: (claims[n].first_date, claims[n].id)
    )
    answers: dict[int, PricedClaim] = {}
    for n in order:
        answers[n] = priced = price_claim(claims[n], book, history)
        remember(priced, claims[n], history, book)
    return [answers[n] for n in range(len(claims))]


def remember(
    priced: PricedClaim, claim: Claim, history: History, book: RuleBook
) -> None:
    """Add a priced claim's billed lines to its patient's history: those of the
    codes that a limit across claims counts (the rest never would be)."""
    for answer in priced.lines:
        if answer.status == "priced" and book.spans_claims(answer.line.code):
            line = answer.line
            history.add(line.code, PastLine(line.date, line.quantity, claim.admission))


def _displaced(
    answer: PricedLine, winner: ClaimLine, rule: dict[str, object]
) -> PricedLine:
    return PricedLine(
        answer.index,
        answer.line,
        "rejected",
        reason="excluded",
        detail=(
            f"{answer.line.code} is not billable with {winner.code} (line "
            f"{rule.get('other_line')}) in the same {rule.get('scope')}: the 背反 rule"
            + (
                f" ({rule['table']} line {rule.get('row')})"
                if rule.get("table")
                else ""
            )
            + f" bills {winner.code}"
        ),
        rule=rule,
        special_condition=bool(rule.get("special")),
    )


def unknown(line: ClaimLine, book: RuleBook) -> str:
    """Why a code is not billable at all, in words: a 区分番号 is answered with
    the codes filed under it that day (A000 は区分番号です: 111000110 初診料, …)."""
    if not is_kubun(line.code):
        return f"no item {line.code} is recorded"
    filed = filed_under(line.code, book.in_force(line.date))
    if not filed:
        return (
            f"no item {line.code} is recorded (a 区分番号 with no code on {line.date})"
        )
    shown = ", ".join(f"{i.state.code} {i.state.name}" for i in filed[:8])
    more = f" and {len(filed) - 8} more" if len(filed) > 8 else ""
    return (
        f"{line.code} は区分番号です: bill one of its codes on {line.date}: "
        f"{shown}{more}"
    )


def _refusal(
    line: ClaimLine,
    found: Interval | None,
    book: RuleBook,
    billed: BilledLines,
) -> tuple[str, str] | None:
    """The checks of the line on its own, and its add-on base."""
    if found is None:
        if not book.history(line.code):
            return "unknown_code", unknown(line, book)
        return "not_in_force", book.why_not_in_force(line.code, line.date)
    state = found.state
    if state.unit not in PRICED_UNITS:
        return "unsupported_unit", (
            f"{line.code} is a {state.unit} item (点数識別): kaitei prices point and "
            "yen items only"
        )
    if not state.eligible(line.disease):
        return "ineligible_disease", (
            f"{line.code} on {line.date} needs a disease in "
            f"{', '.join(state.eligible_diseases[:8])}"
            f"{'…' if len(state.eligible_diseases) > 8 else ''}; "
            f"the line has {line.disease or 'none'}"
        )
    if state.addon_to and not billed.has_any(state.addon_bases, line.date):
        return "missing_base", (
            f"{line.code} is an add-on: it needs a priced line of "
            f"{' or '.join(state.addon_to)} on {line.date}"
        )
    return None
