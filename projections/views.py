"""The schedule read model: one SQL text, a SQLite and a PostgreSQL class."""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from domain.timeline import Fact, Interval
from projections.rows import (
    INTERVAL_COLUMNS,
    Row,
    fact_from_row,
    fact_row,
    instant,
    interval_from_row,
    interval_row,
)

# Bump when the read model's tables change: a store of another version has its read
# model dropped and rebuilt from the events on start (the chain is kept).
SCHEMA_VERSION = "2"
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
    """CREATE TABLE IF NOT EXISTS {intervals} (
        code TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT,
        name TEXT NOT NULL, unit TEXT NOT NULL, value TEXT NOT NULL,
        addon_to TEXT NOT NULL, limits TEXT NOT NULL, exclusions TEXT NOT NULL,
        eligible_diseases TEXT NOT NULL, kubun TEXT, revision TEXT NOT NULL,
        source TEXT NOT NULL, recorded_from TEXT NOT NULL, recorded_to TEXT)""",
    "CREATE INDEX IF NOT EXISTS {intervals_idx} ON {intervals} (code, valid_from)",
    """CREATE TABLE IF NOT EXISTS {revisions} (
        revision_id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL,
        status TEXT NOT NULL, effective_from TEXT NOT NULL, changes TEXT NOT NULL,
        recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,
        position BIGINT NOT NULL, corrections TEXT NOT NULL DEFAULT '[]')""",
    """CREATE TABLE IF NOT EXISTS {claims} (
        claim_id TEXT PRIMARY KEY, first_date TEXT NOT NULL, last_date TEXT NOT NULL,
        body TEXT NOT NULL, recorded_at TEXT NOT NULL, position BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS {claims_idx} ON {claims} (last_date, first_date)",
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


@dataclass(frozen=True)
class ItemStep:
    """One item change to project: its fact, log position, the item's intervals
    after it, and its record time."""

    fact: Fact
    position: int
    intervals: Sequence[Interval]
    recorded_at: datetime


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ScheduleView(TrackingRecorder, ABC):
    """Every item's validity intervals, bitemporally, plus the revisions index."""

    @abstractmethod
    def record_item_changes(self, steps: Sequence[ItemStep], last: Tracking) -> None:
        """For each step in order: store its fact and make its intervals the
        item's current history, as of its record time."""

    @abstractmethod
    def current_facts(self, codes: Collection[str]) -> dict[str, list[Fact]]:
        """Each code's facts not retracted, in record order ([] when none)."""

    @abstractmethod
    def record_item_correction(
        self,
        code: str,
        revision: str,
        reason: str,
        facts: Sequence[Fact],
        intervals: Sequence[Interval],
        recorded_at: datetime,
        tracking: Tracking,
    ) -> None:
        """Retract the revision's facts of `code`, store `facts` in their place."""

    @abstractmethod
    def record_revision(self, row: dict[str, Any], tracking: Tracking) -> None: ...

    @abstractmethod
    def correct_revision(
        self,
        revision_id: str,
        changes: list[dict[str, Any]],
        correction: dict[str, Any],
        tracking: Tracking,
    ) -> None: ...

    @abstractmethod
    def set_revision_status(
        self,
        revision_id: str,
        status: str,
        effective_from: date | None,
        tracking: Tracking,
    ) -> None: ...

    @abstractmethod
    def facts(self, code: str, known_at: datetime | None = None) -> list[Fact]:
        """The item's facts in record order, those recorded by `known_at`."""

    @abstractmethod
    def intervals(self, code: str, known_at: datetime | None) -> list[Interval]: ...

    @abstractmethod
    def interval_records(self) -> list[tuple[str, str | None, Interval]]:
        """Every interval row ever written, with its record span: (recorded_from,
        recorded_to or None while current, interval)."""

    @abstractmethod
    def intervals_of(
        self, codes: Sequence[str] | None, known_at: datetime | None
    ) -> list[Interval]:
        """The histories of `codes` (None: every item) as recorded at `known_at`."""

    @abstractmethod
    def codes_changed_after(self, position: int) -> set[str]:
        """Codes with a fact recorded after log position `position`."""

    @abstractmethod
    def schedule(self, as_of: date, known_at: datetime | None) -> list[Interval]: ...

    @abstractmethod
    def revisions(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The revisions as recorded (those named in `ids`), oldest record first."""

    @abstractmethod
    def recorded_by(self) -> dict[str, str]:
        """Who recorded each revision, by id (without reading their changes)."""

    @abstractmethod
    def fact_rows(
        self, code: str | None = None, codes_between: tuple[date, date] | None = None
    ) -> list[dict[str, Any]]:
        """Facts with their position and record time: of one code, of every code
        with a fact effective in `codes_between`, or (both None) all."""

    @abstractmethod
    def chain_head(self) -> tuple[int, str] | None:
        """The last chained position and its hash."""

    @abstractmethod
    def append_chain(self, links: Sequence[tuple[int, str]]) -> None: ...

    @abstractmethod
    def chain_links(self, after: int, limit: int) -> list[tuple[int, str]]: ...

    @abstractmethod
    def record_claim(self, row: dict[str, Any], tracking: Tracking) -> None: ...

    @abstractmethod
    def claims_between(
        self, start: date, end: date, batch: int = 500
    ) -> Iterator[dict[str, Any]]:
        """Stored claims with a line dated in [start, end], oldest record first."""

    @abstractmethod
    def dump(self) -> list[tuple[Any, ...]]:
        """Every stored interval row, for comparing a rebuild with the original."""

    @abstractmethod
    def batch(self, last: Tracking) -> AbstractContextManager[None]:
        """One transaction for many events, tracked once at `last`."""

    @abstractmethod
    def drop(self) -> None:
        """Forget everything projected (and the tracking), for a rebuild."""


class SQLScheduleView(ScheduleView):
    """The view's SQL, written once with `?` and table names filled in per store."""

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
        }

    def _sql(self, statement: str) -> str:
        return statement.format(**self._tables()).replace("?", self.placeholder)

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Any]:
        active = getattr(self._local, "cursor", None)
        if active is not None:  # inside batch(): one transaction for many events
            yield active
            return
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
        with self.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
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

    def record_item_changes(self, steps: Sequence[ItemStep], last: Tracking) -> None:
        """Many changes in few statements: the facts inserted many rows at a
        time, the intervals advanced step by step in memory (the rows written
        are those one statement per step would write)."""
        with self._cursor(commit=True) as c:
            facts = [
                (
                    step.position,
                    0,
                    step.fact.change.code,
                    *fact_row(step.fact),
                    instant(step.recorded_at),
                )
                for step in steps
            ]
            self._insert_rows(c, "facts", FACT_COLUMNS, facts)
            self._advance_intervals(
                c,
                [
                    (step.fact.change.code, step.intervals, instant(step.recorded_at))
                    for step in steps
                ],
            )
            self._track(c, last)

    def current_facts(self, codes: Collection[str]) -> dict[str, list[Fact]]:
        found: dict[str, list[Fact]] = {code: [] for code in codes}
        for chunk in _chunks(sorted(found), 500):
            rows = self._rows(
                "SELECT * FROM {facts} WHERE retracted_at IS NULL AND code IN "
                f"({', '.join('?' * len(chunk))}) ORDER BY position, ordinal",
                chunk,
            )
            for r in rows:
                found[r["code"]].append(fact_from_row(r))
        return found

    def record_item_correction(
        self,
        code: str,
        revision: str,
        reason: str,
        facts: Sequence[Fact],
        intervals: Sequence[Interval],
        recorded_at: datetime,
        tracking: Tracking,
    ) -> None:
        moment = instant(recorded_at)
        with self._cursor(commit=True) as c:
            c.execute(
                self._sql(
                    "UPDATE {facts} SET retracted_at = ? WHERE code = ? AND "
                    "revision = ? AND retracted_at IS NULL"
                ),
                (moment, code, revision),
            )
            for ordinal, fact in enumerate(facts):
                self._insert_fact(c, tracking.notification_id, ordinal, fact, moment)
            c.execute(
                self._sql(
                    "INSERT INTO {retractions} (position, code, revision, reason) "
                    "VALUES (?, ?, ?, ?)"
                ),
                (tracking.notification_id, code, revision, reason),
            )
            self._advance_intervals(c, [(code, intervals, moment)])
            self._track(c, tracking)

    def _insert_fact(
        self, c: Cursor, position: int, ordinal: int, fact: Fact, moment: str
    ) -> None:
        row = (position, ordinal, fact.change.code, *fact_row(fact), moment)
        self._insert_rows(c, "facts", FACT_COLUMNS, [row])

    def _insert_rows(
        self,
        c: Cursor,
        table: str,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
    ) -> None:
        """INSERT many rows per statement (at most 999 values: any SQLite)."""
        one = f"({', '.join('?' * len(columns))})"
        for chunk in _chunks(rows, max(1, 999 // len(columns))):
            c.execute(
                self._sql(
                    f"INSERT INTO {{{table}}} ({', '.join(columns)}) VALUES "
                    + ", ".join([one] * len(chunk))
                ),
                [value for row in chunk for value in row],
            )

    def _advance_intervals(
        self, c: Cursor, steps: Sequence[tuple[str, Sequence[Interval], str]]
    ) -> None:
        """For each (code, intervals, moment) in order, make `intervals` the item's
        current history from `moment`, closing the rows it no longer has. The
        items' current rows are read at once and each step is diffed in memory
        against the one before."""
        codes = sorted({code for code, _, _ in steps})
        current: dict[str, set[tuple[str | None, ...]]] = {k: set() for k in codes}
        for chunk in _chunks(codes, 500):
            c.execute(
                self._sql(
                    f"SELECT {COLUMNS} FROM {{intervals}} WHERE {CURRENT} AND "
                    f"code IN ({', '.join('?' * len(chunk))})"
                ),
                chunk,
            )
            for r in c.fetchall():
                current[r["code"]].add(tuple(r[k] for k in INTERVAL_COLUMNS))
        closed: list[tuple[str, str, str | None]] = []  # rows stored before
        opened: list[list[Any]] = []  # [row, recorded_from, recorded_to]
        still_open: dict[tuple[str | None, ...], int] = {}  # row → its index
        for code, intervals, moment in steps:
            wanted = {interval_row(i) for i in intervals}
            for gone in current[code] - wanted:
                if gone in still_open:
                    opened[still_open.pop(gone)][2] = moment
                else:
                    closed.append((moment, code, gone[1]))
            for new in wanted - current[code]:
                still_open[new] = len(opened)
                opened.append([new, moment, None])
            current[code] = wanted
        for moment, code, valid_from in closed:
            c.execute(
                self._sql(
                    "UPDATE {intervals} SET recorded_to = ? WHERE code = ? AND "
                    f"valid_from = ? AND {CURRENT}"
                ),
                (moment, code, valid_from),
            )
        rows = [(*row, start, end) for row, start, end in opened]
        columns = (*INTERVAL_COLUMNS, "recorded_from", "recorded_to")
        self._insert_rows(c, "intervals", columns, rows)

    def record_revision(self, row: dict[str, Any], tracking: Tracking) -> None:
        row = {
            **row,
            "changes": json.dumps(row["changes"], ensure_ascii=False),
            "position": tracking.notification_id,
        }
        with self._cursor(commit=True) as c:
            c.execute(
                self._sql(
                    f"INSERT INTO {{revisions}} ({', '.join(row)}) VALUES "
                    f"({', '.join('?' * len(row))})"
                ),
                tuple(row.values()),
            )
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

    def facts(self, code: str, known_at: datetime | None = None) -> list[Fact]:
        moment = instant(known_at) if known_at else "9999"  # after every instant
        rows = self._rows(
            "SELECT * FROM {facts} WHERE code = ? AND recorded_at <= ? AND "
            "(retracted_at IS NULL OR retracted_at > ?) ORDER BY position, ordinal",
            (code, moment, moment),
        )
        return [fact_from_row(r) for r in rows]

    def fact_rows(
        self, code: str | None = None, codes_between: tuple[date, date] | None = None
    ) -> list[dict[str, Any]]:
        params: tuple[str, ...]
        if code is not None:
            where, params = "WHERE code = ?", (code,)
        elif codes_between is not None:
            where = (
                "WHERE code IN (SELECT code FROM {facts} "
                "WHERE effective_from >= ? AND effective_from <= ?)"
            )
            params = tuple(d.isoformat() for d in codes_between)
        else:
            where, params = "", ()
        rows = self._rows(
            f"SELECT * FROM {{facts}} {where} ORDER BY position, ordinal", params
        )
        return [
            {**dict(r), "fact": fact_from_row(r), "change": json.loads(r["change"])}
            for r in rows
        ]

    def interval_records(self) -> list[tuple[str, str | None, Interval]]:
        rows = self._rows(
            f"SELECT {COLUMNS}, recorded_from, recorded_to FROM {{intervals}}"
        )
        return [
            (r["recorded_from"], r["recorded_to"], interval_from_row(r)) for r in rows
        ]

    def intervals_of(
        self, codes: Sequence[str] | None, known_at: datetime | None
    ) -> list[Interval]:
        record, params = _record_filter(known_at)
        if codes is None:
            rows = self._rows(
                f"SELECT {COLUMNS} FROM {{intervals}} WHERE {record}", params
            )
            return [interval_from_row(r) for r in rows]
        found: list[Interval] = []
        unique = sorted(set(codes))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = self._rows(
                f"SELECT {COLUMNS} FROM {{intervals}} WHERE code IN "
                f"({', '.join('?' * len(chunk))}) AND {record}",
                (*chunk, *params),
            )
            found += [interval_from_row(r) for r in rows]
        return found

    def codes_changed_after(self, position: int) -> set[str]:
        rows = self._rows(
            "SELECT code FROM {facts} WHERE position > ? UNION "
            "SELECT code FROM {retractions} WHERE position > ?",
            (position, position),
        )
        return {r["code"] for r in rows}

    def intervals(self, code: str, known_at: datetime | None) -> list[Interval]:
        record, params = _record_filter(known_at)
        rows = self._rows(
            f"SELECT {COLUMNS} FROM {{intervals}} WHERE code = ? AND {record} "
            "ORDER BY valid_from",
            (code, *params),
        )
        return [interval_from_row(r) for r in rows]

    def schedule(self, as_of: date, known_at: datetime | None) -> list[Interval]:
        record, params = _record_filter(known_at)
        day = as_of.isoformat()
        rows = self._rows(
            f"SELECT {COLUMNS} FROM {{intervals}} WHERE {IN_FORCE} AND {record} "
            "ORDER BY code",
            (day, day, *params),
        )
        return [interval_from_row(r) for r in rows]

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
            c.execute(
                self._sql(
                    f"INSERT INTO {{claims}} ({', '.join(row)}) VALUES "
                    f"({', '.join('?' * len(row))})"
                ),
                tuple(row.values()),
            )
            self._track(c, tracking)

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


def _record_filter(known_at: datetime | None) -> tuple[str, tuple[str, ...]]:
    if known_at is None:
        return CURRENT, ()
    moment = instant(known_at)
    return KNOWN_AT, (moment, moment)


class SQLiteScheduleView(SQLScheduleView, SQLiteTrackingRecorder):
    """The schedule view in the SQLite file beside the events."""


class PostgresScheduleView(SQLScheduleView, PostgresTrackingRecorder):
    """The schedule view in the PostgreSQL schema beside the events."""

    placeholder = "%s"

    def _tables(self) -> dict[str, str]:
        schema = self.datastore.schema
        return {
            k: v if k.endswith("_idx") else f'"{schema}".{v}'
            for k, v in super()._tables().items()
        }

    def _tracking_table(self) -> str:
        return f'"{self.datastore.schema}".{self.tracking_table_name}'
