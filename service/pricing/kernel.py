"""Every rule between lines, priced by a compiled kernel (numba) over
integer-coded lines, claim by claim in order: the same cascade as
`domain.billing` — an add-on's base among the lines billed that day, 背反 by
scope with `keep` (a later winner displaces the earlier line), limits counted
over the lines billed so far and, for a known patient, over what their earlier
claims billed (`PatientLog`), 入院基本料 groups, a rejected line counting for
nothing — so the bulk path stays exactly the single-claim path (the hypothesis
tests compare both)."""

from __future__ import annotations

import numba
import numpy as np

from service.pricing.columns import I64
from service.pricing.pairs import pair
from service.pricing.patient_log import Claimed, PatientLog
from service.pricing.tables import Tables

MISSING_BASE, EXCLUDED, LIMIT_EXCEEDED, NOT_IN_GROUP = 5, 6, 7, 8  # bulk.REASONS


def price_claims(
    tables: Tables,
    log: PatientLog,
    claimed: Claimed,
    starts: I64,
    lines: tuple[I64, I64, I64, I64, I64],
    cents: I64,
    out: tuple[I64, I64, I64, I64],
) -> None:
    """Price every claim in place (claim c: lines starts[c] .. starts[c+1]).
    `lines`: code, day, month, quantity and interval per line; `cents`: each
    interval's value in cents; `out`: reason (each line's own refusal on entry, its
    verdict on exit), amount in cents, the deciding rule id (-1) and whether
    an 入院基本料等加算 found no 入院料 that day (1)."""
    code, day, month, quantity, interval = lines
    log.room(int((claimed.slot >= 0).sum()), int(claimed.slot.max(initial=-1)) + 1)
    longest = int((starts[1:] - starts[:-1]).max(initial=0))
    log.count = _kernel(
        starts,
        longest,
        code,
        day,
        day - (day % 7),  # ordinal 7k is a Sunday: Sunday-to-Saturday weeks
        month,
        quantity,
        interval,
        cents,
        claimed.who,
        claimed.admission,
        claimed.slot,
        *out,
        log.day,
        log.month,
        log.quantity,
        log.admission,
        log.previous,
        log.last,
        log.count,
        *tables.arrays(),
    )


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
def _same(window: int, i: int, j: int, day: I64, week: I64, month: I64) -> bool:
    if window == 0:
        return bool(day[i] == day[j])
    if window == 1:
        return bool(week[i] == week[j])
    if window == 2:
        return bool(month[i] == month[j])
    if window == 4:
        return bool(abs(day[i] - day[j]) < 14)
    return True  # the claim


@numba.njit(cache=True, nogil=True)
def _before(
    across: int, months: int, i: int, day: I64, month: I64, admission: I64,
    slot: I64, h_day: I64, h_month: I64, h_qty: I64, h_adm: I64, h_prev: I64,
    h_last: I64,
) -> int:  # fmt: skip
    """What the patient's earlier claims billed of the line's code that counts
    against a limit spanning claims (`domain.patients.counted`)."""
    used = 0
    e = h_last[slot[i]]
    while e >= 0:
        if h_day[e] <= day[i]:
            if across == 1:
                counts = day[i] - h_day[e] < 14
            elif across == 2:
                counts = month[i] - h_month[e] < months
            elif across == 4:
                counts = h_adm[e] == admission[i]
            else:
                counts = True
            if counts:
                used += h_qty[e]
        e = h_prev[e]
    return used


