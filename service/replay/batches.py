"""Claim files read as batches of whole claims in columns (`ClaimRows`), for
the bulk pricer. Every format (Parquet, CSV, JSON Lines: `file_tables.py`) is
checked column-wise: a batch whose every
cell is plainly what `POST /claims/price` accepts (ISO dates, ASCII codes …)
is taken as it is; any other batch is read claim by claim by `files.py` (和暦
dates, full-width codes), and a file that holds a refusal is refused by that
reader, naming its row and field, exactly as a claim-by-claim replay would."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from domain.claims import Claim
from service.contract.fields import CODE_PATTERN, DISEASE_PATTERN
from service.pricing.columns import I64, UNIX_EPOCH
from service.pricing.supplies import doses_and_groups
from service.replay.file_tables import RAW, claim_keys, joined, json_records, tables_of
from service.replay.files import (
    Advance,
    ClaimFileError,
    Record,
    _checked,
    _claims,
    _cleaned,
    refuse_as_read,
)
from service.replay.plain_columns import (
    NO_CENTS,
    column_of,
    plain_billed,
    plain_claim_field,
    plain_days,
    plain_quantities,
    plain_texts,
)
from service.replay.supply_columns import plain_supplies

CODE = re.compile(CODE_PATTERN)
DISEASE = re.compile(DISEASE_PATTERN)


@dataclass(frozen=True)
class ClaimRows:
    """Whole claims, a line a row, in file order: claim c is rows
    starts[c] .. starts[c + 1]; the claim's fields once per claim."""

    claim_id: pa.Array  # per row, string
    code: pa.Array  # per row, string, as the claim body normalises it
    day: I64  # per row, date.toordinal()
    quantity: I64
    disease: pa.Array  # per row, string or null
    starts: I64
    patient: list[str | None]  # per claim
    admission: list[str | None]
    billed_cents: I64  # per claim, NO_CENTS when not given
    # per row: a drug's or material's 使用量 × 100,000 (NO_DOSE: none) and its
    # 剤's number in the claim (-1: none); None when no row has one
    dose: I64 | None = None
    group: I64 | None = None
    group_names: pa.Array | None = None  # per row, the group as given

    @property
    def claims(self) -> int:
        return len(self.starts) - 1

    @property
    def lines(self) -> int:
        return int(self.starts[-1])

    def line_claims(self) -> I64:
        """Each row's claim number."""
        return np.repeat(np.arange(self.claims), np.diff(self.starts))

    def dates(self) -> pa.Array:
        """Each row's date as a date32 column."""
        return pa.array((self.day - UNIX_EPOCH).astype(np.int32), pa.date32())

    def per_row(self, per_claim: list[str | None]) -> pa.Array:
        """A claim's text on each of its rows."""
        return pa.array(per_claim, pa.string()).take(pa.array(self.line_claims()))

    @classmethod
    def of(cls, claims: Sequence[Claim]) -> ClaimRows:
        lines = [x for c in claims for x in c.lines]
        sizes = [len(c.lines) for c in claims]
        return cls(
            pa.array(np.repeat(np.array([c.id for c in claims], object), sizes)),
            pa.array([x.code for x in lines], pa.string()),
            np.array([x.date.toordinal() for x in lines], np.int64),
            np.array([x.quantity for x in lines], np.int64),
            pa.array([x.disease for x in lines], pa.string()),
            np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
            [c.patient for c in claims],
            [c.admission for c in claims],
            np.array(
                [
                    NO_CENTS if c.billed_points is None else int(c.billed_points * 100)
                    for c in claims
                ],
                np.int64,
            ),
            *doses_and_groups(claims),
        )


def read_batches(path: Path, max_lines: int, advance: Advance) -> Iterator[ClaimRows]:
    """The file's claims in batches of whole claims, a block of the file at a
    time (a claim cut by a block's end waits for the next)."""
    seen: set[str] = set()
    held: pa.Table | None = None
    for block, told in tables_of(path):
        table = joined(held, block)
        starts = _starts(claim_keys(table))
        held = table.slice(int(starts[-2])) if len(starts) > 1 else None
        whole = table.slice(0, int(starts[-2])) if len(starts) > 1 else table[:0]
        if whole.num_rows:
            yield _rows(path, whole, starts[:-1], seen, max_lines)
        advance(told)
    if held is not None and held.num_rows:
        starts = _starts(claim_keys(held))
        yield _rows(path, held, starts, seen, max_lines)


def _starts(ids: pa.Array) -> I64:
    """Where each run of one claim_id starts, and the end."""
    n = len(ids)
    if n == 0:
        return np.zeros(1, np.int64)
    codes = pc.dictionary_encode(ids).indices.to_numpy(zero_copy_only=False)
    changed = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    return np.concatenate([[0], changed, [n]]).astype(np.int64)


def _rows(
    path: Path, table: pa.Table, starts: I64, seen: set[str], max_lines: int
) -> ClaimRows:
    """A batch of whole claims, taken column-wise when every cell is plain,
    else claim by claim (which refuses a bad row as `files.py` does)."""
    rows = _plain(table, starts)
    if rows is None:
        rows = ClaimRows.of(list(_slow(path, table, max_lines)))
    ids = rows.claim_id.take(pa.array(rows.starts[:-1])).to_pylist()
    sizes = np.diff(rows.starts)
    for n, claim_id in enumerate(ids):
        if claim_id in seen or sizes[n] > max_lines:
            refuse_as_read(path, max_lines)  # the claim-by-claim reader says where
        seen.add(claim_id)
    return rows


def _slow(path: Path, table: pa.Table, max_lines: int) -> Iterator[Claim]:
    try:
        if RAW in table.column_names:  # JSON: its lines, as the reader reads them
            records: Iterator[Record] = json_records(path, table)
        else:
            records = (Record(f"{path}", _cleaned(r)) for r in table.to_pylist())
        for group in _claims(records):
            yield _checked(group, max_lines)
    except ClaimFileError:
        refuse_as_read(path, max_lines)


def _plain(table: pa.Table, starts: I64) -> ClaimRows | None:
    """The batch as ClaimRows if every cell is plainly valid, else None."""
    n = table.num_rows
    ids = column_of(table, "claim_id")
    if not pa.types.is_string(ids.type) or ids.null_count:
        return None
    lengths = pc.utf8_length(ids).to_numpy(zero_copy_only=False)
    if lengths.min(initial=1) < 1 or lengths.max(initial=0) > 100:
        return None
    code = plain_texts(table, "code", CODE, 40, required=True)
    disease = plain_texts(table, "disease", DISEASE, 100, required=False)
    day = plain_days(table.column("date"))
    quantity = plain_quantities(table)
    first = starts[:-1]
    claim = np.repeat(np.arange(len(first)), np.diff(starts))
    fields = [
        plain_claim_field(table, name, first, claim)
        for name in ("patient", "admission")
    ]
    billed = plain_billed(table, first, claim)
    if code is None or disease is None or day is None or quantity is None:
        return None
    if any(f is None for f in fields) or billed is None or n == 0:
        return None
    patient, admission = fields
    assert patient is not None
    assert admission is not None
    supplied = plain_supplies(table, code, claim, day, quantity)
    if supplied is None:
        return None
    return ClaimRows(
        ids, code, day, quantity, disease, starts, patient, admission, billed, *supplied
    )
