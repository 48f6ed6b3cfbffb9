"""Whether a batch's columns are plainly what `POST /claims/price` accepts, each
read as the bulk pricer takes it (None where a cell is not plain: the batch is
then read claim by claim): codes and diseases, ISO dates, counts, a claim's own
fields, billed points in cents."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from service.pricing.columns import I64, UNIX_EPOCH

NO_CENTS = -1  # a claim with no billed_points


def column_of(table: pa.Table, name: str) -> pa.Array:
    """A column in one chunk; nulls where the table has none."""
    column = table.column(name).combine_chunks() if name in table.column_names else None
    if column is None:
        return pa.nulls(table.num_rows, pa.string())
    return column


def plain_texts(
    table: pa.Table, name: str, pattern: re.Pattern[str], longest: int, required: bool
) -> pa.Array | None:
    """A text column whose distinct values are ASCII, trimmed and match the
    pattern (blank: null, allowed unless required)."""
    column = column_of(table, name)
    if not pa.types.is_string(column.type):
        return None
    encoded = pc.dictionary_encode(column)
    values = encoded.dictionary.to_pylist()
    blank = [v == "" for v in values]
    if required and (column.null_count or any(blank)):
        return None
    for value, empty in zip(values, blank, strict=True):
        if empty:
            continue
        if not value.isascii() or len(value) > longest or not pattern.match(value):
            return None
        if value != value.strip():
            return None
    if any(blank):
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
    return column


def plain_days(column: pa.ChunkedArray) -> I64 | None:
    """date.toordinal() of a date32 column, or of ISO text (YYYY-MM-DD)."""
    array = column.combine_chunks()
    if array.null_count:
        return None
    if pa.types.is_string(array.type):
        if not pc.all(pc.match_substring_regex(array, r"^\d{4}-\d{2}-\d{2}$")).as_py():
            return None
        try:
            array = pc.cast(pc.strptime(array, "%Y-%m-%d", "s"), pa.date32())
        except pa.ArrowInvalid:
            return None
    if not pa.types.is_date32(array.type):
        return None
    days: I64 = array.cast(pa.int32()).to_numpy().astype(np.int64)
    return days + UNIX_EPOCH


def plain_quantities(table: pa.Table) -> I64 | None:
    """Counts 1..9999 (blank: 1), whole numbers or their plain digits."""
    if "quantity" not in table.column_names:
        return np.ones(table.num_rows, np.int64)
    array = table.column("quantity").combine_chunks()
    if pa.types.is_string(array.type):
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
        if not pc.all(pc.match_substring_regex(array, r"^[0-9]{1,4}$")).as_py():
            return None
        array = pc.cast(array, pa.int64())
    if not pa.types.is_integer(array.type):
        return None
    found: I64 = pc.fill_null(array, 1).to_numpy().astype(np.int64)
    if len(found) and (found.min() < 1 or found.max() > 9999):
        return None
    return found


def plain_claim_field(
    table: pa.Table, name: str, first: I64, claim: I64
) -> list[str | None] | None:
    """A claim's own field (the same text on each of its rows; blank: none)."""
    column = column_of(table, name)
    if not pa.types.is_string(column.type):
        return None
    encoded = pc.dictionary_encode(pc.fill_null(column, ""))
    index = encoded.indices.to_numpy(zero_copy_only=False)
    if len(index) and (index != index[first][claim]).any():
        return None
    values = encoded.dictionary.to_pylist()
    if any(len(v) > 100 for v in values):
        return None
    return [values[k] or None for k in index[first].tolist()]


def plain_billed(table: pa.Table, first: I64, claim: I64) -> I64 | None:
    """billed_points in cents per claim when plain: the same on each of the
    claim's rows, whole numbers, decimals or their digits, at most 2 places."""
    if "billed_points" not in table.column_names:
        return np.full(len(first), NO_CENTS, np.int64)
    array = table.column("billed_points").combine_chunks()
    if array.null_count == len(array):
        return np.full(len(first), NO_CENTS, np.int64)
    kind = array.type
    if not (pa.types.is_integer(kind) or pa.types.is_decimal(kind)):
        if not pa.types.is_string(kind):
            return None
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    theirs = array.take(pa.array(first[claim]))
    alike = pc.or_kleene(
        pc.and_(pc.is_null(array), pc.is_null(theirs)), pc.equal(array, theirs)
    )
    if not pc.all(pc.fill_null(alike, False)).as_py():
        return None
    cents = [_cents(v) for v in array.take(pa.array(first)).to_pylist()]
    if any(c is None for c in cents):
        return None
    return np.array(cents, np.int64)


def _cents(value: object) -> int | None:
    """A plain billed_points value in cents (NO_CENTS for none), else None."""
    if value is None:
        return NO_CENTS
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{1,10}(?:\.[0-9]{1,2})?", value):
            return None
        value = Decimal(value)
    if isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        return None
    cents = value * 100
    if cents != cents.to_integral_value() or cents >= 10**12:
        return None
    return int(cents)
