"""Repricing many claim lines at once: numpy over the rule book's interval arrays,
and a compiled kernel for the rules between lines.

Exactly equal to `domain.billing.price_claim`, claim by claim, a known
patient's earlier claims counted (hypothesis tests compare both, with the real
rule set). Every line is found in its interval with a binary search; the rules
that depend only on the line (unknown, not in force, unit, eligibility) are
applied column-wise; the rules between lines (add-on bases, exclusions,
limits, 入院基本料 groups, the cascade of rejected lines) run in the kernel
(`kernel.py`), whatever the claim's length.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numba
import numpy as np
import numpy.typing as npt

from domain.rulebook import RuleBook
from service.pricing.code_table import factorized
from service.pricing.columns import I64, claim_cuts, months, sums
from service.pricing.kernel import price_claims
from service.pricing.layout import Layout, Lines
from service.pricing.patient_log import Claimed, PatientLog
from service.pricing.supplies import Supplies
from service.pricing.tables import Tables

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


@dataclass
class Priced:
    """The answer, column-wise: per line (reason 0 = priced) and per claim, in
    hundredths (cents of a point or of a yen) so that every sum is exact."""

    reason: I64
    interval: I64  # index into BulkPricer.intervals, -1 when none
    amount_cents: I64
    rule: I64  # the rule id (`Tables.rules`) that rejected the line, -1 none
    noward: I64  # 1: an 入院基本料等加算 priced with no 入院料 that day
    points_cents: I64  # per claim
    yen_cents: I64  # per claim, yen lines only

    def priced(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.reason == 0, dtype=np.bool_)

    def total_yen_cents(self) -> I64:
        return 10 * self.points_cents + self.yen_cents


PER_LINE = ("reason", "interval", "amount_cents", "rule", "noward")
PRICED_FIELDS = tuple(f.name for f in fields(Priced))


@dataclass(frozen=True)
class Coded:
    """Claim lines with their codes already numbered (`Layout.code_id`, -1
    unknown) and their diseases as indices into a list of distinct texts."""

    code: I64
    day: I64
    quantity: I64
    disease: I64
    diseases: list[str]
    starts: I64  # claim c is lines starts[c] .. starts[c + 1]
    # a drug's or material's 使用量 × 100,000 (NO_DOSE: none, read as 1), and
    # the number of its 剤 in its claim (-1: none); None when no line has one
    dose: I64 | None = None
    group: I64 | None = None

    def at(self, rows: I64, starts: I64) -> Coded:
        """The lines at `rows` (whole claims), claims starting at `starts`."""
        return Coded(
            self.code[rows],
            self.day[rows],
            self.quantity[rows],
            self.disease[rows],
            self.diseases,
            starts,
            None if self.dose is None else self.dose[rows],
            None if self.group is None else self.group[rows],
        )


class BulkPricer(Layout):
    """Prices many claims at once over the rule book's arrays."""

    def __init__(self, book: RuleBook) -> None:
        super().__init__(book)
        self.tables = Tables.of(self)

    def price(
        self, lines: Lines, workers: int | None = None, min_part: int = MIN_PART
    ) -> Priced:
        """Every line priced, as claims without patients; large inputs are cut
        at claim boundaries into one part per core, priced in threads (numpy
        and the kernel release the GIL) and joined."""
        n = len(lines.day)
        workers = min(workers or os.cpu_count() or 1, max(1, n // min_part))
        cuts = claim_cuts(lines.claim, workers)
        parts = [lines.part(lo, hi) for lo, hi in itertools.pairwise(cuts)]
        if len(parts) <= 1:
            return self.price_coded(self.coded(lines))
        with ThreadPoolExecutor(len(parts)) as pool:
            priced = list(pool.map(lambda p: self.price_coded(self.coded(p)), parts))
        return Priced(
            *(np.concatenate([getattr(p, f) for p in priced]) for f in PRICED_FIELDS)
        )

    def coded(self, lines: Lines) -> Coded:
        claims = int(lines.claim[-1]) + 1 if len(lines.claim) else 0
        disease, diseases = factorized(np.asarray(lines.disease))
        return Coded(
            self._code_ids(np.asarray(lines.code)),
            lines.day,
            lines.quantity,
            disease,
            diseases,
            np.searchsorted(lines.claim, np.arange(claims + 1)),
            lines.dose,
            lines.group,
        )

    def price_coded(
        self,
        lines: Coded,
        claimed: Claimed | None = None,
        log: PatientLog | None = None,
    ) -> Priced:
        """Price coded lines; `claimed` says whose claims they are and `log`
        holds what those patients billed before (both grow no state when
        none is given)."""
        n, claims = len(lines.day), len(lines.starts) - 1
        if not self.intervals:  # an empty book knows no code
            none = np.zeros(n, np.int64)
            unknown = np.full(n, REASON_CODE["unknown_code"], np.int64)
            zeros = np.zeros(claims, np.int64)
            return Priced(unknown, none - 1, none, none - 1, none, zeros, zeros)
        code = lines.code
        iv, iv_ok = self._intervals(code, lines.day)
        iv_safe = np.where(iv_ok, iv, 0)
        found = (code >= 0) & iv_ok & (lines.day < self.iv_end[iv_safe])
        reason = np.zeros(n, np.int64)
        reason[(code >= 0) & ~found] = REASON_CODE["not_in_force"]
        reason[code < 0] = REASON_CODE["unknown_code"]
        unit = np.where(found, self.iv_unit[iv_safe], -1)
        reason[found & (unit == 2)] = REASON_CODE["unsupported_unit"]
        self._eligibility(lines, found & (unit < 2), iv_safe, reason)
        amount = np.zeros(n, np.int64)
        rule = np.full(n, -1, np.int64)
        noward = np.zeros(n, np.int64)
        day = lines.day
        price_claims(
            self.tables,
            log if log is not None else PatientLog.empty(),
            claimed if claimed is not None else Claimed.nobody(n),
            lines.starts,
            (code, day, months(day), lines.quantity, iv_safe),
            self.iv_cents,
            (reason, amount, rule, noward),
        )
        interval = np.where(found, iv_safe, -1)
        priced = reason == 0
        supply = np.where(priced, self.iv_supply[iv_safe], 0)
        claim = np.repeat(np.arange(claims), np.diff(lines.starts))
        if supply.any():
            Supplies(supply, self.iv_cents[iv_safe], lines, claim).amounts(amount)
        in_points = priced & ((unit == 0) | (supply > 0))
        points = sums(claim, np.where(in_points, amount, 0), claims)
        yen = sums(
            claim, np.where(priced & (unit == 1) & (supply == 0), amount, 0), claims
        )
        return Priced(reason, interval, amount, rule, noward, points, yen)

    def _eligibility(
        self, lines: Coded, countable: npt.NDArray[np.bool_], iv: I64, reason: I64
    ) -> None:
        """An item with a disease list: the line's 主病 must start with one of
        them. Decided once per distinct (interval, disease) pair."""
        check = np.flatnonzero(countable & self.iv_eligible[iv])
        if not len(check):
            return
        pairs = iv[check] * len(lines.diseases) + lines.disease[check]
        distinct, inverse = np.unique(pairs, return_inverse=True)
        ok = np.array(
            [
                lines.diseases[p % len(lines.diseases)].startswith(
                    self.intervals[p // len(lines.diseases)].state.eligible_diseases
                )
                for p in distinct.tolist()
            ]
        )
        reason[check[~ok[inverse.reshape(-1)]]] = REASON_CODE["ineligible_disease"]

    def _code_ids(self, codes: npt.NDArray[np.str_]) -> I64:
        """Each code's number in the book, -1 when unknown."""
        if not self.codes:
            return np.full(len(codes), -1, np.int64)
        if codes.dtype.kind != "U":
            ids = self.code_id.get
            return np.fromiter(
                (ids(c, -1) for c in codes.tolist()), np.int64, len(codes)
            )
        return self._table.find(codes)

    def _intervals(self, code: I64, day: I64) -> tuple[I64, npt.NDArray[np.bool_]]:
        """The last interval of each line's code starting on or before its day
        (a binary search within the code's few intervals), and whether there
        is one."""
        found: tuple[I64, npt.NDArray[np.bool_]] = _last_started(
            code, day, self.code_first, self.code_count, self.iv_start
        )
        return found


@numba.njit(cache=True, nogil=True)
def _last_started(
    code: I64, day: I64, first: I64, count: I64, start: I64
) -> tuple[I64, npt.NDArray[np.bool_]]:
    interval = np.zeros(len(code), np.int64)
    ok = np.zeros(len(code), np.bool_)
    for i in range(len(code)):
        if code[i] < 0:
            continue
        lo, hi = first[code[i]], first[code[i]] + count[code[i]]
        a, b = lo, hi
        while a < b:
            m = (a + b) >> 1
            if start[m] <= day[i]:
                a = m + 1
            else:
                b = m
        interval[i] = a - 1
        ok[i] = a > lo
    return interval, ok
