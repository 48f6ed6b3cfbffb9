"""The tamper-evident record: each stored event hashed with its predecessor's hash."""

from __future__ import annotations

import hashlib

GENESIS = "0" * 64


def link(
    previous: str,
    position: int,
    originator_id: str,
    originator_version: int,
    topic: str,
    state: bytes,
) -> str:
    """The hash of one event: its place, identity, type and content, and the hash
    of the event before it, so changing any event breaks every later link."""
    digest = hashlib.sha256()
    for part in (
        previous,
        str(position),
        originator_id,
        str(originator_version),
        topic,
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    digest.update(state)
    return digest.hexdigest()
