"""The replay report: one row a priced line, written as CSV or Parquet a batch at
a time (the same columns and values in both)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from domain.billing import PricedClaim
from service.contract.fields import number

AMOUNT = pa.decimal128(14, 2)
# name and Parquet type of each column, in the CSV's order (new ones go last)
COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("claim_id", pa.string()),
    ("index", pa.int32()),
    ("code", pa.string()),
    ("date", pa.date32()),
    ("quantity", pa.int32()),
    ("disease", pa.string()),
    ("status", pa.string()),
    ("unit", pa.string()),
    ("unit_value", AMOUNT),
    ("amount", AMOUNT),
    ("revision", pa.string()),
    ("reason", pa.string()),
    ("claim_total_points", AMOUNT),
    ("claim_billed_points", AMOUNT),
    ("claim_matched", pa.bool_()),
    ("patient", pa.string()),
    ("unchecked", pa.string()),
    ("special_condition", pa.bool_()),
    ("rule_table", pa.string()),
    ("rule_row", pa.int32()),
)
REPORT_COLUMNS = tuple(name for name, _ in COLUMNS)
SCHEMA = pa.schema(list(COLUMNS))
REPORT_FORMATS = {".csv": "csv", ".parquet": "parquet"}
Row = list[Any]


def report_rows(priced: PricedClaim, matched: bool, patient: str | None) -> list[Row]:
    """A claim's lines as report rows, in COLUMNS' order and types."""
    return [
        [
            priced.id,
            x.index,
            x.line.code,
            x.line.date,
            x.line.quantity,
            x.line.disease,
            x.status,
            x.unit,
            x.unit_value,
            x.amount,
            x.revision,
            x.reason,
            priced.total_points,
            priced.billed_points,
            matched,
            patient,
            " ".join(x.unchecked) or None,
            x.special_condition,
            (x.rule or {}).get("table"),
            (x.rule or {}).get("row"),
        ]
        for x in priced.lines
    ]


class ReportWriter(Protocol):
    def write(self, rows: list[Row]) -> None: ...


def report_format(path: Path) -> str:
    found = REPORT_FORMATS.get(path.suffix.lower())
    if found is None:
        raise ValueError(
            f"report: unknown report type {path.suffix!r}: use .csv or .parquet"
        )
    return found


@contextmanager
def report_writer(path: Path) -> Iterator[ReportWriter]:
    """A writer for `path`, by its extension. The report is written beside it
    and takes its name only when complete: a failed replay leaves no report
    and an older one untouched."""
    kind = report_format(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if kind == "parquet":
            with pq.ParquetWriter(partial, SCHEMA) as parquet:
                writer = ParquetReport(parquet)
                yield writer
                writer.flush()
        else:
            with partial.open("w", encoding="utf-8-sig", newline="") as out:
                yield CsvReport(out)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


class CsvReport:
    """Numbers as the API writes them (75, 288.5), blanks for none, yes/no."""

    def __init__(self, out: TextIO) -> None:
        self.writer = csv.writer(out)
        self.writer.writerow(REPORT_COLUMNS)

    def write(self, rows: list[Row]) -> None:
        self.writer.writerows(
            [_cell(name, v) for name, v in zip(REPORT_COLUMNS, r, strict=True)]
            for r in rows
        )


def _cell(name: str, value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        if name == "claim_matched":
            return "yes" if value else "no"
        return "yes" if value else ""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class ParquetReport:
    """Rows gathered into column batches, each written as a row group."""

    BATCH = 65_536

    def __init__(self, parquet: pq.ParquetWriter) -> None:
        self.parquet = parquet
        self.rows: list[Row] = []

    def write(self, rows: list[Row]) -> None:
        self.rows += rows
        if len(self.rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = [
            pa.array([r[n] for r in self.rows], type=kind)
            for n, (_, kind) in enumerate(COLUMNS)
        ]
        self.parquet.write_table(pa.Table.from_arrays(columns, schema=SCHEMA))
        self.rows = []