@numba.njit(cache=True, nogil=True)
def _kernel(
    starts: I64, longest: int, code: I64, day: I64, week: I64, month: I64,
    quantity: I64, interval: I64, cents: I64, who: I64, admission: I64,
    slot: I64, reason: I64, amount: I64, rule: I64, noward: I64,
    h_day: I64, h_month: I64, h_qty: I64, h_adm: I64, h_prev: I64, h_last: I64,
    h_count: int,
    base_lo: I64, base_n: I64, base_code: I64,
    ncodes: int, ex_keys: I64, ex_rows: I64, ex_bits: int,
    ex_scope: I64, ex_keep: I64, ex_rule: I64,
    lim_lo: I64, lim_n: I64, lim_within: I64, lim_across: I64, lim_months: I64,
    lim_max: I64, lim_rule: I64,
    ward_group: I64, ward_rule: I64,
    grp_lo: I64, grp_n: I64, grp_group: I64, grp_ident: I64, grp_rule: I64,
) -> int:  # fmt: skip
    billed = np.empty(longest, np.int64)
    displaced = np.empty(longest, np.int64)
    displacing = np.empty(longest, np.int64)  # the rule that displaces each
    for c in range(len(starts) - 1):
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
            refused = np.int64(-1)
            nd = 0
            for k in range(nb):
                b = billed[k]
                x = pair(ex_keys, ex_rows, ex_bits, v * ncodes + code[b])
                if x >= 0:
                    new_wins = ex_keep[x] == 0
                else:
                    x = pair(ex_keys, ex_rows, ex_bits, interval[b] * ncodes + code[i])
                    if x < 0:
                        continue
                    new_wins = ex_keep[x] == 1
                if not _same(ex_scope[x], i, b, day, week, month):
                    continue
                if not new_wins:
                    refused = x
                    break
                displaced[nd] = k
                displacing[nd] = ex_rule[x]
                nd += 1
            if refused >= 0:
                reason[i] = EXCLUDED
                rule[i] = ex_rule[refused]
                continue
            # 算定回数: the lines billed so far (those to be displaced included)
            # and, for a known patient, what their earlier claims billed
            for r in range(lim_lo[v], lim_lo[v] + lim_n[v]):
                used = 0
                for k in range(nb):
                    b = billed[k]
                    if code[b] == code[i] and _same(
                        lim_within[r], i, b, day, week, month
                    ):
                        used += quantity[b]
                across = lim_across[r]
                if across > 0 and slot[i] >= 0 and (across != 4 or who[i] == 2):
                    used += _before(
                        across, lim_months[r], i, day, month, admission, slot,
                        h_day, h_month, h_qty, h_adm, h_prev, h_last,
                    )  # fmt: skip
                if used + quantity[i] > lim_max[r]:
                    reason[i] = LIMIT_EXCEEDED
                    rule[i] = lim_rule[r]
                    break
            if reason[i] != 0:
                continue
            # 入院基本料: the day's first 入院料 must list the 加算, once per 識別
            if grp_n[v] > 0:
                ward = -1
                for k in range(nb):
                    b = billed[k]
                    if day[b] == day[i] and ward_group[interval[b]] >= 0:
                        ward = b
                        break
                if ward < 0:
                    noward[i] = 1
                else:
                    g = ward_group[interval[ward]]
                    mine = _find(grp_lo[v], grp_n[v], grp_group, g)
                    if mine < 0:
                        reason[i] = NOT_IN_GROUP
                        rule[i] = ward_rule[interval[ward]]
                        continue
                    for k in range(nb):
                        b = billed[k]
                        w = interval[b]
                        if day[b] != day[i] or grp_n[w] == 0:
                            continue
                        theirs = _find(grp_lo[w], grp_n[w], grp_group, g)
                        if theirs >= 0 and grp_ident[theirs] == grp_ident[mine]:
                            reason[i] = NOT_IN_GROUP
                            rule[i] = grp_rule[mine]
                            break
                    if reason[i] != 0:
                        continue
            # billed: the lines it displaces are rejected and count no more
            if nd > 0:
                kept = 0
                d = 0
                for k in range(nb):
                    if d < nd and displaced[d] == k:
                        reason[billed[k]] = EXCLUDED
                        rule[billed[k]] = displacing[d]
                        amount[billed[k]] = 0
                        noward[billed[k]] = 0
                        d += 1
                    else:
                        billed[kept] = billed[k]
                        kept += 1
                nb = kept
            billed[nb] = i
            nb += 1
            amount[i] = cents[v] * quantity[i]
        # the claim's billed lines join its patient's log
        for k in range(nb):
            b = billed[k]
            if slot[b] >= 0:
                h_day[h_count] = day[b]
                h_month[h_count] = month[b]
                h_qty[h_count] = quantity[b]
                h_adm[h_count] = admission[b]
                h_prev[h_count] = h_last[slot[b]]
                h_last[slot[b]] = h_count
                h_count += 1
    return h_count
