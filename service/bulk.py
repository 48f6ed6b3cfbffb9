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

I64 = npt.NDArray[np.int64]
UNIX_EPOCH = date(1970, 1, 1).toordinal()
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
            name: _spans(table[:, 0], everyone)
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
        self.code_first, self.code_count = _spans(self.iv_code, np.arange(size - 1))
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
        cuts = _claim_cuts(lines.claim, workers)
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
        suspect, baseless = self._between(lines, code, iv_safe, ok)
        reason[baseless] = REASON_CODE["missing_base"]
        ok[baseless] = False
        interval = np.where(found, iv_safe, -1)
        amount = np.where(ok, self.iv_cents[iv_safe] * lines.quantity, 0)
        points = _sums(lines.claim, np.where(ok & (unit == 0), amount, 0), claims)
        yen = _sums(lines.claim, np.where(ok & (unit == 1), amount, 0), claims)
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
        self, lines: Lines, code: I64, iv: I64, ok: npt.NDArray[np.bool_]
    ) -> tuple[npt.NDArray[np.bool_], I64]:
        """Claims to price line by line, and the lines rejected for a missing base.

        Each line's verdict depends only on the lines before it. Checked as if no
        line were rejected, the first line flagged in a claim is rejected for
        certain; a flagged add-on whose code no rule looks at (no base, partner
        or limit names it, it excludes nothing) changes no other verdict, so its
        rejection is exact. Any other flag makes its claim suspect."""
        claims = int(lines.claim.max()) + 1 if len(lines.day) else 0
        suspect = np.zeros(claims, dtype=bool)
        baseless = np.zeros(0, np.int64)
        idx = np.flatnonzero(ok)
        if not len(idx):
            return suspect, baseless
        c, k, d = lines.claim[idx], code[idx], lines.day[idx]
        windows = _Windows(d)
        # Add-ons: a base line earlier in the claim, the same day.
        pair, rule = _rows_for(iv[idx], *self.spans["bases"])
        if len(pair):
            base = self.bases[rule, 1]
            sub = np.flatnonzero(self.is_base[k])
            keys, first = _first_index(_key(c[sub], k[sub], d[sub]), idx[sub])
            found, at = _find(keys, _key(c[pair], base, d[pair]))
            earlier = found & (_gather(first, at, found) < idx[pair])
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
        pair, rule = _rows_for(iv[idx], *self.spans["exclusions"])
        if len(pair):
            sub = np.flatnonzero(self.is_partner[k])
            for scope in (0, 2):
                chosen = self.exclusions[rule, 2] == scope
                if not chosen.any():
                    continue
                line, partner = pair[chosen], self.exclusions[rule[chosen], 1]
                w = windows[scope]
                keys, counts = np.unique(
                    _key(c[sub], k[sub], w[sub]), return_counts=True
                )
                found, at = _find(keys, _key(c[line], partner, w[line]))
                n = _gather(counts, at, found) - (partner == k[line])
                suspect[c[line][n > 0]] = True
        # Limits: quantity so far in the window, this line included.
        pair, rule = _rows_for(iv[idx], *self.spans["limits"])
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
                so_far = _running_quantity(_key(c[sub], k[sub], w[sub]), quantity)
                line = pair[chosen]
                over = so_far[position[line]] > self.limits[rule[chosen], 2]
                suspect[c[line][over]] = True
        return suspect, baseless


class _Windows:
    """Each line's day, week, month and claim window, computed when first asked."""

    def __init__(self, day: I64) -> None:
        self.day = day
        self.computed: dict[int, I64] = {0: day}

    def __getitem__(self, period: int) -> I64:
        if period not in self.computed:
            self.computed[period] = self._compute(period)
        return self.computed[period]

    def _compute(self, period: int) -> I64:
        if period == 1:
            return self.day // 7  # toordinal() // 7 starts each block on a Sunday
        if period == 3:
            return np.zeros_like(self.day)
        return _months(self.day)


def _months(day: I64) -> I64:
    """Months since 1970 of each day ordinal: a table over the days' span when
    it is shorter than the column, so each line costs one gather."""
    if not len(day):
        return np.zeros(0, np.int64)
    lo, hi = int(day.min()), int(day.max())
    small = hi - lo < len(day)
    span = np.arange(lo, hi + 1) if small else day
    months = (span - UNIX_EPOCH).astype("datetime64[D]").astype("datetime64[M]")
    as_int = months.astype(np.int64)
    return as_int[day - lo] if small else as_int


