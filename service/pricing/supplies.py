"""Drug and material lines priced column-wise, exactly as `domain.supplies`
prices them one claim at a time: in integers of 1e-7 yen (a price in cents ×
a 使用量 in 1e-5), so every sum and boundary (15 円, .5 of a point) is exact."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pyarrow as pa

from domain.claims import Claim
from service.pricing.columns import I64

DOSE_ONE = 100_000  # a 使用量 of 1, in 1e-5
NO_DOSE = -1
YEN = 10**7  # 1 yen in the units of `yen` below
LARGEST = 2**62  # above this a product of cents and dose may overflow int64


class SupplyLines(Protocol):
    @property
    def day(self) -> I64: ...

    @property
    def quantity(self) -> I64: ...

    @property
    def dose(self) -> I64 | None: ...

    @property
    def group(self) -> I64 | None: ...


class Supplies:
    """The priced drug (supply 1) and material (2) lines of a batch."""

    def __init__(self, supply: I64, cents: I64, lines: SupplyLines, claim: I64) -> None:
        self.supply, self.lines, self.claim = supply, lines, claim
        dose = lines.dose
        doses = np.full(len(supply), DOSE_ONE, np.int64)
        if dose is not None:
            doses = np.where(dose == NO_DOSE, DOSE_ONE, dose)
        wide = cents.astype(object) if _may_overflow(cents, doses) else cents
        self.yen = wide * doses  # 1e-7 yen (object ints if int64 could overflow)

    def amounts(self, amount: I64) -> None:
        """Each supply line's amount in points (as cents) in place: a
        material's on its line, a drug 所定単位's on its last line."""
        material = self.supply == 2
        points = (self.yen[material] + 5 * YEN) // (10 * YEN)  # 四捨五入
        amount[material] = (points * 100 * self.lines.quantity[material]).astype(
            np.int64
        )
        drug = np.flatnonzero(self.supply == 1)
        if not len(drug):
            return
        unit, units = self._units(drug)
        yen = np.zeros(units, self.yen.dtype)
        np.add.at(yen, unit, self.yen[drug])
        last = np.full(units, -1, np.int64)
        np.maximum.at(last, unit, drug)
        above = yen - 15 * YEN
        points = np.where(above > 0, 1 + (above + 10 * YEN - 1) // (10 * YEN), 1)
        amount[drug] = 0
        amount[last] = (points * 100 * self.lines.quantity[last]).astype(np.int64)

    def _units(self, drug: I64) -> tuple[I64, int]:
        """Each drug line's 所定単位 (its claim's group on its date; a line of
        no group is a unit of its own), numbered 0..units-1."""
        group = self.lines.group
        named = np.full(len(drug), -1, np.int64) if group is None else group[drug]
        keys = np.stack(
            [
                self.claim[drug],
                named,
                self.lines.day[drug],
                np.where(named < 0, drug, -1),
            ],
            axis=1,
        )
        distinct, unit = np.unique(keys, axis=0, return_inverse=True)
        return unit.reshape(-1), len(distinct)


def _may_overflow(cents: I64, doses: I64) -> bool:
    if not len(cents):
        return False
    return int(np.abs(cents).max()) * int(doses.max()) >= LARGEST


def doses_and_groups(
    claims: Sequence[Claim],
) -> tuple[I64 | None, I64 | None, pa.Array | None]:
    """The claims' lines' doses (× 100,000, NO_DOSE: none), their groups
    numbered within each claim (-1: none) and as given; all None when no
    line has a dose or a group."""
    lines = [x for c in claims for x in c.lines]
    if not any(x.dose is not None or x.group is not None for x in lines):
        return None, None, None
    dose = np.array(
        [NO_DOSE if x.dose is None else int(x.dose * DOSE_ONE) for x in lines],
        np.int64,
    )
    numbers: list[int] = []
    for claim in claims:
        seen: dict[str, int] = {}
        numbers += [
            -1 if x.group is None else seen.setdefault(x.group, len(seen))
            for x in claim.lines
        ]
    names = pa.array([x.group for x in lines], pa.string())
    return dose, np.array(numbers, np.int64), names
