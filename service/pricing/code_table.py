"""Finding many codes at once in a set of known codes: a column hash and an
open-addressing table probed column-wise (numpy)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from service.pricing.columns import I64


def column_hash(codes: npt.NDArray[np.str_]) -> npt.NDArray[np.uint64]:
    """A hash of each string: the low byte of each character, eight to a word,
    words combined by a polynomial (wrapping uint64). Trailing padding adds
    nothing, so a code hashes alike in arrays of any width. Lossy for non-ASCII
    text, which is fine: every match is confirmed by comparing the strings."""
    width = codes.dtype.itemsize // 4
    if width == 0:
        return np.zeros(len(codes), np.uint64)
    words = -(-width // 8)
    low = np.zeros((len(codes), words * 8), np.uint8)
    low[:, :width] = codes.view(np.uint32).reshape(len(codes), width)
    packed = low.view(np.uint64)
    hashed = packed[:, 0].copy()
    with np.errstate(over="ignore"):
        for n in range(1, words):
            hashed += packed[:, n] * (np.uint64(1_000_003) ** np.uint64(n))
    return hashed


class CodeTable:
    """An open-addressing hash table of the book's codes, probed column-wise:
    most lines find their code in one gather; every match is confirmed by
    comparing the strings, so a hash collision can never price a wrong code."""

    MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: top bits

    def __init__(self, codes: npt.NDArray[np.str_]) -> None:
        self.codes = codes
        hashes = column_hash(codes) if len(codes) else np.zeros(0, np.uint64)
        # equal hashes for two codes would hide one of them: fall back to a dict
        self.usable = len(np.unique(hashes)) == len(hashes)
        self.bits = max(4, (4 * len(codes)).bit_length())
        self.ids = np.full(1 << self.bits, -1, np.int64)
        self.hashes = np.zeros(1 << self.bits, np.uint64)
        self.probes = 1
        mask = (1 << self.bits) - 1
        for n, slot in enumerate(self._slots(hashes).tolist()):
            probes = 1
            while self.ids[slot] >= 0:
                slot, probes = (slot + 1) & mask, probes + 1
            self.ids[slot], self.hashes[slot] = n, hashes[n]
            self.probes = max(self.probes, probes)

    def _slots(self, hashes: npt.NDArray[np.uint64]) -> I64:
        with np.errstate(over="ignore"):
            top = (hashes * self.MULTIPLIER) >> np.uint64(64 - self.bits)
        return top.astype(np.int64)

    def find(self, codes: npt.NDArray[np.str_]) -> I64:
        """Each code's index in the table's codes, -1 when absent."""
        hashed = column_hash(codes)
        slot = self._slots(hashed)
        out = np.full(len(codes), -1, np.int64)
        todo = np.arange(len(codes))
        mask = (1 << self.bits) - 1
        for _ in range(self.probes):
            candidate = self.ids[slot]
            occupied = candidate >= 0
            hit = occupied & (self.hashes[slot] == hashed)
            out[todo[hit]] = candidate[hit]
            more = occupied & ~hit
            if not more.any():
                break
            todo, hashed, slot = todo[more], hashed[more], (slot[more] + 1) & mask
        confirmed = self.codes[np.maximum(out, 0)] == codes
        return np.where(confirmed, out, -1)
