"""The rules between lines (add-on bases, exclusions, limits), checked over whole
columns on the assumption that no line is rejected by them."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from service.pricing.columns import (
    I64,
    Windows,
    find,
    first_index,
    gather,
    key,
    rows_for,
    running_quantity,
)
from service.pricing.layout import Layout, Lines


def between(
    rules: Layout,
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
    pair, rule = rows_for(iv[idx], *rules.spans["bases"])
    if len(pair):
        base = rules.bases[rule, 1]
        sub = np.flatnonzero(rules.is_base[k])
        keys, first = first_index(key(c[sub], k[sub], d[sub]), idx[sub])
        found, at = find(keys, key(c[pair], base, d[pair]))
        earlier = found & (gather(first, at, found) < idx[pair])
        # an add-on is fine when any one of its bases came earlier that day
        fine = np.zeros(len(idx), dtype=bool)
        fine[pair[earlier]] = True
        needs = np.zeros(len(idx), dtype=bool)
        needs[pair] = True
        flagged = np.flatnonzero(needs & ~fine)
        quiet = ~rules.influences[iv[idx[flagged]]]
        baseless = idx[flagged[quiet]]
        suspect[c[flagged[~quiet]]] = True
    # Exclusions: another line of the partner code in the same day/week/month.
    pair, rule = rows_for(iv[idx], *rules.spans["exclusions"])
    if len(pair):
        sub = np.flatnonzero(rules.is_partner[k])
        for scope in (0, 1, 2):
            chosen = rules.exclusions[rule, 2] == scope
            if not chosen.any():
                continue
            line, partner = pair[chosen], rules.exclusions[rule[chosen], 1]
            w = windows[scope]
            keys, counts = np.unique(key(c[sub], k[sub], w[sub]), return_counts=True)
            found, at = find(keys, key(c[line], partner, w[line]))
            n = gather(counts, at, found) - (partner == k[line])
            suspect[c[line][n > 0]] = True
    # Limits: quantity so far in the window, this line included.
    pair, rule = rows_for(iv[idx], *rules.spans["limits"])
    if len(pair):
        sub = np.flatnonzero(rules.is_limited[k])
        position = np.full(len(idx), -1, np.int64)
        position[sub] = np.arange(len(sub))
        quantity = lines.quantity[idx][sub]
        for period in (0, 1, 2, 3):
            chosen = rules.limits[rule, 1] == period
            if not chosen.any():
                continue
            w = windows[period]
            so_far = running_quantity(key(c[sub], k[sub], w[sub]), quantity)
            line = pair[chosen]
            over = so_far[position[line]] > rules.limits[rule[chosen], 2]
            suspect[c[line][over]] = True
    return suspect, baseless
