"""Knowing that nothing new was recorded without a query to the database each
time.

On PostgreSQL a trigger on the events table notifies (NOTIFY) after each insert,
from any process. Each process keeps one connection that LISTENs; before a read
it takes what has reached that connection's socket (no round trip: libpq's
consume_input), and only a notice, or a broken connection, sends it to look for
new events. On SQLite a connection of its own that never writes asks `PRAGMA
data_version`, which changes when any other connection commits."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any, Protocol

import psycopg
from psycopg import sql

CHANNEL = "kaitei_events"


class Watch(Protocol):
    def stale(self) -> bool: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...


class SQLiteWatch:
    """Whether another connection committed since `clear()`."""

    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._seen: object = None

    def _version(self) -> object:
        return self._db.execute("PRAGMA data_version").fetchone()[0]

    def stale(self) -> bool:
        with self._lock:
            return self._seen is None or self._version() != self._seen

    def clear(self) -> None:
        with self._lock:
            self._seen = self._version()

    def close(self) -> None:
        with self._lock:
            self._db.close()


class ChangeWatch:
    """Whether anything may have been recorded since `clear()`."""

    def __init__(self, connect: dict[str, Any], schema: str, table: str) -> None:
        self._connect = connect
        self._lock = threading.Lock()
        self._stale = True
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        _install_trigger(connect, schema, table)

    def stale(self) -> bool:
        """True unless listening and told of nothing since the last `clear`."""
        with self._lock:
            if self._conn is None or self._conn.closed:
                self._listen()
                return True
            pgconn = self._conn.pgconn
            try:
                pgconn.consume_input()
                while pgconn.notifies() is not None:
                    self._stale = True
            except psycopg.Error:
                self._conn.close()
                return True
            return self._stale

    def clear(self) -> None:
        """Called just before looking: a notice after this makes it stale again."""
        with self._lock:
            self._stale = False

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()

    def _listen(self) -> None:
        """(Re)open the listening connection; what came before it is unknown."""
        self._stale = True
        try:
            conn = psycopg.connect(**self._connect, autocommit=True)
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
        except psycopg.Error:
            return  # the server is away: every read looks, as without a watch
        self._conn = conn


def _install_trigger(connect: dict[str, Any], schema: str, table: str) -> None:
    """NOTIFY after every statement that inserts events (idempotent)."""
    function = sql.Identifier(schema, "kaitei_notify_events")
    with psycopg.connect(**connect, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql "
                "AS $$ BEGIN PERFORM pg_notify({}, ''); RETURN NULL; END $$"
            ).format(function, sql.Literal(CHANNEL))
        )
        conn.execute(
            sql.SQL(
                "CREATE OR REPLACE TRIGGER kaitei_notify_events AFTER INSERT ON {} "
                "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
            ).format(sql.Identifier(schema, table), function)
        )
