"""A claim file read into Arrow tables, a block at a time, for `batches.py` to
check column-wise: Parquet and CSV as they are, JSON Lines (a claim a line, or
a line a line) by pyarrow's JSON reader. A JSON block keeps each row's line
number and text, so a batch that is not plain is read again, line by line, by
the claim-by-claim reader (`files.json_record`): the same claims, the same
refusals. A block pyarrow cannot type (a number in one line where another has
text) keeps only that."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from service.replay.files import (
    BATCH_ROWS,
    CLAIM_FIELDS,
    LINE_FIELDS,
    ROW_COLUMNS,
    ClaimFileError,
    Record,
    _known_columns,
    csv_encoding,
    file_format,
    json_record,
    refuse_as_read,
)
from service.replay.plain_columns import column_of

# a JSON block's own columns: the line each row came from, its text, and the
# key its claim is grouped by (`L` + line for a claim a line; `C` + claim_id as
# JSON for a line a line: 1 and "1" are two claims, as the reader sees them)
LINE, RAW, KEY = "__line", "__raw", "__claim"
JSON_BLOCK = 1 << 22  # bytes
# Text fields are read as text (pyarrow would take an ISO date for a timestamp);
# a number there fails the block, which is then read line by line. Counts and
# billed points are typed as found.
TEXT = ("patient", "admission")
LINE_TEXT = ("code", "date", "disease", "dose", "group")
LINE_ROWS = pa.schema([(n, pa.string()) for n in ("claim_id", *TEXT, *LINE_TEXT)])
WHOLE_CLAIMS = pa.schema(
    [
        ("id", pa.string()),
        *[(n, pa.string()) for n in TEXT],
        ("lines", pa.list_(pa.struct([(n, pa.string()) for n in LINE_TEXT]))),
    ]
)


def tables_of(path: Path) -> Iterator[tuple[pa.Table, int]]:
    """The file's tables and how far each one read (bytes, or Parquet rows)."""
    kind = file_format(path)
    if kind == "parquet":
        return _parquet_tables(path)
    return _csv_tables(path) if kind == "csv" else _json_tables(path)


def claim_keys(table: pa.Table) -> pa.Array:
    """What a table's claims are told apart by: a JSON block's key, else claim_id."""
    return column_of(table, KEY if KEY in table.column_names else "claim_id")


