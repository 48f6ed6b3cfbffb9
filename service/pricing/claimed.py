"""Whose claims the lines are, as numbers the kernel counts by: each patient's
(patient, code) slots for the codes a limit across claims counts, and each
admission. Kept across the batches of a replay, with the patients' logs: the
patients are dealt into shards, each with its own log, and the shards are
priced at once in threads (the kernel lets go of the GIL); a patient's claims
stay in their shard, in order, so each is priced after the ones before it."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from service.pricing.bulk import MIN_PART, PER_LINE, BulkPricer, Coded, Priced
from service.pricing.columns import I64
from service.pricing.patient_log import Claimed, PatientLog

SHARDS = 2  # the patients' shards, priced at once


class Patients:
    """The patients met so far and what their claims billed."""

    def __init__(self, pricer: BulkPricer, shards: int = SHARDS) -> None:
        self.pricer = pricer
        book = pricer.book
        self.spanning = np.array([book.spans_claims(c) for c in pricer.codes], bool)
        self.codes = max(1, len(pricer.codes))
        self.patients: dict[str, int] = {}
        self.admissions: dict[str, int] = {}
        self.slots: dict[int, int] = {}
        self.logs = [PatientLog.empty() for _ in range(shards)]

    def priced(
        self,
        lines: Coded,
        patients: Sequence[str | None],
        admissions: Sequence[str | None],
    ) -> tuple[Priced, Claimed]:
        """The lines priced, each patient's earlier claims counted (`patients`
        and `admissions` per claim; None: not given); and who they were for."""
        claimed = self.claimed(lines, patients, admissions)
        claims = len(lines.starts) - 1
        sizes = np.diff(lines.starts)
        first = lines.starts[:-1]
        patient = claimed.patient[first]
        shard = np.where(patient >= 0, patient, np.arange(claims)) % len(self.logs)
        parts = [np.flatnonzero(shard == n) for n in range(len(self.logs))]
        line_shard = np.repeat(shard, sizes)
        rows = [np.flatnonzero(line_shard == n) for n in range(len(self.logs))]

        def one(n: int) -> Priced:
            at, part = rows[n], parts[n]
            starts = np.concatenate([[0], np.cumsum(sizes[part])]).astype(np.int64)
            coded = lines.at(at, starts)
            who = Claimed(
                claimed.who[at],
                claimed.admission[at],
                claimed.slot[at],
                claimed.patient[at],
            )
            return self.pricer.price_coded(coded, who, self.logs[n])

        if len(lines.code) < MIN_PART or len(self.logs) == 1:
            done = [one(n) for n in range(len(self.logs))]
        else:
            with ThreadPoolExecutor(len(self.logs)) as pool:
                done = list(pool.map(one, range(len(self.logs))))
        return _joined(done, rows, parts, len(lines.code), claims), claimed

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
        return Claimed(who.astype(np.int64), admission, slot, patient)

    @staticmethod
    def _numbers(names: Sequence[str | None], numbers: dict[str, int]) -> I64:
        return np.fromiter(
            (-1 if n is None else numbers.setdefault(n, len(numbers)) for n in names),
            np.int64,
            len(names),
        )


def _joined(
    done: list[Priced], rows: list[I64], parts: list[I64], lines: int, claims: int
) -> Priced:
    """The shards' answers put back in the lines' and claims' order."""
    line, claim = np.zeros(lines, np.int64), np.zeros(claims, np.int64)
    out = Priced(
        line.copy(), line.copy(), line.copy(), line.copy(), line, claim.copy(), claim
    )
    for priced, at, part in zip(done, rows, parts, strict=True):
        for name in PER_LINE:
            getattr(out, name)[at] = getattr(priced, name)
        out.points_cents[part] = priced.points_cents
        out.yen_cents[part] = priced.yen_cents
    return out
