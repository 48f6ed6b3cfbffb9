"""Repricing many claim lines at once: numpy over the rule book's interval arrays.

Exactly equal to `domain.claims.price_claim`, claim by claim (a hypothesis test
compares both). Every line is found in its interval with one `searchsorted`; the
rules that depend only on the line (unknown, not in force, unit, eligibility) are
applied column-wise; the rules between lines (add-on bases, exclusions, limits)
are checked column-wise on the assumption that no line is rejected by them, and
the few claims where that assumption fails are priced again line by line.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from domain.claims import Claim, ClaimLine, price_claim
from domain.rulebook import RuleBook
from domain.timeline import Interval
from service.code_table import CodeTable
from service.columns import (
    I64,
    Windows,
    claim_cuts,
    find,
    first_index,
    gather,
    key,
    rows_for,
    running_quantity,
    spans,
    sums,
)

OPEN_END = np.iinfo(np.int64).max
UNITS = {"point": 0, "yen": 1}
REASONS = (
    "",
    "unknown_code",
    "not_in_force",
    "unsupported_unit",
    "ineligible_disease",
    "missing_base",
    "excluded",
    "limit_exceeded",
)
REASON_CODE = {r: n for n, r in enumerate(REASONS)}
MIN_PART = 100_000  # lines: below this a part is not worth a thread
MAX_CLAIMS = 1 << 21  # keys pack (claim, code, window) into one int64
PERIODS = {"day": 0, "week": 1, "month": 2, "claim": 3}
SCOPES = {"day": 0, "month": 2}


@dataclass
class Lines:
    """Claim lines as columns; the lines of one claim are contiguous, in order."""

    claim: I64  # claim number, 0..n-1
    code: npt.NDArray[np.str_]
    day: I64  # date.toordinal()
    quantity: I64
    disease: npt.NDArray[np.str_]  # "" when none

    def part(self, lo: int, hi: int) -> Lines:
        """Lines [lo, hi), whole claims, renumbered from 0."""
        claim = self.claim[lo:hi]
        return Lines(
            claim - claim[0] if len(claim) else claim,
            self.code[lo:hi],
            self.day[lo:hi],
            self.quantity[lo:hi],
            self.disease[lo:hi],
        )

    @classmethod
    def of(cls, claims: Sequence[Claim]) -> Lines:
        lines = [x for c in claims for x in c.lines]
        sizes = [len(c.lines) for c in claims]
        return cls(
            claim=np.repeat(np.arange(len(claims), dtype=np.int64), sizes),
            code=np.array([x.code for x in lines], dtype=np.str_),
            day=np.array([x.date.toordinal() for x in lines], dtype=np.int64),
            quantity=np.array([x.quantity for x in lines], dtype=np.int64),
            disease=np.array([x.disease or "" for x in lines], dtype=np.str_),
        )


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


class BulkPricer:
    """The rule book laid out as sorted arrays, built once, used for many lines."""

    def __init__(self, book: RuleBook) -> None:
        self.codes = sorted(book.by_code)
        self.code_id = {c: i for i, c in enumerate(self.codes)}
        self.intervals: list[Interval] = [
            i for c in self.codes for i in book.by_code[c]
        ]
        self.book = book
        ivs = self.intervals
        self.iv_code = np.array([self.code_id[i.state.code] for i in ivs], np.int64)
        self.iv_start = np.array([i.valid_from.toordinal() for i in ivs], np.int64)
        self.iv_end = np.array(
            [i.valid_to.toordinal() if i.valid_to else OPEN_END for i in ivs], np.int64
        )
        self.iv_unit = np.array([UNITS.get(i.state.unit, 2) for i in ivs], np.int64)
        self.iv_cents = np.array([_cents(i.state.value) for i in ivs], np.int64)
        self.iv_eligible = np.array([bool(i.state.eligible_diseases) for i in ivs])
        # the rules between lines, flattened: (interval, other code, period/scope, max)
        bases = [
            (n, self.code_id.get(b, -1))
            for n, i in enumerate(ivs)
            for b in i.state.addon_to
        ]
        exclusions = [
            (n, self.code_id.get(x.code, -1), SCOPES[x.scope])
            for n, i in enumerate(ivs)
            for x in i.state.exclusions
        ]
        limits = [
            (n, PERIODS[x.per], x.max)
            for n, i in enumerate(ivs)
            for x in i.state.limits
        ]
        self.bases = np.array(bases, np.int64).reshape(-1, 2)
        self.exclusions = np.array(exclusions, np.int64).reshape(-1, 3)
        self.limits = np.array(limits, np.int64).reshape(-1, 3)
        # where each interval's rules start in the flattened tables, and how many
        everyone = np.arange(len(ivs))
        self.spans = {
            name: spans(table[:, 0], everyone)
            for name, table in (
                ("bases", self.bases),
                ("exclusions", self.exclusions),
                ("limits", self.limits),
            )
        }
        # codes that other lines' rules look for: bases, partners, limited codes
        size = len(self.codes) + 1
        self.is_base = np.zeros(size, dtype=bool)
        self.is_base[self.bases[:, 1]] = True
        self.is_partner = np.zeros(size, dtype=bool)
        self.is_partner[self.exclusions[:, 1]] = True
        self.is_limited = np.zeros(size, dtype=bool)
        self.is_limited[self.iv_code[self.limits[:, 0]]] = True
        # intervals whose rejection could change another line's verdict
        self.influences = (
            self.is_base[self.iv_code]
            | self.is_partner[self.iv_code]
            | self.is_limited[self.iv_code]
        )
        self.influences[self.exclusions[:, 0]] = True
        # each code's intervals: where they start in the arrays, and how many
        self.code_first, self.code_count = spans(self.iv_code, np.arange(size - 1))
        self.max_count = int(self.code_count.max()) if self.codes else 0
        self._code_array = np.array(self.codes, dtype=np.str_)
        self._table = CodeTable(self._code_array)

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
        ok = reason == 0
        # 3. rules between lines, assuming none of them rejects a line; an add-on
        # without its base is rejected here when no other rule looks at its code
        suspect, baseless = self._between(lines, claims, code, iv_safe, ok)
        reason[baseless] = REASON_CODE["missing_base"]
        ok[baseless] = False
        interval = np.where(found, iv_safe, -1)
        amount = np.where(ok, self.iv_cents[iv_safe] * lines.quantity, 0)
        points = sums(lines.claim, np.where(ok & (unit == 0), amount, 0), claims)
        yen = sums(lines.claim, np.where(ok & (unit == 1), amount, 0), claims)
        # 4. the suspect claims, line by line
        starts = np.searchsorted(lines.claim, np.arange(claims + 1))
        for c in np.flatnonzero(suspect).tolist():
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

    def _between(
        self,
        lines: Lines,
        claims: int,
        code: I64,
        iv: I64,
        ok: npt.NDArray[np.bool_],
    ) -> tuple[npt.NDArray[np.bool_], I64]:
        """Claims to price line by line, and the lines rejected for a missing base.

        Each line's verdict depends only on the lines before it. Checked as if no
        line were rejected, the first line flagged in a claim is rejected for
        certain; a flagged add-on whose code no rule looks at (no base, partner
        or limit names it, it excludes nothing) changes no other verdict, so its
        rejection is exact. Any other flag makes its claim suspect."""
        suspect = np.zeros(claims, dtype=bool)
        baseless = np.zeros(0, np.int64)
        idx = np.flatnonzero(ok)
        if not len(idx):
            return suspect, baseless
        c, k, d = lines.claim[idx], code[idx], lines.day[idx]
        windows = Windows(d)
        # Add-ons: a base line earlier in the claim, the same day.
        pair, rule = rows_for(iv[idx], *self.spans["bases"])
        if len(pair):
            base = self.bases[rule, 1]
            sub = np.flatnonzero(self.is_base[k])
            keys, first = first_index(key(c[sub], k[sub], d[sub]), idx[sub])
            found, at = find(keys, key(c[pair], base, d[pair]))
            earlier = found & (gather(first, at, found) < idx[pair])
            # an add-on is fine when any one of its bases came earlier that day
            fine = np.zeros(len(idx), dtype=bool)
            fine[pair[earlier]] = True
            needs = np.zeros(len(idx), dtype=bool)
            needs[pair] = True
            flagged = np.flatnonzero(needs & ~fine)
            quiet = ~self.influences[iv[idx[flagged]]]
            baseless = idx[flagged[quiet]]
            suspect[c[flagged[~quiet]]] = True
        # Exclusions: another line of the partner code in the same day/month.
        pair, rule = rows_for(iv[idx], *self.spans["exclusions"])
        if len(pair):
            sub = np.flatnonzero(self.is_partner[k])
            for scope in (0, 2):
                chosen = self.exclusions[rule, 2] == scope
                if not chosen.any():
                    continue
                line, partner = pair[chosen], self.exclusions[rule[chosen], 1]
                w = windows[scope]
                keys, counts = np.unique(
                    key(c[sub], k[sub], w[sub]), return_counts=True
                )
                found, at = find(keys, key(c[line], partner, w[line]))
                n = gather(counts, at, found) - (partner == k[line])
                suspect[c[line][n > 0]] = True
        # Limits: quantity so far in the window, this line included.
        pair, rule = rows_for(iv[idx], *self.spans["limits"])
        if len(pair):
            sub = np.flatnonzero(self.is_limited[k])
            position = np.full(len(idx), -1, np.int64)
            position[sub] = np.arange(len(sub))
            quantity = lines.quantity[idx][sub]
            for period in (0, 1, 2, 3):
                chosen = self.limits[rule, 1] == period
                if not chosen.any():
                    continue
                w = windows[period]
                so_far = running_quantity(key(c[sub], k[sub], w[sub]), quantity)
                line = pair[chosen]
                over = so_far[position[line]] > self.limits[rule[chosen], 2]
                suspect[c[line][over]] = True
        return suspect, baseless


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


def _cents(value: Decimal) -> int:
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"value {value} has more than 2 decimals")
    return int(cents)
