"""What a patient's earlier claims billed, for the limits that span claims
(２週, ３月…５年, 患者当り, 入院中, 初回): indexed by code, so a line looks up
only its own code's earlier billings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

# The limit units counted across a patient's claims.
SPANS_CLAIMS = frozenset(
    {"weeks_2", "months_2", "months_3", "months_4", "months_6", "months_12"}
    | {"years_5", "patient", "admission", "first_time"}
)


@dataclass(frozen=True)
class PastLine:
    """A line billed (priced, not rejected) on an earlier claim."""

    date: date
    quantity: int
    admission: str | None


@dataclass
class History:
    """The patient's billed lines so far, by code."""

    by_code: dict[str, list[PastLine]] = field(default_factory=dict)

    def add(self, code: str, line: PastLine) -> None:
        self.by_code.setdefault(code, []).append(line)

    def of(self, code: str) -> list[PastLine]:
        return self.by_code.get(code, [])


@dataclass(frozen=True)
class Patient:
    """Who a claim is for: their history, and the claim's admission."""

    history: History
    admission: str | None = None


MONTHS = {
    "months_2": 2,
    "months_3": 3,
    "months_4": 4,
    "months_6": 6,
    "months_12": 12,
    "years_5": 60,
}


def counted(per: str, day: date, patient: Patient, code: str) -> Iterator[PastLine]:
    """The patient's earlier billings of `code` that count against a limit
    `per` for a line on `day`: on or before it, within the unit's window."""
    for past in patient.history.of(code):
        if past.date > day:
            continue
        if per == "weeks_2" and (day - past.date).days >= 14:
            continue
        if per in MONTHS and _month(day) - _month(past.date) >= MONTHS[per]:
            continue  # months from the month of the last billing
        if per == "admission" and past.admission != patient.admission:
            continue
        yield past


def checks(per: str, patient: Patient | None) -> bool:
    """Whether a limit across claims can be checked: the patient is known (and,
    per admission, the admission)."""
    if patient is None:
        return False
    return per != "admission" or patient.admission is not None


def _month(day: date) -> int:
    return day.year * 12 + day.month
