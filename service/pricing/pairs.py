"""An open-addressing hash table of integer keys, built and probed in
compiled code: the kernel finds the exclusion between an interval and a code
in one or two probes, not a search through the interval's rows."""

from __future__ import annotations

import numba
import numpy as np

from service.pricing.code_table import slot
from service.pricing.columns import I64


@numba.njit(cache=True, nogil=True)
def pair_table(keys: I64, bits: int) -> tuple[I64, I64]:
    """An open-addressing table of distinct keys (interval × codes + other
    code): each slot holds a key and its row, -1 when empty."""
    table = np.full(1 << bits, -1, np.int64)
    rows = np.full(1 << bits, -1, np.int64)
    mask = (1 << bits) - 1
    for row in range(len(keys)):
        s = slot(np.uint64(keys[row]), bits)
        while table[s] >= 0:
            s = (s + 1) & mask
        table[s] = keys[row]
        rows[s] = row
    return table, rows


@numba.njit(cache=True, nogil=True)
def pair(table: I64, rows: I64, bits: int, key: int) -> np.int64:
    """The row of the exclusion keyed `key`, or -1."""
    mask = len(table) - 1
    s = slot(np.uint64(key), bits)
    while table[s] >= 0:
        if table[s] == key:
            return rows[s]  # type: ignore[no-any-return]
        s = (s + 1) & mask
    return np.int64(-1)
