"""Claim files, read as a stream of claims: JSON Lines (a claim a line, or a
line a line), CSV or Parquet (a claim's line a row). Rows of one claim stand
together; each claim is checked as `POST /claims/price` checks it, and a refusal
names the file, its line or row, and the field."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from pydantic import ValidationError

from domain.claims import Claim
from service.contract.claims import ClaimIn
from service.contract.refusals import english
from service.replay.errors import ClaimFileError
from service.textfiles import EncodingError, file_encoding

__all__ = ["ClaimFileError"]

# A claim's line as a row; claim_id, code and date are required.
ROW_COLUMNS = (
    "claim_id",
    "patient",
    "admission",
    "code",
    "date",
    "quantity",
    "disease",
    "billed_points",
    "dose",
    "group",
)
CLAIM_FIELDS = ("patient", "admission", "billed_points")  # the same on every row
LINE_FIELDS = ("code", "date", "quantity", "disease", "dose", "group")
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
BATCH_ROWS = 65_536

Advance = Callable[[int], None]  # told how far the file is read (bytes or rows)


@dataclass(frozen=True)
class Record:
    """One line of a JSON Lines file or one row: a whole claim, or a claim's line."""

    where: str  # "claims.csv:7" (a text file's line) or "claims.parquet: row 7"
    data: dict[str, Any]


def file_format(path: Path) -> str:
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ClaimFileError(
            f"{path}: unknown claim file type {path.suffix!r}: "
            "use .jsonl, .ndjson, .csv or .parquet"
        )
    return found


def read_claims(path: Path, max_lines: int, advance: Advance) -> Iterator[Claim]:
    """The file's claims, in file order, read a batch at a time."""
    records = {"jsonl": _json_lines, "csv": _csv_rows, "parquet": _parquet_rows}[
        file_format(path)
    ](path, advance)
    seen: set[str] = set()
    for group in _claims(records):
        claim = _checked(group, max_lines)
        if claim.id in seen:
            raise ClaimFileError(
                f"{group[0].where}: claim_id: claim {claim.id!r} appears "
                "twice: a claim's rows must stand together, once"
            )
        seen.add(claim.id)
        yield claim


def _claims(records: Iterable[Record]) -> Iterator[list[Record]]:
    """Records grouped into claims: a whole claim alone, rows by claim_id."""
    rows: list[Record] = []
    for record in records:
        if "lines" in record.data:
            if rows:
                yield rows
                rows = []
            yield [record]
            continue
        claim_id = record.data.get("claim_id")
        if claim_id in (None, ""):
            raise ClaimFileError(f"{record.where}: claim_id: required")
        if rows and rows[0].data["claim_id"] != claim_id:
            yield rows
            rows = []
        rows.append(record)
    if rows:
        yield rows


def _checked(group: list[Record], max_lines: int) -> Claim:
    first = group[0]
    whole = "lines" in first.data
    body = first.data if whole else _assembled(group)
    try:
        claim = ClaimIn.model_validate(body)
    except ValidationError as error:
        problem = error.errors()[0]
        loc = [str(x) for x in problem["loc"]]
        where, field = first.where, ".".join(loc)
        if not whole and loc[0] == "lines" and len(loc) > 2:
            where, field = group[int(loc[1])].where, ".".join(loc[2:])  # its row
        elif not whole and loc[0] == "id":
            field = "claim_id"
        raise ClaimFileError(f"{where}: {field}: {english(problem)}") from None
    refusal = claim.refusal(max_lines)
    if refusal is not None:
        raise ClaimFileError(f"{first.where}: lines: {refusal}")
    return claim.to_domain()


