"""Whose claims the lines are, as numbers the kernel counts by: each patient's
(patient, code) slots for the codes a limit across claims counts, and each
admission. Kept across the batches of a replay, with the patients' log."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from service.pricing.bulk import BulkPricer, Coded
from service.pricing.columns import I64
from service.pricing.kernel import Claimed, PatientLog


class Patients:
    """The patients met so far and what their claims billed."""

    def __init__(self, pricer: BulkPricer) -> None:
        book = pricer.book
        self.spanning = np.array([book.spans_claims(c) for c in pricer.codes], bool)
        self.codes = max(1, len(pricer.codes))
        self.patients: dict[str, int] = {}
        self.admissions: dict[str, int] = {}
        self.slots: dict[int, int] = {}
        self.log = PatientLog.empty()

    def claimed(
        self,
        lines: Coded,
        patients: Sequence[str | None],
        admissions: Sequence[str | None],
    ) -> Claimed:
        """Who each line's claim is for; `patients` and `admissions` are per
        claim (None: not given)."""
        sizes = np.diff(lines.starts)
        patient = np.repeat(self._numbers(patients, self.patients), sizes)
        admission = np.repeat(self._numbers(admissions, self.admissions), sizes)
        who = np.where(patient < 0, 0, np.where(admission < 0, 1, 2))
        known = lines.code >= 0
        counted = (patient >= 0) & known
        counted[counted] = self.spanning[lines.code[counted]]
        slot = np.full(len(lines.code), -1, np.int64)
        keys = patient[counted] * self.codes + lines.code[counted]
        distinct, inverse = np.unique(keys, return_inverse=True)
        numbers = self.slots
        found = [numbers.setdefault(k, len(numbers)) for k in distinct.tolist()]
        slot[counted] = np.array(found, np.int64)[inverse.reshape(-1)]
        return Claimed(who.astype(np.int64), admission, slot)

    @staticmethod
    def _numbers(names: Sequence[str | None], numbers: dict[str, int]) -> I64:
        return np.fromiter(
            (-1 if n is None else numbers.setdefault(n, len(numbers)) for n in names),
            np.int64,
            len(names),
        )
