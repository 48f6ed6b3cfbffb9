"""What the bulk pricer's numbers say, per line, in the words of a priced
claim (`domain.billing.PricedLine`): status, unit, value, revision, reason, the
units left unchecked, 特例条件 and the deciding rule's table and row — as
Arrow columns, each a lookup of the line's interval, reason or rule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from domain.line_rules import ACROSS_CLAIMS, NO_WARD
from domain.master_fields import unchecked_fields
from domain.timeline import Interval
from service.pricing.bulk import REASONS, BulkPricer, Priced
from service.pricing.columns import I64


@dataclass(frozen=True)
class LineAnswers:
    """Per line; values in cents, texts as Arrow strings (null: none)."""

    priced: npt.NDArray[np.bool_]
    unit: pa.Array
    value_cents: I64
    revision: pa.Array
    reason: pa.Array
    unchecked: pa.Array  # the units, space-separated
    special: npt.NDArray[np.bool_]
    rule_table: pa.Array
    rule_row: I64  # -1 when none


class Answering:
    """Built once per pricer: each interval's texts, each rule's table row."""

    def __init__(self, pricer: BulkPricer) -> None:
        self.intervals = pricer.intervals
        ivs = pricer.intervals
        self.unit = pa.array([i.state.unit for i in ivs], pa.string())
        self.revision = pa.array([i.revision for i in ivs], pa.string())
        self.cents = np.append(pricer.iv_cents, 0)
        self.reasons = pa.array([r or None for r in REASONS], pa.string())
        table, self.rule_row, self.rule_special = pricer.tables.described()
        self.rule_table = pa.array(table.tolist(), pa.string())

    def of(self, priced: Priced, who: I64) -> LineAnswers:
        """`who`: per line, 0 no patient, 1 a patient, 2 and their admission."""
        ok = priced.reason == 0
        iv = np.where(ok, priced.interval, -1)
        return LineAnswers(
            ok,
            _looked_up(self.unit, iv),
            self.cents[iv],
            _looked_up(self.revision, iv),
            _looked_up(self.reasons, priced.reason),
            self._unchecked(ok, priced, who),
            self.rule_special[priced.rule],
            _looked_up(self.rule_table, priced.rule),
            self.rule_row[priced.rule],
        )

    def _unchecked(
        self, ok: npt.NDArray[np.bool_], priced: Priced, who: I64
    ) -> pa.Array:
        """A priced line's limit units counted nowhere, its units spanning
        claims it cannot count (patient or admission unknown), and 入院料 when
        an 入院基本料等加算 found none that day: decided per distinct
        (interval, who, no 入院料)."""
        keys = (np.maximum(priced.interval, 0) * 3 + who) * 2 + priced.noward
        distinct, inverse = np.unique(np.where(ok, keys, -1), return_inverse=True)
        texts = [
            None if k < 0 else _units(self.intervals[k // 6], k // 2 % 3, k % 2 == 1)
            for k in distinct.tolist()
        ]
        return _looked_up(pa.array(texts, pa.string()), inverse.reshape(-1))


def _looked_up(values: pa.Array, at: I64) -> pa.Array:
    """values[at] per line, null where `at` is -1."""
    return values.take(pa.array(at, pa.int64(), mask=at < 0))


def _units(item: Interval, who: int, noward: bool) -> str | None:
    """`domain.line_rules.limit_verdict`'s and `group_verdict`'s unchecked."""
    units = []
    for rule in item.state.limits:
        if rule.per == "unchecked":
            units.append(rule.unit or "unchecked")
        elif rule.per in ACROSS_CLAIMS and (
            who == 0 or (who == 1 and rule.per == "admission")
        ):
            units.append(rule.unit or ACROSS_CLAIMS[rule.per])
    if noward:
        units.append(NO_WARD)
    units += unchecked_fields(item.state.attributes)
    return " ".join(units) or None
