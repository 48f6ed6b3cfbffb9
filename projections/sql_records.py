"""Revisions, stored claims and the hash chain in the read model."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from eventsourcing.persistence import Tracking

from projections.sql_base import SQLViewBase


class RecordsSQL(SQLViewBase):
    """The revisions index, stored claims and the chain of event hashes."""

    def record_revision(self, row: dict[str, Any], tracking: Tracking) -> None:
        row = {
            **row,
            "changes": json.dumps(row["changes"], ensure_ascii=False),
            "position": tracking.notification_id,
        }
        with self._cursor(commit=True) as c:
            self._insert_rows(c, "revisions", tuple(row), [tuple(row.values())])
            self._track(c, tracking)

    def correct_revision(
        self,
        revision_id: str,
        changes: list[dict[str, Any]],
        correction: dict[str, Any],
        tracking: Tracking,
    ) -> None:
        with self._cursor(commit=True) as c:
            c.execute(
                self._sql("SELECT corrections FROM {revisions} WHERE revision_id = ?"),
                (revision_id,),
            )
            found = c.fetchall()
            corrections = json.loads(found[0]["corrections"]) if found else []
            c.execute(
                self._sql(
                    "UPDATE {revisions} SET changes = ?, corrections = ? "
                    "WHERE revision_id = ?"
                ),
                (
                    json.dumps(changes, ensure_ascii=False),
                    json.dumps([*corrections, correction], ensure_ascii=False),
                    revision_id,
                ),
            )
            self._track(c, tracking)

    def set_revision_status(
        self,
        revision_id: str,
        status: str,
        effective_from: date | None,
        tracking: Tracking,
    ) -> None:
        day = effective_from.isoformat() if effective_from else None
        with self._cursor(commit=True) as c:
            c.execute(
                self._sql(
                    "UPDATE {revisions} SET status = ?, effective_from = "
                    "COALESCE(CAST(? AS TEXT), effective_from) WHERE revision_id = ?"
                ),
                (status, day, revision_id),
            )
            self._track(c, tracking)

    def revisions(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        if ids is None:
            rows = self._rows("SELECT * FROM {revisions} ORDER BY position")
        else:
            wanted = list(dict.fromkeys(ids)) or [""]
            rows = self._rows(
                "SELECT * FROM {revisions} WHERE revision_id IN "
                f"({', '.join('?' * len(wanted))}) ORDER BY position",
                wanted,
            )
        return [{**dict(r), "changes": json.loads(r["changes"])} for r in rows]

    def publications(self) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT revision_id, title, source, status, effective_from, "
            "recorded_at, recorded_by FROM {revisions} ORDER BY position"
        )
        return [dict(r) for r in rows]

    def recorded_by(self) -> dict[str, str]:
        rows = self._rows("SELECT revision_id, recorded_by FROM {revisions}")
        return {r["revision_id"]: r["recorded_by"] for r in rows}

    def chain_head(self) -> tuple[int, str] | None:
        rows = self._rows(
            "SELECT position, hash FROM {chain} ORDER BY position DESC LIMIT 1"
        )
        return (int(rows[0]["position"]), rows[0]["hash"]) if rows else None

    def append_chain(self, links: Sequence[tuple[int, str]]) -> None:
        with self._cursor(commit=True) as c:
            for position, digest in links:
                c.execute(
                    self._sql("INSERT INTO {chain} (position, hash) VALUES (?, ?)"),
                    (position, digest),
                )

    def chain_links(self, after: int, limit: int) -> list[tuple[int, str]]:
        rows = self._rows(
            "SELECT position, hash FROM {chain} WHERE position > ? "
            f"ORDER BY position LIMIT {int(limit)}",
            (after,),
        )
        return [(int(r["position"]), r["hash"]) for r in rows]

    def record_claim(self, row: dict[str, Any], tracking: Tracking) -> None:
        row = {**row, "position": tracking.notification_id}
        with self._cursor(commit=True) as c:
            self._insert_rows(c, "claims", tuple(row), [tuple(row.values())])
            self._track(c, tracking)

    def claims_of_patient(self, patient: str) -> list[dict[str, Any]]:
        """The stored claims of one patient, oldest first."""
        rows = self._rows(
            "SELECT * FROM {claims} WHERE patient = ? ORDER BY first_date, claim_id",
            (patient,),
        )
        return [{**dict(r), "body": json.loads(r["body"])} for r in rows]

    def claims_between(
        self, start: date, end: date, batch: int = 500
    ) -> Iterator[dict[str, Any]]:
        after = 0
        while True:
            rows = self._rows(
                "SELECT * FROM {claims} WHERE position > ? AND last_date >= ? "
                f"AND first_date <= ? ORDER BY position LIMIT {int(batch)}",
                (after, start.isoformat(), end.isoformat()),
            )
            if not rows:
                return
            for r in rows:
                yield {**dict(r), "body": json.loads(r["body"])}
            after = rows[-1]["position"]