def joined(held: pa.Table | None, table: pa.Table) -> pa.Table:
    """The rows held back from the last block (a claim cut by it) and the next
    block; JSON blocks typed differently meet as their lines."""
    if held is None:
        return table
    try:
        return pa.concat_tables([held, table], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.concat_tables([_untyped_again(held), _untyped_again(table)])


def json_records(path: Path, table: pa.Table) -> Iterator[Record]:
    """A JSON block's lines as the claim-by-claim reader reads them (a whole
    claim's text is on its first row)."""
    last = None
    lines = table.column(LINE).to_pylist()
    for number, raw in zip(lines, table.column(RAW).to_pylist(), strict=True):
        if number != last:
            yield json_record(path, number, raw)
            last = number


def _parquet_tables(path: Path) -> Iterator[tuple[pa.Table, int]]:
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow's errors have no common base
        raise ClaimFileError(f"{path}: not a Parquet file: {error}") from None
    _known_columns(path, parquet.schema_arrow.names)
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        yield pa.Table.from_batches([batch]), batch.num_rows


def _csv_tables(path: Path) -> Iterator[tuple[pa.Table, int]]:
    """CSV cells as text (as the claim-by-claim reader takes them); a file the
    CSV reader cannot split into rows is refused by that reader."""
    encoding = csv_encoding(path)
    with path.open("rb") as raw:
        header = raw.readline().decode(encoding, "replace").strip()
        names = next(csv.reader([header]), [])
        _known_columns(path, names)
        raw.seek(0)
        arrow_encoding = "cp932" if encoding == "cp932" else "utf8"  # BOM skipped
        try:
            reader = pacsv.open_csv(
                raw,
                read_options=pacsv.ReadOptions(
                    block_size=1 << 22, encoding=arrow_encoding
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            told = 0
            for batch in reader:
                yield pa.Table.from_batches([batch]), raw.tell() - told
                told = raw.tell()
        except pa.ArrowInvalid as error:
            refuse_as_read(path, 10**9)
            raise ClaimFileError(f"{path}: not a CSV file: {error}") from None


def _json_tables(path: Path) -> Iterator[tuple[pa.Table, int]]:
    """Blocks of whole lines, numbered as the claim-by-claim reader numbers them
    (blank lines counted, not read)."""
    number = 0
    with path.open("rb") as source:
        rest = b""
        while True:
            block = source.read(JSON_BLOCK)
            data = rest + block
            if not data:
                return
            cut = data.rfind(b"\n") + 1 if block else len(data)
            if cut == 0:
                rest = data  # a line longer than a block: read on
                continue
            data, rest = data[:cut], data[cut:]
            lines = data.split(b"\n")
            if lines[-1] == b"":
                lines.pop()
            kept = [(number + n, raw) for n, raw in enumerate(lines, 1) if raw.strip()]
            number += len(lines)
            if kept:
                yield _json_table(kept), len(data)


def _json_table(kept: list[tuple[int, bytes]]) -> pa.Table:
    """One block's lines typed by pyarrow, or, where it cannot, only kept."""
    body = b"\n".join(raw for _, raw in kept) + b"\n"
    schema = WHOLE_CLAIMS if b'"lines"' in body else LINE_ROWS
    try:
        table = pajson.read_json(
            io.BytesIO(body),
            read_options=pajson.ReadOptions(block_size=len(body)),
            parse_options=pajson.ParseOptions(explicit_schema=schema),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _untyped(kept)
    if table.num_rows != len(kept):
        return _untyped(kept)
    numbers = pa.array([n for n, _ in kept], pa.int64())
    raws = pa.array([raw for _, raw in kept], pa.binary())
    if "lines" in table.column_names:
        return _flattened(table, numbers, raws) or _untyped(kept)
    if not set(table.column_names) <= set(ROW_COLUMNS):
        return _untyped(kept)
    table = _text_for_nulls(table)
    keys = _row_keys(table)
    return (
        table.append_column(LINE, numbers)
        .append_column(RAW, raws)
        .append_column(KEY, keys)
    )


def _flattened(table: pa.Table, numbers: pa.Array, raws: pa.Array) -> pa.Table | None:
    """A claim a line as a line a row (claim_id and the claim's own fields on
    each), or None where the block is not all whole claims of known fields."""
    names = set(table.column_names)
    lines = table.column("lines").combine_chunks()
    if not names <= {"id", "lines", *CLAIM_FIELDS} or "id" not in names:
        return None
    if not pa.types.is_list(lines.type) or not pa.types.is_struct(
        lines.type.value_type
    ):
        return None
    if lines.null_count or pc.min(pc.list_value_length(lines)).as_py() < 1:
        return None
    items = pc.list_flatten(lines)
    fields = [items.type.field(i).name for i in range(items.type.num_fields)]
    if not set(fields) <= set(LINE_FIELDS):
        return None
    parents = pc.list_parent_indices(lines)
    columns = {"claim_id": table.column("id").combine_chunks().take(parents)}
    for name in CLAIM_FIELDS:
        if name in names:
            columns[name] = table.column(name).combine_chunks().take(parents)
    for name in fields:
        columns[name] = items.field(name)
    at = numbers.take(parents)
    flat = _text_for_nulls(pa.table(columns))
    keys = pc.binary_join_element_wise("L", pc.cast(at, pa.string()), "")
    sizes = pc.list_value_length(lines).to_pylist()
    texts = [
        y
        for raw, n in zip(raws.to_pylist(), sizes, strict=True)
        for y in (raw, *[None] * (n - 1))
    ]
    raws = pa.array(texts, pa.binary())  # a claim's text on its first row only
    return (
        flat.append_column(LINE, at).append_column(RAW, raws).append_column(KEY, keys)
    )


def _text_for_nulls(table: pa.Table) -> pa.Table:
    """A column with no value in the block (JSON null throughout) as text."""
    for i, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    return table


def _row_keys(table: pa.Table) -> pa.Array:
    """`C` + each row's claim_id as JSON (`L` + line where it has none)."""
    if "claim_id" not in table.column_names:
        return pa.array([f"-{i}" for i in range(table.num_rows)], pa.string())
    encoded = pc.dictionary_encode(table.column("claim_id").combine_chunks())
    values = encoded.dictionary.to_pylist()
    keys = pa.array([_key(v) for v in values], pa.string())
    return pa.DictionaryArray.from_arrays(encoded.indices, keys).cast(pa.string())


def _key(claim_id: object) -> str:
    return "C" + json.dumps(claim_id, ensure_ascii=False)


def _untyped(kept: list[tuple[int, bytes]]) -> pa.Table:
    """Lines only, each with the key its claim is grouped by."""
    keys = []
    for number, raw in kept:
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if isinstance(data, dict) and "lines" in data:
            keys.append(f"L{number}")
        elif isinstance(data, dict) and data.get("claim_id") not in (None, ""):
            keys.append(_key(data["claim_id"]))
        else:
            keys.append(f"-{number}")  # refused when read, as the reader does
    return pa.table(
        {
            LINE: pa.array([n for n, _ in kept], pa.int64()),
            RAW: pa.array([raw for _, raw in kept], pa.binary()),
            KEY: pa.array(keys, pa.string()),
        }
    )


def _untyped_again(table: pa.Table) -> pa.Table:
    if RAW not in table.column_names:
        raise ClaimFileError("a claim file's blocks do not line up")  # not reached
    texts: dict[int, bytes] = {}
    lines = table.column(LINE).to_pylist()
    for number, raw in zip(lines, table.column(RAW).to_pylist(), strict=True):
        if raw is not None:
            texts.setdefault(number, raw)
    return _untyped(list(texts.items()))
