"""A replay: claims priced in file order under one rule book, each patient's
earlier claims in the file counting for the limits that span claims, every
line reported. The file is read a batch of whole claims at a time and priced
by the bulk pricer (`repricing.py`); memory holds a batch, the ids seen and,
per patient, only the billings a limit across claims counts.

`priced_in_turn` is the same replay one claim at a time through
`domain.billing`: the reference the bulk path is tested against."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from domain.billing import PricedClaim, price_claim, remember
from domain.claims import Claim
from domain.patients import History
from domain.rulebook import RuleBook
from service.replay.batches import read_batches
from service.replay.files import Advance
from service.replay.report import report_writer
from service.replay.repricing import Repricer
from service.replay.tally import Tally

__all__ = ["Tally", "priced_in_turn", "replay_file"]


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
    book: RuleBook | Repricer,
    report: Path | None,
    max_lines: int,
    advance: Advance = lambda _: None,
) -> Tally:
    """Replay a claim file, writing the report when one is named. A Repricer
    may be given for the book (one built once serves many files)."""
    repricer = book if isinstance(book, Repricer) else Repricer(book)
    batches = read_batches(claims_file, max_lines, advance)
    patients = repricer.patients()
    tally = Tally()
    if report is None:
        for rows in batches:
            tally += repricer.report(rows, patients)[1]
        return tally
    # a batch is written while the next is read and priced (both let go of
    # the GIL), at most one batch waiting
    with report_writer(report) as writer, ThreadPoolExecutor(1) as pool:
        pending: Future[None] | None = None
        for rows in batches:
            table, counted = repricer.report(rows, patients)
            if pending is not None:
                pending.result()
            pending = pool.submit(writer.write_table, table)
            tally += counted
        if pending is not None:
            pending.result()
    return tally
