"""Column-wise building blocks of the bulk pricer: months of day ordinals,
parts of whole claims, per-claim sums, each interval's rows in a flat table."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
UNIX_EPOCH = date(1970, 1, 1).toordinal()


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


def spans(rule_iv: I64, intervals: I64) -> tuple[I64, I64]:
    lo = np.searchsorted(rule_iv, intervals, side="left")
    return lo, np.searchsorted(rule_iv, intervals, side="right") - lo
