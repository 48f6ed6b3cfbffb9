"""Finding many codes at once in a set of known codes: numpy's fixed-width
strings read as rows of UTF-32 characters, hashed (FNV-1a) and probed in an
open-addressing table by compiled code; every match is confirmed character
by character, so a hash collision can never price a wrong code."""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from service.pricing.columns import I64

U32 = npt.NDArray[np.uint32]


def characters(codes: npt.NDArray[np.str_]) -> U32:
    """Each string as a row of its UTF-32 characters (0 after its end)."""
    width = max(1, codes.dtype.itemsize // 4)
    if codes.dtype.itemsize == 0:
        return np.zeros((len(codes), 1), np.uint32)
    return np.ascontiguousarray(codes).view(np.uint32).reshape(len(codes), width)


class CodeTable:
    """An open-addressing table of the book's codes."""

    def __init__(self, codes: npt.NDArray[np.str_]) -> None:
        self.known = characters(codes)
        self.bits = max(4, (2 * len(codes)).bit_length())
        self.table = _built(self.known, self.bits)

    def find(self, codes: npt.NDArray[np.str_]) -> I64:
        """Each code's index in the table's codes, -1 when absent."""
        if not len(self.known) or not len(codes):
            return np.full(len(codes), -1, np.int64)
        found: I64 = _found(characters(codes), self.known, self.table, self.bits)
        return found


@numba.njit(cache=True, nogil=True)
def _hash(row: U32) -> np.uint64:
    h = np.uint64(14695981039346656037)
    for c in row:
        if c == 0:
            break
        h = (h ^ np.uint64(c)) * np.uint64(1099511628211)
    return h


@numba.njit(cache=True, nogil=True)
def slot(h: np.uint64, bits: int) -> np.int64:
    """Fibonacci hashing: the top `bits` of h × 2^64/φ."""
    return np.int64((h * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits))


@numba.njit(cache=True, nogil=True)
def _built(known: U32, bits: int) -> I64:
    table = np.full(1 << bits, -1, np.int64)
    mask = (1 << bits) - 1
    for n in range(known.shape[0]):
        s = slot(_hash(known[n]), bits)
        while table[s] >= 0:
            s = (s + 1) & mask
        table[s] = n
    return table


@numba.njit(cache=True, nogil=True)
def _equal(a: U32, b: U32) -> bool:
    """Two rows of characters, 0-padded to their own widths."""
    for k in range(max(len(a), len(b))):
        x = a[k] if k < len(a) else 0
        y = b[k] if k < len(b) else 0
        if x != y:
            return False
        if x == 0:
            return True
    return True


@numba.njit(cache=True, nogil=True)
def _found(codes: U32, known: U32, table: I64, bits: int) -> I64:
    out = np.full(codes.shape[0], -1, np.int64)
    mask = (1 << bits) - 1
    for i in range(codes.shape[0]):
        s = slot(_hash(codes[i]), bits)
        while table[s] >= 0:
            if _equal(codes[i], known[table[s]]):
                out[i] = table[s]
                break
            s = (s + 1) & mask
    return out


def factorized(texts: npt.NDArray[np.str_]) -> tuple[I64, list[str]]:
    """Each text's number among the distinct texts, and those texts in order of
    first appearance (numpy's unique sorts; this hashes, in one pass)."""
    if not len(texts):
        return np.zeros(0, np.int64), []
    rows = characters(texts)
    bits = max(4, (2 * len(texts)).bit_length())
    index, first = _factorized(rows, bits)
    return index, texts[first].tolist()


@numba.njit(cache=True, nogil=True)
def _factorized(rows: U32, bits: int) -> tuple[I64, I64]:
    table = np.full(1 << bits, -1, np.int64)  # slot -> distinct number
    first = np.empty(rows.shape[0], np.int64)  # distinct number -> a row
    index = np.empty(rows.shape[0], np.int64)
    mask = (1 << bits) - 1
    distinct = 0
    for i in range(rows.shape[0]):
        s = slot(_hash(rows[i]), bits)
        while table[s] >= 0 and not _equal(rows[i], rows[first[table[s]]]):
            s = (s + 1) & mask
        if table[s] < 0:
            table[s] = distinct
            first[distinct] = i
            distinct += 1
        index[i] = table[s]
    return index, first[:distinct]