def _assembled(group: list[Record]) -> dict[str, Any]:
    """A claim's body from its rows; the claim's own fields must agree."""
    first = group[0].data
    for record in group[1:]:
        for name in CLAIM_FIELDS:
            if record.data.get(name) != first.get(name):
                raise ClaimFileError(
                    f"{record.where}: {name}: {record.data.get(name)!r} "
                    f"differs from {first.get(name)!r} on the claim's first row"
                )
    body = {"id": first["claim_id"], **{n: first.get(n) for n in CLAIM_FIELDS}}
    body["lines"] = [
        {n: r.data[n] for n in LINE_FIELDS if r.data.get(n) is not None} for r in group
    ]
    return {k: v for k, v in body.items() if v is not None}


def _cleaned(row: dict[str, Any]) -> dict[str, Any]:
    """A row's cells as the claim body takes them: blanks are absent, numbers
    as written (a Parquet date stays a date: the claim body takes one)."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if value is None or value == "":
            continue
        if isinstance(value, datetime):  # a timestamp column (pandas writes one)
            midnight = value.time() == time(0) and value.tzinfo is None
            value = value.date() if midnight else value.isoformat()  # else refused
        elif name in ("billed_points", "dose", "group") and not isinstance(value, str):
            value = str(value)
        out[name] = value
    return out


def _json_lines(path: Path, advance: Advance) -> Iterator[Record]:
    with path.open("rb") as source:
        for number, raw in enumerate(source, start=1):
            advance(len(raw))
            if raw.strip():
                yield json_record(path, number, raw)


def json_record(path: Path, number: int, raw: bytes) -> Record:
    """Line `number` of a JSON Lines file: a whole claim, or one line's row."""
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise ClaimFileError(f"{path}:{number}: not JSON: {error}") from None
    if not isinstance(data, dict):
        raise ClaimFileError(f"{path}:{number}: not a JSON object")
    if "lines" not in data:
        _known_columns(path, list(data), f":{number}")
        data = _cleaned(data)
    return Record(f"{path}:{number}", data)


def refuse_as_read(path: Path, max_lines: int) -> None:  # raises
    """Refuse the file with the claim-by-claim reader's own words (its first
    refusal, naming the line or row and the field)."""
    for _ in read_claims(path, max_lines, lambda _: None):
        pass
    raise ClaimFileError(f"{path}: a claim could not be read")  # not reached


def csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or CP932, as Excel on Japanese Windows
    saves a CSV; refused naming the line and byte when it is neither."""
    try:
        return file_encoding(path)
    except EncodingError as error:
        raise ClaimFileError(f"{path.parent / str(error)}") from None


def _csv_rows(path: Path, advance: Advance) -> Iterator[Record]:
    encoding = csv_encoding(path)
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.DictReader(text)
        _known_columns(path, reader.fieldnames or [])
        told = 0
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row:
                raise ClaimFileError(f"{where}: more cells than columns")
            yield Record(where, _cleaned(row))
            if reader.line_num % 4096 == 0:
                advance(raw.tell() - told)
                told = raw.tell()
        advance(raw.tell() - told)


def _parquet_rows(path: Path, advance: Advance) -> Iterator[Record]:
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow's errors have no common base
        raise ClaimFileError(f"{path}: not a Parquet file: {error}") from None
    columns = parquet.schema_arrow.names
    _known_columns(path, columns)
    number = 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        for row in batch.to_pylist():
            number += 1
            yield Record(f"{path}: row {number}", _cleaned(row))
        advance(batch.num_rows)


def _known_columns(path: Path, columns: Sequence[str], where: str = "") -> None:
    unknown = [c for c in columns if c not in ROW_COLUMNS]
    missing = [c for c in ("claim_id", "code", "date") if c not in columns]
    if unknown or missing:
        raise ClaimFileError(
            f"{path}{where}: columns: "
            + "; ".join(
                ([f"unknown {', '.join(unknown)}"] if unknown else [])
                + ([f"missing {', '.join(missing)}"] if missing else [])
            )
            + f" (a row has {', '.join(ROW_COLUMNS)})"
        )


def size_of(path: Path) -> int:
    """What `advance` counts to: bytes, or a Parquet file's rows."""
    if file_format(path) == "parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    return path.stat().st_size
