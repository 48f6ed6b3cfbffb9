"""The replay report: one row a priced line, written as CSV or Parquet a batch at
a time (the same columns and values in both)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from domain.billing import PricedClaim
from service.contract.fields import number

AMOUNT = pa.decimal128(14, 2)
DOSE = pa.decimal128(10, 5)  # a drug's or material's 使用量
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
    ("dose", DOSE),
    ("group", pa.string()),
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
            None if priced.billed_points is None else matched,  # nothing billed
            patient,
            " ".join(x.unchecked) or None,
            x.special_condition,
            (x.rule or {}).get("table"),
            (x.rule or {}).get("row"),
            x.line.dose,
            x.line.group,
        ]
        for x in priced.lines
    ]


class ReportWriter(Protocol):
    def write(self, rows: list[Row]) -> None: ...

    def write_table(self, table: pa.Table) -> None: ...


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
        self.out = out
        self.writer = csv.writer(out)
        self.writer.writerow(REPORT_COLUMNS)

    def write(self, rows: list[Row]) -> None:
        self.writer.writerows(
            [_cell(name, v) for name, v in zip(REPORT_COLUMNS, r, strict=True)]
            for r in rows
        )

    def write_table(self, table: pa.Table) -> None:
        """A table of SCHEMA, its cells formatted column-wise; a batch with a
        cell that needs quoting goes through the csv module."""
        cells = pa.table(
            [_texts(table.column(n), n) for n in REPORT_COLUMNS],
            names=list(REPORT_COLUMNS),
        )
        buffer = io.BytesIO()
        try:
            pacsv.write_csv(
                cells,
                buffer,
                pacsv.WriteOptions(
                    include_header=False, quoting_style="none", eol="\r\n"
                ),
            )
        except pa.ArrowInvalid:
            self.writer.writerows(
                [r[n] for n in REPORT_COLUMNS] for r in cells.to_pylist()
            )
            return
        self.out.write(buffer.getvalue().decode("utf-8"))


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


def _texts(column: pa.ChunkedArray, name: str) -> pa.Array:
    """A report column as the CSV's text (`_cell`), nulls as blanks."""
    array = column.combine_chunks()
    kind = array.type
    if pa.types.is_decimal(kind):
        scale = kind.scale
        units = pc.cast(pc.multiply(array, 10**scale), pa.int64()).fill_null(0)
        found, at = np.unique(units.to_numpy(), return_inverse=True)
        text = pa.array([_number(c, scale) for c in found.tolist()], pa.string())
        array = pc.if_else(pc.is_valid(array), text.take(pa.array(at.ravel())), "")
    elif pa.types.is_boolean(kind):
        no = "no" if name == "claim_matched" else ""
        array = pc.if_else(array, "yes", no)
    elif not pa.types.is_string(kind):
        array = pc.cast(array, pa.string())
    return pc.fill_null(array, "")


def _number(units: int, scale: int = 2) -> str:
    """`contract.fields.number` of a value in 10^-scale: 75, 288.5, 0.05."""
    sign, units = ("-", -units) if units < 0 else ("", units)
    whole, part = divmod(units, 10**scale)
    return f"{sign}{whole}" + (f".{part:0{scale}d}".rstrip("0") if part else "")


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

    def write_table(self, table: pa.Table) -> None:
        self.flush()
        self.parquet.write_table(table)

    def flush(self) -> None:
        if not self.rows:
            return
        columns = [
            pa.array([r[n] for r in self.rows], type=kind)
            for n, (_, kind) in enumerate(COLUMNS)
        ]
        self.parquet.write_table(pa.Table.from_arrays(columns, schema=SCHEMA))
        self.rows = []
