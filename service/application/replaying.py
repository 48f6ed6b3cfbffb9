"""Replaying stored claims: each repriced now and as when it was stored."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.billing import price_claim
from domain.claims import Claim, ClaimLine
from domain.rulebook import RuleBook
from domain.timeline import Interval, refuse_backwards
from service.application.reading import Reading
from service.application.results import Replayed


class Replaying(Reading):
    def replay(
        self,
        start: date,
        end: date,
        known_at: datetime | None = None,
        scenario: Sequence[str] = (),
    ) -> Iterator[Replayed]:
        """Reprice every stored claim with a line in [start, end]: each against
        what it was billed and against the rules recorded when it was stored."""
        refuse_backwards(start, end)
        book = self.rules(None, known_at, scenario)
        recorded: BooksAsRecorded | None = None  # read with the first claim
        for row in self.view.claims_between(start, end):
            recorded = recorded or BooksAsRecorded(self.view.interval_records())
            claim = _stored_claim(row)
            codes = {line.code for line in claim.lines}
            then = recorded.at(codes, row["recorded_at"])
            yield Replayed(price_claim(claim, then), price_claim(claim, book))


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


def _stored_claim(row: dict[str, Any]) -> Claim:
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
    )
