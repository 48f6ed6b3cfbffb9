"""A replay: claims priced in file order under one rule book, each patient's
earlier claims in the file counting for the limits that span claims, every
line reported. Memory holds one claim, the ids seen and, per patient, only the
billings a limit across claims counts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from domain.billing import PricedClaim, price_claim, remember
from domain.claims import Claim
from domain.patients import History
from domain.rulebook import RuleBook
from service.replay.files import Advance, read_claims
from service.replay.report import ReportWriter, report_rows, report_writer


@dataclass
class Tally:
    """What a replay counted: claims, claims whose total equals the billed
    one (or that carry none), lines and rejected lines."""

    claims: int = 0
    matched: int = 0
    lines: int = 0
    rejected: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.claims + other.claims,
            self.matched + other.matched,
            self.lines + other.lines,
            self.rejected + other.rejected,
        )

    def __iadd__(self, other: Tally) -> Tally:
        return self + other

    def count(self, priced: PricedClaim, matched: bool) -> None:
        self.claims += 1
        self.matched += matched
        self.lines += len(priced.lines)
        self.rejected += sum(x.status == "rejected" for x in priced.lines)


def priced_in_turn(
    claims: Iterable[Claim], book: RuleBook
) -> Iterator[tuple[Claim, PricedClaim, bool]]:
    """Each claim priced, with whether it matches what was billed; a patient's
    claims count the ones before them (list them in date order)."""
    histories: dict[str, History] = {}
    for claim in claims:
        history = None
        if claim.patient is not None:
            history = histories.setdefault(claim.patient, History())
        priced = price_claim(claim, book, history)
        if history is not None:
            remember(priced, claim, history, book)
        yield claim, priced, claim.billed_points in (None, priced.total_points)


def replay_file(
    claims_file: Path,
    book: RuleBook,
    report: Path | None,
    max_lines: int,
    advance: Advance = lambda _: None,
) -> Tally:
    """Replay a claim file, writing the report when one is named."""
    claims = read_claims(claims_file, max_lines, advance)
    if report is None:
        return _replayed(claims, book, None)
    with report_writer(report) as writer:
        return _replayed(claims, book, writer)


def _replayed(
    claims: Iterable[Claim], book: RuleBook, writer: ReportWriter | None
) -> Tally:
    tally = Tally()
    for claim, priced, matched in priced_in_turn(claims, book):
        tally.count(priced, matched)
        if writer is not None:
            writer.write(report_rows(priced, matched, claim.patient))
    return tally
