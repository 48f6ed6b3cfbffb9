"""A batch's `dose` and `group` columns taken column-wise when every cell is
plainly what `POST /claims/price` accepts (a dose of at most 5 + 5 digits on
a drug or material line, a group of 1–40 characters whose lines agree on
their quantity); any other batch is read claim by claim, which refuses it in
the claim body's words."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from service.pricing.columns import I64
from service.pricing.supplies import DOSE_ONE, NO_DOSE

PLAIN_DOSE = re.compile(r"^[0-9]{1,5}(\.[0-9]{1,5})?$")
Supplied = tuple[I64 | None, I64 | None, pa.Array | None]
NONE_GIVEN: Supplied = (None, None, None)


def given(table: pa.Table, name: str) -> bool:
    """Whether a row has a value in the column (blank: none)."""
    if name not in table.column_names:
        return False
    column = table.column(name)
    if pa.types.is_string(column.type):
        column = pc.if_else(pc.equal(column, ""), None, column)
    return bool(column.null_count < len(column))


def plain_supplies(
    table: pa.Table, code: pa.Array, claim: I64, day: I64, quantity: I64
) -> Supplied | None:
    """(dose, group, the groups as given) as ClaimRows holds them; all None
    when no row has one; None when a cell is not plain."""
    if not (given(table, "dose") or given(table, "group")):
        return NONE_GIVEN
    n = table.num_rows
    dose = _doses(_blank_null(table, "dose")) if given(table, "dose") else None
    names = _blank_null(table, "group") if given(table, "group") else None
    if (dose is None and given(table, "dose")) or (
        names is not None and not _plain(names)
    ):
        return None
    dose = np.full(n, NO_DOSE, np.int64) if dose is None else dose
    group = np.full(n, -1, np.int64)
    if names is not None:
        group = pc.fill_null(pc.dictionary_encode(names).indices, -1).to_numpy()
        group = group.astype(np.int64)
    supplied = (dose != NO_DOSE) | (group >= 0)
    first = pc.utf8_slice_codeunits(code, 0, 1).to_numpy(zero_copy_only=False)
    if not np.isin(first[supplied], ["6", "7"]).all():
        return None  # a dose or group on a procedure: refused claim by claim
    if not _agree(claim, group, day, quantity):
        return None
    return dose, group, names or pa.nulls(n, pa.string())


def _blank_null(table: pa.Table, name: str) -> pa.Array:
    column = table.column(name).combine_chunks()
    if pa.types.is_string(column.type):
        return pc.if_else(pc.equal(column, ""), None, column)
    if pa.types.is_integer(column.type) and name == "group":
        return pc.cast(column, pa.string())
    return column


def _doses(column: pa.Array) -> I64 | None:
    """Each dose × 100,000 (NO_DOSE where blank), decided once per distinct
    value; None when one is not plainly a dose."""
    encoded = pc.dictionary_encode(column)
    units = []
    for value in encoded.dictionary.to_pylist():
        unit = _dose(value)
        if unit is None:
            return None
        units.append(unit)
    index = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
    found: I64 = np.append(np.array(units, np.int64), NO_DOSE)
    doses: I64 = found[index]
    return doses


def _dose(value: object) -> int | None:
    if isinstance(value, str):
        if not PLAIN_DOSE.match(value):
            return None
        number = Decimal(value)
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
    else:
        return None
    scaled = number * DOSE_ONE
    if not 0 < number < 100_000 or scaled != scaled.to_integral_value():
        return None
    return int(scaled)


def _plain(names: pa.Array) -> bool:
    if not pa.types.is_string(names.type):
        return False
    values = pc.unique(names).drop_null().to_pylist()
    return all(0 < len(v) <= 40 and v == v.strip() for v in values)


def _agree(claim: I64, group: I64, day: I64, quantity: I64) -> bool:
    """Whether the lines of each 剤 on each date carry one quantity."""
    grouped = group >= 0
    if not grouped.any():
        return True
    keys = np.stack([claim[grouped], group[grouped], day[grouped]], axis=1)
    _, unit = np.unique(keys, axis=0, return_inverse=True)
    unit = unit.reshape(-1)
    count = int(unit.max()) + 1
    low = np.full(count, np.iinfo(np.int64).max, np.int64)
    high = np.full(count, np.iinfo(np.int64).min, np.int64)
    np.minimum.at(low, unit, quantity[grouped])
    np.maximum.at(high, unit, quantity[grouped])
    return bool((low == high).all())
