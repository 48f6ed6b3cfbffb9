"""Column-wise building blocks of the bulk pricer: windows of days, keys of
(claim, code, window), lookups in sorted keys, running sums per group."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
UNIX_EPOCH = date(1970, 1, 1).toordinal()


class Windows:
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
        return months(self.day)


def months(day: I64) -> I64:
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


def claim_cuts(claim: I64, parts: int) -> list[int]:
    """Line positions cutting the lines into about `parts` runs of whole claims."""
    n = len(claim)
    if parts <= 1 or not n:
        return [0, n]
    wanted = claim[[n * k // parts for k in range(1, parts)]]
    inner = np.searchsorted(claim, wanted).tolist()
    return sorted({0, *(c for c in inner if 0 < c < n), n})


def sums(claim: I64, cents: I64, claims: int) -> I64:
    """Per-claim sums; exact, as every sum of cents stays below 2^53."""
    return np.rint(np.bincount(claim, weights=cents, minlength=claims)).astype(np.int64)


def key(claim: I64, code: I64, window: I64) -> I64:
    """(claim, code, window) as one sortable integer (claims < 2^21, codes < 2^21)."""
    return (claim << 42) + ((code + 1) << 21) + (window % (1 << 21))


def find(keys: I64, probe: I64) -> tuple[npt.NDArray[np.bool_], I64]:
    """Whether each probe is among the sorted unique keys, and where."""
    if not len(keys):
        return np.zeros(len(probe), dtype=bool), np.zeros(len(probe), np.int64)
    at = np.minimum(np.searchsorted(keys, probe), len(keys) - 1)
    return keys[at] == probe, at


def gather(values: I64, at: I64, found: npt.NDArray[np.bool_]) -> I64:
    """values[at] where found, 0 elsewhere (also when values is empty)."""
    if not len(values):
        return np.zeros(len(at), np.int64)
    return np.where(found, values[at], 0)


def first_index(keys: I64, idx: I64) -> tuple[I64, I64]:
    """Sorted unique keys and the first (smallest) line index of each."""
    order = np.lexsort((idx, keys))
    unique, first = np.unique(keys[order], return_index=True)
    return unique, idx[order][first]


def running_quantity(keys: I64, quantity: I64) -> I64:
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


def spans(rule_iv: I64, intervals: I64) -> tuple[I64, I64]:
    lo = np.searchsorted(rule_iv, intervals, side="left")
    return lo, np.searchsorted(rule_iv, intervals, side="right") - lo


def rows_for(line_iv: I64, lo_of: I64, count_of: I64) -> tuple[I64, I64]:
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
