"""The rule book laid out as sorted integer arrays for the bulk pricer, and the
claim lines as columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from domain.claims import Claim
from domain.rulebook import RuleBook
from domain.supplies import DRUG, MATERIAL, kind_of
from domain.timeline import Interval
from service.pricing.code_table import CodeTable
from service.pricing.columns import I64, spans
from service.pricing.supplies import doses_and_groups

OPEN_END = np.iinfo(np.int64).max
UNITS = {"point": 0, "yen": 1}
SCOPES = {"day": 0, "same_time": 0, "week": 1, "month": 2}  # 同時: the same date


@dataclass
class Lines:
    """Claim lines as columns; the lines of one claim are contiguous, in order."""

    claim: I64  # claim number, 0..n-1
    code: npt.NDArray[np.str_]
    day: I64  # date.toordinal()
    quantity: I64
    disease: npt.NDArray[np.str_]  # "" when none
    dose: I64 | None = None  # as `Coded` holds them (service.pricing.supplies)
    group: I64 | None = None

    def part(self, lo: int, hi: int) -> Lines:
        """Lines [lo, hi), whole claims, renumbered from 0."""
        claim = self.claim[lo:hi]
        return Lines(
            claim - claim[0] if len(claim) else claim,
            self.code[lo:hi],
            self.day[lo:hi],
            self.quantity[lo:hi],
            self.disease[lo:hi],
            None if self.dose is None else self.dose[lo:hi],
            None if self.group is None else self.group[lo:hi],
        )

    @classmethod
    def of(cls, claims: Sequence[Claim]) -> Lines:
        lines = [x for c in claims for x in c.lines]
        sizes = [len(c.lines) for c in claims]
        dose, group, _ = doses_and_groups(claims)
        return cls(
            claim=np.repeat(np.arange(len(claims), dtype=np.int64), sizes),
            code=np.array([x.code for x in lines], dtype=np.str_),
            day=np.array([x.date.toordinal() for x in lines], dtype=np.int64),
            quantity=np.array([x.quantity for x in lines], dtype=np.int64),
            disease=np.array([x.disease or "" for x in lines], dtype=np.str_),
            dose=dose,
            group=group,
        )


SUPPLY = {DRUG: 1, MATERIAL: 2}


class Layout:
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
        # 1 a drug, 2 a material priced in yen (domain.supplies), else 0
        self.iv_supply = np.array(
            [
                SUPPLY.get(kind_of(i.state.code) or "", 0)
                if i.state.unit == "yen"
                else 0
                for i in ivs
            ],
            np.int64,
        )
        self.iv_eligible = np.array([bool(i.state.eligible_diseases) for i in ivs])
        # add-on bases, flattened: (interval, base code); the other rules
        # between lines are the kernel's (tables.Tables)
        bases = [
            (n, self.code_id.get(b, -1))
            for n, i in enumerate(ivs)
            for b in i.state.addon_to
        ]
        self.bases = np.array(bases, np.int64).reshape(-1, 2)
        everyone = np.arange(len(ivs))
        self.base_lo, self.base_n = spans(self.bases[:, 0], everyone)
        size = len(self.codes) + 1
        # each code's intervals: where they start in the arrays, and how many
        self.code_first, self.code_count = spans(self.iv_code, np.arange(size - 1))
        self.max_count = int(self.code_count.max()) if self.codes else 0
        self._code_array = np.array(self.codes, dtype=np.str_)
        self._table = CodeTable(self._code_array)


def _cents(value: Decimal) -> int:
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"value {value} has more than 2 decimals")
    return int(cents)
