"""The claims where a rule between lines fires, priced by a compiled kernel
(numba) over integer-coded lines: the same cascade as `domain.billing` — claim
order, an add-on's base among the lines billed that day, 背反 by scope with
`keep` (a later winner displaces the earlier line), limits counted over the
lines billed so far, a rejected line counting for nothing — so the bulk path
stays exactly the single-claim path (the hypothesis tests compare both).

Claims with a rule the kernel does not model (入院基本料 groups, a limit per
２週, a scope or unit the columns cannot tell) and very long claims go to the
single-claim path instead."""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from service.pricing.columns import I64, months, spans
from service.pricing.layout import SCOPES, Layout

KEEP = {"this": 0, "other": 1, "first": 2}
MAX_LINES = 512  # longer claims: the single-claim path (n log n there)
MISSING_BASE, EXCLUDED, LIMIT_EXCEEDED = 5, 6, 7  # bulk.REASONS' numbers


@dataclass(frozen=True)
class Tables:
    """The rules between lines as flat arrays, each interval's rows at
    lo[iv] .. lo[iv] + n[iv]: add-on bases; exclusions sorted by the other
    code (the first rule per code, as `ItemState.excluding`); limits."""

    base_lo: I64
    base_n: I64
    base_code: I64
    ex_lo: I64
    ex_n: I64
    ex_code: I64
    ex_scope: I64
    ex_keep: I64
    lim_lo: I64
    lim_n: I64
    lim_period: I64
    lim_max: I64

    @classmethod
    def of(cls, layout: Layout) -> Tables:
        rows = [
            (n, layout.code_id[code], SCOPES[rule.scope], KEEP[rule.keep])
            for n, interval in enumerate(layout.intervals)
            for code, rule in sorted(interval.state.excluding.items())
            if code in layout.code_id and rule.scope in SCOPES
        ]
        ex = np.array(rows, np.int64).reshape(-1, 4)
        everyone = np.arange(len(layout.intervals))
        ex_lo, ex_n = spans(ex[:, 0], everyone)
        base_lo, base_n = layout.spans["bases"]
        lim_lo, lim_n = layout.spans["limits"]
        return cls(
            base_lo,
            base_n,
            layout.bases[:, 1].copy(),
            ex_lo,
            ex_n,
            ex[:, 1].copy(),
            ex[:, 2].copy(),
            ex[:, 3].copy(),
            lim_lo,
            lim_n,
            layout.limits[:, 1].copy(),
            layout.limits[:, 2].copy(),
        )


def price_claims(
    tables: Tables,
    chosen: I64,
    starts: I64,
    code: I64,
    day: I64,
    quantity: I64,
    interval: I64,
    cents: I64,
    reason: I64,
    amount: I64,
) -> None:
    """Price the `chosen` claims in place: `reason` holds each line's own
    refusal (0: none) on entry and its verdict on exit; `amount` its cents."""
    week = day - (day % 7)  # ordinal 7k is a Sunday: Sunday-to-Saturday weeks
    month = months(day)
    _kernel(
        chosen,
        starts,
        code,
        day,
        week,
        month,
        quantity,
        interval,
        cents,
        reason,
        amount,
        *(getattr(tables, f) for f in tables.__dataclass_fields__),
    )


@numba.njit(cache=True)
def _find(lo: int, n: int, codes: I64, wanted: int) -> int:
    """The row among codes[lo:lo+n] (sorted) holding `wanted`, or -1."""
    a, b = lo, lo + n
    while a < b:
        m = (a + b) >> 1
        if codes[m] < wanted:
            a = m + 1
        else:
            b = m
    return a if a < lo + n and codes[a] == wanted else -1


@numba.njit(cache=True)
def _same(window: int, i: int, j: int, day: I64, week: I64, month: I64) -> bool:
    if window == 0:
        return bool(day[i] == day[j])
    if window == 1:
        return bool(week[i] == week[j])
    if window == 2:
        return bool(month[i] == month[j])
    return True  # the claim


@numba.njit(cache=True)
def _kernel(
    chosen: I64,
    starts: I64,
    code: I64,
    day: I64,
    week: I64,
    month: I64,
    quantity: I64,
    interval: I64,
    cents: I64,
    reason: I64,
    amount: I64,
    base_lo: I64,
    base_n: I64,
    base_code: I64,
    ex_lo: I64,
    ex_n: I64,
    ex_code: I64,
    ex_scope: I64,
    ex_keep: I64,
    lim_lo: I64,
    lim_n: I64,
    lim_period: I64,
    lim_max: I64,
) -> None:
    billed = np.empty(MAX_LINES, np.int64)
    displaced = np.empty(MAX_LINES, np.int64)
    for c in chosen:
        lo, hi = starts[c], starts[c + 1]
        nb = 0
        for i in range(lo, hi):
            amount[i] = 0
            if reason[i] != 0:
                continue
            v = interval[i]
            # an add-on: a line of one of its bases billed that day
            if base_n[v] > 0:
                found = False
                for k in range(nb):
                    b = billed[k]
                    if day[b] != day[i]:
                        continue
                    for r in range(base_lo[v], base_lo[v] + base_n[v]):
                        if base_code[r] == code[b]:
                            found = True
                            break
                    if found:
                        break
                if not found:
                    reason[i] = MISSING_BASE
                    continue
            # 背反: against each billed line, the rule either side declares
            refused = False
            nd = 0
            for k in range(nb):
                b = billed[k]
                r = _find(ex_lo[v], ex_n[v], ex_code, code[b])
                if r >= 0:
                    new_wins = ex_keep[r] == 0
                else:
                    w = interval[b]
                    r = _find(ex_lo[w], ex_n[w], ex_code, code[i])
                    if r < 0:
                        continue
                    new_wins = ex_keep[r] == 1
                if not _same(ex_scope[r], i, b, day, week, month):
                    continue
                if not new_wins:
                    refused = True
                    break
                displaced[nd] = k
                nd += 1
            if refused:
                reason[i] = EXCLUDED
                continue
            # 算定回数: the lines billed so far (those to be displaced included)
            over = False
            for r in range(lim_lo[v], lim_lo[v] + lim_n[v]):
                used = 0
                for k in range(nb):
                    b = billed[k]
                    if code[b] == code[i] and _same(
                        lim_period[r], i, b, day, week, month
                    ):
                        used += quantity[b]
                if used + quantity[i] > lim_max[r]:
                    over = True
                    break
            if over:
                reason[i] = LIMIT_EXCEEDED
                continue
            # billed: the lines it displaces are rejected and count no more
            if nd > 0:
                kept = 0
                d = 0
                for k in range(nb):
                    if d < nd and displaced[d] == k:
                        reason[billed[k]] = EXCLUDED
                        amount[billed[k]] = 0
                        d += 1
                    else:
                        billed[kept] = billed[k]
                        kept += 1
                nb = kept
            billed[nb] = i
            nb += 1
            amount[i] = cents[v] * quantity[i]
