"""The read model's SQL plumbing, written once with `?` and table names filled
in per store: tables, transactions, batches, tracking, schema version."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from eventsourcing.persistence import Tracking

from projections.rows import (
    INTERVAL_COLUMNS,
    ITEM_FIELDS,
    NULLABLE_FIELDS,
    Row,
    instant,
)
from projections.views import ScheduleView

# Bump when the read model's tables change: a store of another version has its read
# model dropped and rebuilt from the events on start (the chain is kept).
SCHEMA_VERSION = "7"  # 4: 入院基本料 groups; 5: patient; 6: attributes; 7: kana
ITEM_COLUMNS = ", ".join(
    f"{name} TEXT" + ("" if name in NULLABLE_FIELDS else " NOT NULL")
    for name in ITEM_FIELDS
)
READ_TABLES = ("facts", "intervals", "revisions", "claims", "retractions")
DDL = (
    """CREATE TABLE IF NOT EXISTS {facts} (
        position BIGINT NOT NULL, ordinal INTEGER NOT NULL, code TEXT NOT NULL,
        op TEXT NOT NULL, effective_from TEXT NOT NULL, revision TEXT NOT NULL,
        source TEXT NOT NULL, change TEXT NOT NULL, recorded_at TEXT NOT NULL,
        retracted_at TEXT, PRIMARY KEY (position, ordinal))""",
    """CREATE TABLE IF NOT EXISTS {retractions} (
        position BIGINT NOT NULL, code TEXT NOT NULL, revision TEXT NOT NULL,
        reason TEXT NOT NULL, PRIMARY KEY (position, code))""",
    "CREATE INDEX IF NOT EXISTS {facts_idx} ON {facts} (code, position)",
    f"""CREATE TABLE IF NOT EXISTS {{intervals}} (
        code TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT, {ITEM_COLUMNS},
        revision TEXT NOT NULL, source TEXT NOT NULL, recorded_from TEXT NOT NULL,
        recorded_to TEXT)""",
    "CREATE INDEX IF NOT EXISTS {intervals_idx} ON {intervals} (code, valid_from)",
    """CREATE TABLE IF NOT EXISTS {revisions} (
        revision_id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL,
        status TEXT NOT NULL, effective_from TEXT NOT NULL, changes TEXT NOT NULL,
        recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,
        position BIGINT NOT NULL, corrections TEXT NOT NULL DEFAULT '[]')""",
    """CREATE TABLE IF NOT EXISTS {claims} (
        claim_id TEXT PRIMARY KEY, first_date TEXT NOT NULL, last_date TEXT NOT NULL,
        body TEXT NOT NULL, recorded_at TEXT NOT NULL, position BIGINT NOT NULL,
        patient TEXT)""",
    "CREATE INDEX IF NOT EXISTS {claims_idx} ON {claims} (last_date, first_date)",
    "CREATE INDEX IF NOT EXISTS {patient_idx} ON {claims} (patient, first_date)",
    """CREATE TABLE IF NOT EXISTS {chain} (
        position BIGINT PRIMARY KEY, hash TEXT NOT NULL)""",
)
IN_FORCE = "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)"
CURRENT = "recorded_to IS NULL"
KNOWN_AT = "recorded_from <= ? AND (recorded_to IS NULL OR recorded_to > ?)"
COLUMNS = ", ".join(INTERVAL_COLUMNS)
FACT_COLUMNS = (
    "position",
    "ordinal",
    "code",
    "op",
    "effective_from",
    "revision",
    "source",
    "change",
    "recorded_at",
)
T = TypeVar("T")
Cursor = Any  # sqlite3.Cursor or psycopg.Cursor, as the datastore hands it out


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def record_filter(known_at: datetime | None) -> tuple[str, tuple[str, ...]]:
    if known_at is None:
        return CURRENT, ()
    moment = instant(known_at)
    return KNOWN_AT, (moment, moment)


class SQLViewBase(ScheduleView):
    """Plumbing shared by the SQL views: statements, cursors, batches, tracking."""

    placeholder = "?"
    application_name = "kaitei"

    def _tables(self) -> dict[str, str]:
        return {
            name: f"kaitei_{name}"
            for name in (
                "facts",
                "intervals",
                "revisions",
                "claims",
                "chain",
                "retractions",
                "meta",
            )
        } | {
            "facts_idx": "kaitei_facts_code",
            "intervals_idx": "kaitei_intervals_code",
            "claims_idx": "kaitei_claims_dates",
            "patient_idx": "kaitei_claims_patient",
        }

    def _sql(self, statement: str) -> str:
        return statement.format(**self._tables()).replace("?", self.placeholder)

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Any]:
        active = getattr(self._local, "cursor", None)
        if active is not None:  # inside batch(): one transaction for many events
            yield active
            return
        with self._transaction(commit=commit) as cursor:
            yield cursor

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Any]:
        """One transaction of the store (SQLite takes its write lock up front)."""
        with self.datastore.transaction(commit=commit) as cursor:  # type: ignore[attr-defined]
            yield cursor

    @property
    def _local(self) -> threading.local:
        local: threading.local | None = self.__dict__.get("_thread_local")
        if local is None:
            local = self.__dict__.setdefault("_thread_local", threading.local())
        return local

    @contextmanager
    def batch(self, last: Tracking) -> Iterator[None]:
        """Project many events in one transaction, tracked once at `last`: all of
        them or none (IntegrityError when another process got there first)."""
        with self._transaction(commit=True) as cursor:
            self._local.cursor = cursor
            try:
                yield
                self._insert_tracking(cursor, last)  # type: ignore[attr-defined]
            finally:
                self._local.cursor = None

    def _track(self, c: Cursor, tracking: Tracking) -> None:
        if getattr(self._local, "cursor", None) is None:
            self._insert_tracking(c, tracking)  # type: ignore[attr-defined]

    def insert_tracking(self, tracking: Tracking) -> None:
        if getattr(self._local, "cursor", None) is None:
            super().insert_tracking(tracking)  # type: ignore[safe-super]

    def _rows(self, statement: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._cursor(commit=False) as c:
            c.execute(self._sql(statement), params)
            return list(c.fetchall())

    def create_table(self) -> None:
        """Create the read model; one of another schema version is dropped so that
        catching up rebuilds it from the events (the events are the truth)."""
        super().create_table()  # type: ignore[misc]
        with self._cursor(commit=True) as c:
            c.execute(
                self._sql(
                    "CREATE TABLE IF NOT EXISTS {meta} "
                    "(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
                )
            )
            c.execute(self._sql("SELECT value FROM {meta} WHERE key = 'schema'"))
            found = c.fetchall()
            if not found or found[0]["value"] != SCHEMA_VERSION:
                for table in READ_TABLES:
                    c.execute(self._sql(f"DROP TABLE IF EXISTS {{{table}}}"))
                c.execute(
                    self._sql(
                        f"DELETE FROM {self._tracking_table()} "
                        "WHERE application_name = ?"
                    ),
                    (self.application_name,),
                )
                c.execute(
                    self._sql(
                        "INSERT INTO {meta} (key, value) VALUES ('schema', ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                    ),
                    (SCHEMA_VERSION,),
                )
            for statement in DDL:
                c.execute(self._sql(statement))

    def _insert_rows(
        self,
        c: Cursor,
        table: str,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
    ) -> None:
        """INSERT many rows per statement (at most 999 values: any SQLite)."""
        one = f"({', '.join('?' * len(columns))})"
        for chunk in chunks(rows, max(1, 999 // len(columns))):
            c.execute(
                self._sql(
                    f"INSERT INTO {{{table}}} ({', '.join(columns)}) VALUES "
                    + ", ".join([one] * len(chunk))
                ),
                [value for row in chunk for value in row],
            )

    def dump(self) -> list[tuple[Any, ...]]:
        rows = self._rows(
            "SELECT * FROM {intervals} ORDER BY code, valid_from, recorded_from"
        )
        return [tuple(dict(r).values()) for r in rows]

    def drop(self) -> None:
        with self._cursor(commit=True) as c:
            for table in READ_TABLES:
                c.execute(self._sql(f"DELETE FROM {{{table}}}"))
            c.execute(
                self._sql(
                    f"DELETE FROM {self._tracking_table()} WHERE application_name = ?"
                ),
                (self.application_name,),
            )

    def _tracking_table(self) -> str:
        return "tracking"