def _claim_cuts(claim: I64, parts: int) -> list[int]:
    """Line positions cutting the lines into about `parts` runs of whole claims."""
    n = len(claim)
    if parts <= 1 or not n:
        return [0, n]
    wanted = claim[[n * k // parts for k in range(1, parts)]]
    inner = np.searchsorted(claim, wanted).tolist()
    return sorted({0, *(c for c in inner if 0 < c < n), n})


def _sums(claim: I64, cents: I64, claims: int) -> I64:
    """Per-claim sums; exact, as every sum of cents stays below 2^53."""
    return np.rint(np.bincount(claim, weights=cents, minlength=claims)).astype(np.int64)


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


def _key(claim: I64, code: I64, window: I64) -> I64:
    """(claim, code, window) as one sortable integer (claims < 2^21, codes < 2^21)."""
    return (claim << 42) + ((code + 1) << 21) + (window % (1 << 21))


def _find(keys: I64, probe: I64) -> tuple[npt.NDArray[np.bool_], I64]:
    """Whether each probe is among the sorted unique keys, and where."""
    if not len(keys):
        return np.zeros(len(probe), dtype=bool), np.zeros(len(probe), np.int64)
    at = np.minimum(np.searchsorted(keys, probe), len(keys) - 1)
    return keys[at] == probe, at


def _hash(codes: npt.NDArray[np.str_]) -> npt.NDArray[np.uint64]:
    """A hash of each string: the low byte of each character, eight to a word,
    words combined by a polynomial (wrapping uint64). Trailing padding adds
    nothing, so a code hashes alike in arrays of any width. Lossy for non-ASCII
    text, which is fine: every match is confirmed by comparing the strings."""
    width = codes.dtype.itemsize // 4
    if width == 0:
        return np.zeros(len(codes), np.uint64)
    words = -(-width // 8)
    low = np.zeros((len(codes), words * 8), np.uint8)
    low[:, :width] = codes.view(np.uint32).reshape(len(codes), width)
    packed = low.view(np.uint64)
    hashed = packed[:, 0].copy()
    with np.errstate(over="ignore"):
        for n in range(1, words):
            hashed += packed[:, n] * (np.uint64(1_000_003) ** np.uint64(n))
    return hashed


class CodeTable:
    """An open-addressing hash table of the book's codes, probed column-wise:
    most lines find their code in one gather; every match is confirmed by
    comparing the strings, so a hash collision can never price a wrong code."""

    MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: top bits

    def __init__(self, codes: npt.NDArray[np.str_]) -> None:
        self.codes = codes
        hashes = _hash(codes) if len(codes) else np.zeros(0, np.uint64)
        # equal hashes for two codes would hide one of them: fall back to a dict
        self.usable = len(np.unique(hashes)) == len(hashes)
        self.bits = max(4, (4 * len(codes)).bit_length())
        self.ids = np.full(1 << self.bits, -1, np.int64)
        self.hashes = np.zeros(1 << self.bits, np.uint64)
        self.probes = 1
        mask = (1 << self.bits) - 1
        for n, slot in enumerate(self._slots(hashes).tolist()):
            probes = 1
            while self.ids[slot] >= 0:
                slot, probes = (slot + 1) & mask, probes + 1
            self.ids[slot], self.hashes[slot] = n, hashes[n]
            self.probes = max(self.probes, probes)

    def _slots(self, hashes: npt.NDArray[np.uint64]) -> I64:
        with np.errstate(over="ignore"):
            top = (hashes * self.MULTIPLIER) >> np.uint64(64 - self.bits)
        return top.astype(np.int64)

    def find(self, codes: npt.NDArray[np.str_]) -> I64:
        """Each code's index in the table's codes, -1 when absent."""
        hashed = _hash(codes)
        slot = self._slots(hashed)
        out = np.full(len(codes), -1, np.int64)
        todo = np.arange(len(codes))
        mask = (1 << self.bits) - 1
        for _ in range(self.probes):
            candidate = self.ids[slot]
            occupied = candidate >= 0
            hit = occupied & (self.hashes[slot] == hashed)
            out[todo[hit]] = candidate[hit]
            more = occupied & ~hit
            if not more.any():
                break
            todo, hashed, slot = todo[more], hashed[more], (slot[more] + 1) & mask
        confirmed = self.codes[np.maximum(out, 0)] == codes
        return np.where(confirmed, out, -1)


def _gather(values: I64, at: I64, found: npt.NDArray[np.bool_]) -> I64:
    """values[at] where found, 0 elsewhere (also when values is empty)."""
    if not len(values):
        return np.zeros(len(at), np.int64)
    return np.where(found, values[at], 0)


def _first_index(keys: I64, idx: I64) -> tuple[I64, I64]:
    """Sorted unique keys and the first (smallest) line index of each."""
    order = np.lexsort((idx, keys))
    unique, first = np.unique(keys[order], return_index=True)
    return unique, idx[order][first]


def _running_quantity(keys: I64, quantity: I64) -> I64:
    """For each line, the quantity of its key group up to and including it."""
    order = np.lexsort((np.arange(len(keys)), keys))
    q = quantity[order]
    total = np.cumsum(q)
    sorted_keys = keys[order]
    group_start = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    base = np.maximum.accumulate(np.where(group_start, total - q, 0))
    out = np.empty_like(total)
    out[order] = total - base
    return out


def _spans(rule_iv: I64, intervals: I64) -> tuple[I64, I64]:
    lo = np.searchsorted(rule_iv, intervals, side="left")
    return lo, np.searchsorted(rule_iv, intervals, side="right") - lo


def _rows_for(line_iv: I64, lo_of: I64, count_of: I64) -> tuple[I64, I64]:
    """Every (line position, rule row) pair where the rule is one of the line's
    interval's (rules are flattened interval by interval)."""
    if not len(lo_of):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    count = count_of[line_iv]
    has = np.flatnonzero(count)
    if not len(has):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    reps = count[has]
    line = np.repeat(has, reps)
    offsets = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    return line.astype(np.int64), (np.repeat(lo_of[line_iv[has]], reps) + offsets)
