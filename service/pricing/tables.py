"""The rules between lines as flat integer arrays for the compiled kernel: each
interval's rows of a kind at lo[iv] .. lo[iv] + n[iv]. Every rule row names a
rule id, an index into `Tables.rules`, so a rejected line can say which table
row decided (and whether its 特例条件 is set)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from domain.patients import MONTHS
from domain.rules import Grouping, Rule
from service.pricing.columns import I64, spans
from service.pricing.layout import SCOPES, Layout
from service.pricing.pairs import pair_table

KEEP = {"this": 0, "other": 1, "first": 2}
# The window a limit counts in within the claim (any other unit spans claims:
# the claim; ２週: 14 days either side), and how it counts the patient's
# history. A limit `unchecked` is counted nowhere.
WITHIN = {"day": 0, "week": 1, "month": 2, "claim": 3, "weeks_2": 4}
WITHIN |= dict.fromkeys(("first_visit", "admission_first_day", "discharge"), 0)
ACROSS = {"weeks_2": 1, **dict.fromkeys(MONTHS, 2), "patient": 3, "first_time": 3}
ACROSS |= {"admission": 4}


@dataclass(frozen=True)
class Tables:
    """Add-on bases; exclusions found by (interval, other code) in a hash
    table (the first rule per code, as `ItemState.excluding`); countable
    limits in the item's order; 入院基本料: each 入院料's group and each
    加算's (group, 加算識別) rows."""

    base_lo: I64
    base_n: I64
    base_code: I64
    ncodes: int
    ex_keys: I64  # an open-addressing table of interval × ncodes + other code
    ex_rows: I64  # each key's row in the ex_ columns
    ex_bits: int
    ex_scope: I64
    ex_keep: I64
    ex_rule: I64
    lim_lo: I64
    lim_n: I64
    lim_within: I64
    lim_across: I64  # 0 none, 1 ２週, 2 months (lim_months), 3 ever, 4 入院中
    lim_months: I64
    lim_max: I64
    lim_rule: I64
    ward_group: I64  # per interval: its 入院料 group, -1 when none
    ward_rule: I64
    grp_lo: I64
    grp_n: I64
    grp_group: I64
    grp_ident: I64
    grp_rule: I64
    rules: tuple[Rule, ...]

    def arrays(self) -> tuple[Any, ...]:
        """The arrays in the kernel's argument order."""
        return tuple(getattr(self, f) for f in self.__dataclass_fields__)[:-1]

    @classmethod
    def of(cls, layout: Layout) -> Tables:
        rules: dict[int, int] = {}  # id(rule) -> rule id
        kept: list[Rule] = []

        def rule_id(rule: Rule) -> int:
            if id(rule) not in rules:
                rules[id(rule)] = len(kept)
                kept.append(rule)
            return rules[id(rule)]

        ivs = layout.intervals
        everyone = np.arange(len(ivs))
        ex = _table(
            (n, layout.code_id[code], SCOPES[x.scope], KEEP[x.keep], rule_id(x))
            for n, i in enumerate(ivs)
            for code, x in sorted(i.state.excluding.items())
            if code in layout.code_id and x.scope in SCOPES
        )
        lim = _table(
            (n, WITHIN.get(x.per, 3), ACROSS.get(x.per, 0), MONTHS.get(x.per, 0), *rest)
            for n, i in enumerate(ivs)
            for x in i.state.limits
            if x.per != "unchecked"
            for rest in [(x.max, rule_id(x))]
        )
        named = sorted({g.group for i in ivs for g in i.state.groups})
        groups = {group: k for k, group in enumerate(named)}
        grp = _table(
            (n, groups[g.group], g.ident, rule_id(g))
            for n, i in enumerate(ivs)
            for g in sorted(i.state.allowed_with.values(), key=lambda g: g.group)
            if g.ident is not None
        )
        wards = [i.state.ward for i in ivs]
        ncodes = max(1, len(layout.codes))
        ex_code, ex_scope, ex_keep, ex_rule = _columns(ex, 1, 5)
        ex_bits = max(4, (2 * len(ex_code)).bit_length())
        ex_keys, ex_rows = pair_table(ex[:, 0] * ncodes + ex_code, ex_bits)
        lim_lo, lim_n = spans(lim[:, 0], everyone)
        within, across, months, most, lim_rule = _columns(lim, 1, 6)
        grp_lo, grp_n = spans(grp[:, 0], everyone)
        grp_group, grp_ident, grp_rule = _columns(grp, 1, 4)
        return cls(
            layout.base_lo,
            layout.base_n,
            layout.bases[:, 1].copy(),
            ncodes,
            ex_keys,
            ex_rows,
            ex_bits,
            ex_scope,
            ex_keep,
            ex_rule,
            lim_lo,
            lim_n,
            within,
            across,
            months,
            most,
            lim_rule,
            np.array([-1 if w is None else groups[w.group] for w in wards], np.int64),
            np.array([-1 if w is None else rule_id(w) for w in wards], np.int64),
            grp_lo,
            grp_n,
            grp_group,
            grp_ident,
            grp_rule,
            tuple(kept),
        )

    def described(self) -> tuple[npt.NDArray[np.object_], I64, npt.NDArray[np.bool_]]:
        """Per rule id, and -1 for none (the last): its table (None for a rule
        typed from a document), its row (-1 when none) and whether a line it
        rejects carries 特例条件 (never for a group: `group_verdict` sets none)."""
        table = np.array([r.table for r in self.rules] + [None], dtype=object)
        row = np.array([-1 if r.row is None else r.row for r in self.rules] + [-1])
        special = [r.special and not isinstance(r, Grouping) for r in self.rules]
        return table, row.astype(np.int64), np.array([*special, False], np.bool_)


def _table(rows: object) -> I64:
    found = list(rows)  # type: ignore[call-overload]
    width = len(found[0]) if found else 1
    return np.array(found, np.int64).reshape(-1, width)


def _columns(table: I64, first: int, last: int) -> list[I64]:
    """Columns first..last of a table, each its own contiguous array (an empty
    table gives empty columns)."""
    if table.shape[1] < last:
        return [np.zeros(0, np.int64) for _ in range(first, last)]
    return [table[:, k].copy() for k in range(first, last)]
