"""The refusal of a claim file, without the readers (and pyarrow) behind it:
the CLI names it before it knows whether a command reads a file at all."""

from __future__ import annotations


class ClaimFileError(ValueError):
    """A claim file that cannot be read as claims; says where and why."""
