"""What the kernel knows of whose claims its lines are: each line's patient,
admission and (patient, code) slot (`Claimed`), and what each patient's earlier
claims billed of the codes a limit across claims counts (`PatientLog`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from service.pricing.columns import I64


@dataclass
class PatientLog:
    """What patients' claims billed so far, for the limits that span claims:
    one linked list of billings per (patient, code) slot, newest first,
    growing as claims are priced (kept across batches of a replay)."""

    day: I64
    month: I64
    quantity: I64
    admission: I64
    previous: I64
    last: I64  # per slot: its newest billing, -1 when none
    count: int = 0

    @classmethod
    def empty(cls) -> PatientLog:
        none = np.zeros(0, np.int64)
        return cls(none, none, none, none, none, none)

    def room(self, billings: int, slots: int) -> None:
        """Grow the arrays to hold `billings` more and `slots` slots."""
        wanted = self.count + billings
        if wanted > len(self.day):
            size = max(wanted, 2 * len(self.day))
            for name in ("day", "month", "quantity", "admission", "previous"):
                grown = np.empty(size, np.int64)
                grown[: self.count] = getattr(self, name)[: self.count]
                setattr(self, name, grown)
        if slots > len(self.last):
            grown = np.full(max(slots, 2 * len(self.last)), -1, np.int64)
            grown[: len(self.last)] = self.last
            self.last = grown


@dataclass(frozen=True)
class Claimed:
    """Who each line's claim is for: 0 no patient, 1 a patient, 2 a patient
    in a known admission; the admission's number (-1 none); the line's
    (patient, code) slot in the log (-1: not counted across claims); and the
    patient's number (-1 none)."""

    who: I64
    admission: I64
    slot: I64
    patient: I64

    @classmethod
    def nobody(cls, n: int) -> Claimed:
        none = np.full(n, -1, np.int64)
        return cls(np.zeros(n, np.int64), none, none, none)
