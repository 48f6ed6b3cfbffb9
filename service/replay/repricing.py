"""A batch of claims priced by the bulk pricer, a patient's earlier claims in
the file counting, and answered as the report's columns (`report.COLUMNS`):
the same rows `report_rows` writes for claims priced one at a time."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from domain.rulebook import RuleBook
from service.pricing.answers import Answering
from service.pricing.bulk import BulkPricer, Coded, Priced
from service.pricing.claimed import Patients
from service.pricing.columns import I64
from service.pricing.supplies import NO_DOSE
from service.replay.batches import ClaimRows
from service.replay.plain_columns import NO_CENTS
from service.replay.report import AMOUNT, DOSE, SCHEMA
from service.replay.tally import SHOWN, Differing, Tally


class Repricer:
    """Prices a replay's batches in file order under one rule book (built
    once, it serves many files: each replay brings its own `Patients`)."""

    def __init__(self, book: RuleBook) -> None:
        self.pricer = BulkPricer(book)
        self.answering = Answering(self.pricer)

    def patients(self) -> Patients:
        """A replay's patients, none met yet."""
        return Patients(self.pricer)

    def report(self, rows: ClaimRows, patients: Patients) -> tuple[pa.Table, Tally]:
        """The batch's report rows, and what it counted; `patients` holds
        what the batches before it billed, and learns this one's."""
        coded = self._coded(rows)
        priced, claimed = patients.priced(coded, rows.patient, rows.admission)
        said = self.answering.of(priced, claimed.who)
        claim = rows.line_claims()
        billed = rows.billed_cents
        matched = (billed == NO_CENTS) | (billed == priced.points_cents)
        columns = [
            rows.claim_id,
            pa.array(np.arange(rows.lines) - rows.starts[claim], pa.int32()),
            rows.code,
            rows.dates(),
            pa.array(rows.quantity, pa.int32()),
            rows.disease,
            pc.if_else(pa.array(said.priced), "priced", "rejected"),
            said.unit,
            amounts(said.value_cents, said.priced),
            amounts(priced.amount_cents),
            said.revision,
            said.reason,
            amounts(priced.points_cents[claim]),
            amounts(billed[claim], billed[claim] != NO_CENTS),
            pa.array(matched[claim], mask=billed[claim] == NO_CENTS),
            rows.per_row(rows.patient),
            said.unchecked,
            pa.array(said.special),
            said.rule_table,
            pa.array(said.rule_row, pa.int32(), mask=said.rule_row < 0),
            doses(rows.dose, rows.lines),
            rows.group_names or pa.nulls(rows.lines, pa.string()),
        ]
        tally = Tally(
            rows.claims,
            int(matched.sum()),
            rows.lines,
            int((~said.priced).sum()),
            differing(rows, np.flatnonzero(~matched)[:SHOWN], priced, said.reason),
        )
        return pa.Table.from_arrays(columns, schema=SCHEMA), tally

    def _coded(self, rows: ClaimRows) -> Coded:
        code = pc.dictionary_encode(rows.code)
        ids = self.pricer.code_id
        known = np.array(
            [ids.get(c, -1) for c in code.dictionary.to_pylist()] + [-1], np.int64
        )
        disease = pc.dictionary_encode(pc.fill_null(rows.disease, ""))
        return Coded(
            known[code.indices.to_numpy(zero_copy_only=False)],
            rows.day,
            rows.quantity,
            disease.indices.to_numpy(zero_copy_only=False).astype(np.int64),
            disease.dictionary.to_pylist(),
            rows.starts,
            rows.dose,
            rows.group,
        )


def doses(dose: I64 | None, lines: int) -> pa.Array:
    """The report's dose column (blank where a line gave none)."""
    if dose is None:
        return pa.nulls(lines, DOSE)
    given = [None if d == NO_DOSE else Decimal(d).scaleb(-5) for d in dose.tolist()]
    return pa.array(given, DOSE)


def differing(
    rows: ClaimRows, claims: I64, priced: Priced, reasons: pa.Array
) -> list[Differing]:
    """The claims at `claims` (indices in the batch), each with its first
    rejected line's reason."""
    out = []
    for k in claims.tolist():
        start, end = int(rows.starts[k]), int(rows.starts[k + 1])
        said = reasons.slice(start, end - start).to_pylist()
        first = next((i for i, r in enumerate(said) if r is not None), None)
        out.append(
            Differing(
                str(rows.claim_id[start].as_py()),
                Decimal(int(rows.billed_cents[k])) / 100,
                Decimal(int(priced.points_cents[k])) / 100,
                None if first is None else said[first],
                first,
            )
        )
    return out


def amounts(cents: I64, valid: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """Cents as the report's decimal(14, 2), null where not `valid`."""
    cents = np.ascontiguousarray(cents, np.int64)
    words = np.stack([cents, cents >> 63], axis=1)  # a 128-bit two's complement
    mask = None
    if valid is not None and not valid.all():
        mask = pa.array(np.asarray(valid, bool)).buffers()[1]
    return pa.Array.from_buffers(
        AMOUNT, len(cents), [mask, pa.py_buffer(words.tobytes())]
    )
