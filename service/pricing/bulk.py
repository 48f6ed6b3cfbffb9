"""Repricing many claim lines at once: numpy over the rule book's interval arrays,
and a compiled kernel for the rules between lines.

Exactly equal to `domain.billing.price_claim`, claim by claim (hypothesis tests
compare both, with the real rule set). Every line is found in its interval with
a binary search; the rules that depend only on the line (unknown, not in force,
unit, eligibility) are applied column-wise; the rules between lines (add-on
bases, exclusions, limits, the cascade of rejected lines) run in the kernel
(`kernel.py`); claims with a rule it does not model go line by line.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import numpy.typing as npt

from domain.billing import price_claim
from domain.claims import Claim, ClaimLine
from domain.rulebook import RuleBook
from service.pricing.columns import (
    I64,
    claim_cuts,
    sums,
)
from service.pricing.kernel import MAX_LINES, Tables, price_claims
from service.pricing.layout import Layout, Lines, _cents

REASONS = (
    "",
    "unknown_code",
    "not_in_force",
    "unsupported_unit",
    "ineligible_disease",
    "missing_base",
    "excluded",
    "limit_exceeded",
    "not_in_group",
)
REASON_CODE = {r: n for n, r in enumerate(REASONS)}
MIN_PART = 100_000  # lines: below this a part is not worth a thread
MAX_CLAIMS = 1 << 21  # keys pack (claim, code, window) into one int64


@dataclass
class Priced:
    """The answer, column-wise: per line (reason 0 = priced) and per claim, in
    hundredths (cents of a point or of a yen) so that every sum is exact."""

    reason: I64
    interval: I64  # index into BulkPricer.intervals, -1 when none
    amount_cents: I64
    points_cents: I64  # per claim
    yen_cents: I64  # per claim, yen lines only

    def priced(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.reason == 0, dtype=np.bool_)

    def total_yen_cents(self) -> I64:
        return 10 * self.points_cents + self.yen_cents


PRICED_FIELDS = tuple(f.name for f in fields(Priced))


class BulkPricer(Layout):
    """Prices many claims at once over the rule book's arrays."""

    def __init__(self, book: RuleBook) -> None:
        super().__init__(book)
        self.kernel_tables = Tables.of(self)

    def price(
        self, lines: Lines, workers: int | None = None, min_part: int = MIN_PART
    ) -> Priced:
        """Every line priced; large inputs are cut at claim boundaries into one
        part per core, priced in threads (numpy releases the GIL) and joined."""
        n = len(lines.day)
        workers = min(workers or os.cpu_count() or 1, max(1, n // min_part))
        cuts = claim_cuts(lines.claim, workers)
        if len(cuts) <= 2:
            return self._price_part(lines)
        parts = [lines.part(lo, hi) for lo, hi in itertools.pairwise(cuts)]
        with ThreadPoolExecutor(len(parts)) as pool:
            priced = list(pool.map(self._price_part, parts))
        return Priced(
            *(np.concatenate([getattr(p, f) for p in priced]) for f in PRICED_FIELDS)
        )

    def _price_part(self, lines: Lines) -> Priced:
        n = len(lines.day)
        claims = int(lines.claim.max()) + 1 if n else 0
        if claims > MAX_CLAIMS:
            raise ValueError(f"price at most {MAX_CLAIMS} claims at a time")
        if not self.intervals:  # an empty book knows no code
            zeros = np.zeros(n, np.int64)
            return Priced(
                np.full(n, REASON_CODE["unknown_code"], np.int64),
                np.full(n, -1, np.int64),
                zeros,
                np.zeros(claims, np.int64),
                np.zeros(claims, np.int64),
            )
        # 1. each line's interval
        code = self._code_ids(np.asarray(lines.code))
        iv, iv_ok = self._intervals(code, lines.day)
        iv_safe = np.where(iv_ok, iv, 0)
        found = (code >= 0) & iv_ok & (lines.day < self.iv_end[iv_safe])
        reason = np.zeros(n, np.int64)
        reason[(code >= 0) & ~found] = 2
        reason[code < 0] = 1
        unit = np.where(found, self.iv_unit[iv_safe], -1)
        reason[found & (unit == 2)] = 3
        # 2. eligibility (few lines: their items carry a disease list)
        check = np.flatnonzero(found & (unit < 2) & self.iv_eligible[iv_safe])
        for i in check:
            prefixes = self.intervals[iv_safe[i]].state.eligible_diseases
            if not str(lines.disease[i]).startswith(prefixes):
                reason[i] = 4
        # 3. the rules between lines: the compiled kernel, claim by claim; a
        # claim with a rule it does not model, or a very long one, goes to the
        # single-claim path
        by_line = np.zeros(claims, dtype=bool)
        by_line[lines.claim[found & self.iv_line_by_line[iv_safe]]] = True
        starts = np.searchsorted(lines.claim, np.arange(claims + 1))
        by_line |= (starts[1:] - starts[:-1]) > MAX_LINES
        amount = np.zeros(n, np.int64)
        price_claims(
            self.kernel_tables,
            np.flatnonzero(~by_line),
            starts,
            code,
            lines.day,
            lines.quantity,
            iv_safe,
            self.iv_cents,
            reason,
            amount,
        )
        interval = np.where(found, iv_safe, -1)
        priced = reason == 0
        points = sums(lines.claim, np.where(priced & (unit == 0), amount, 0), claims)
        yen = sums(lines.claim, np.where(priced & (unit == 1), amount, 0), claims)
        # 4. the other claims, line by line
        for c in np.flatnonzero(by_line).tolist():
            lo, hi = int(starts[c]), int(starts[c + 1])
            exact = price_claim(_claim(lines, lo, hi, str(c)), self.book)
            for offset, line in enumerate(exact.lines):
                reason[lo + offset] = REASON_CODE[line.reason or ""]
                amount[lo + offset] = _cents(line.amount)
            points[c] = _cents(exact.total_points)
            yen[c] = _cents(exact.total_yen - 10 * exact.total_points)
        return Priced(reason, interval, amount, points, yen)

    def _code_ids(self, codes: npt.NDArray[np.str_]) -> I64:
        """Each code's number in the book, -1 when unknown."""
        if codes.dtype.kind != "U" or not self._table.usable or not len(codes):
            ids = self.code_id.get
            return np.fromiter(
                (ids(c, -1) for c in codes.tolist()), np.int64, len(codes)
            )
        return self._table.find(codes)

    def _intervals(self, code: I64, day: I64) -> tuple[I64, npt.NDArray[np.bool_]]:
        """The last interval of each line's code starting on or before its day
        (a binary search within the code's few intervals, all lines at once), and
        whether there is one."""
        known = code >= 0
        safe = np.where(known, code, 0)
        lo = self.code_first[safe]
        hi = lo + np.where(known, self.code_count[safe], 0)
        first = lo.copy()
        for _ in range(self.max_count.bit_length()):
            mid = (lo + hi) >> 1
            going = lo < hi
            later = self.iv_start[np.minimum(mid, len(self.iv_start) - 1)] <= day
            right = going & later
            lo = np.where(right, mid + 1, lo)
            hi = np.where(going & ~later, mid, hi)
        return lo - 1, lo > first


def _claim(lines: Lines, lo: int, hi: int, claim_id: str) -> Claim:
    return Claim(
        claim_id,
        tuple(
            ClaimLine(
                str(lines.code[i]),
                date.fromordinal(int(lines.day[i])),
                int(lines.quantity[i]),
                str(lines.disease[i]) or None,
            )
            for i in range(lo, hi)
        ),
    )
