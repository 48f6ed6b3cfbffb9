"""Pricing a claim, and replaying stored claims: each repriced now and as when
it was stored."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.billing import PricedClaim, price_claim, price_in_order
from domain.claims import Claim, ClaimLine
from domain.patients import History
from domain.rulebook import RuleBook
from domain.timeline import Interval, refuse_backwards
from service.application.reading import Reading
from service.application.results import Replayed


class Replaying(Reading):
    """Claims priced, and stored claims replayed, with their patients' other
    stored claims counted for the limits that span claims."""

    def price(
        self,
        claim: Claim,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> PricedClaim:
        """The claim priced line by line under the rules in force on each date."""
        earlier = self._earlier_claims(claim)
        codes = sorted({line.code for c in (claim, *earlier) for line in c.lines})
        book = self.rules(codes, known_at, scenario)
        return price_claim(claim, book, history_of(earlier, book))

    def replay(
        self,
        start: date,
        end: date,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> Iterator[Replayed]:
        """Reprice every stored claim with a line in [start, end]: each against
        what it was billed and against the rules recorded when it was stored.
        The window and scenario are checked at once, the claims as iterated."""
        refuse_backwards(start, end)
        book = self.rules(None, known_at, scenario)
        return self._replayed(book, start, end)

    def _replayed(self, book: RuleBook, start: date, end: date) -> Iterator[Replayed]:
        recorded: BooksAsRecorded | None = None  # read with the first claim
        for row in self.view.claims_between(start, end):
            recorded = recorded or BooksAsRecorded(self.view.interval_records())
            claim = stored_claim(row)
            earlier = self._earlier_claims(claim)
            codes = {line.code for c in (claim, *earlier) for line in c.lines}
            then = recorded.at(codes, row["recorded_at"])
            yield Replayed(
                price_claim(claim, then, history_of(earlier, then)),
                price_claim(claim, book, history_of(earlier, book)),
            )

    def _earlier_claims(self, claim: Claim) -> list[Claim]:
        """The patient's other stored claims that may count for this one's
        limits: those that start no later than it ends."""
        if claim.patient is None:
            return []
        self.look()
        return [
            other
            for other in map(stored_claim, self.view.claims_of_patient(claim.patient))
            if other.id != claim.id and other.first_date <= claim.last_date
        ]


class BooksAsRecorded:
    """Rule books as recorded at any instant, from every interval row held in
    memory: replaying many stored claims, each against the rules recorded when it
    was stored, without a query per claim. The same rows as
    `view.intervals_of(codes, known_at)`: recorded_from <= at < recorded_to."""

    def __init__(self, records: Iterable[tuple[str, str | None, Interval]]) -> None:
        self.by_code: dict[str, list[tuple[str, str | None, Interval]]] = {}
        for record in records:
            self.by_code.setdefault(record[2].state.code, []).append(record)

    def at(self, codes: Iterable[str], moment: str) -> RuleBook:
        """The histories of `codes` as recorded at `moment` (an instant's text)."""
        return RuleBook.of(
            interval
            for code in codes
            for start, end, interval in self.by_code.get(code, ())
            if start <= moment and (end is None or end > moment)
        )


def history_of(claims: Sequence[Claim], book: RuleBook) -> History:
    """What a patient's claims billed, priced in date order under `book`."""
    history = History()
    price_in_order(claims, book, history)
    return history


def stored_claim(row: dict[str, Any]) -> Claim:
    body = row["body"]
    billed = body["billed_points"]
    return Claim(
        row["claim_id"],
        tuple(
            ClaimLine(
                x["code"], date.fromisoformat(x["date"]), x["quantity"], x["disease"]
            )
            for x in body["lines"]
        ),
        None if billed is None else Decimal(billed),
        body.get("patient"),
        body.get("admission"),
    )
