"""The schedule view for each store: SQLite beside the events file, PostgreSQL
in the events' schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError, OperationalError
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from projections.sql_items import ItemsSQL
from projections.sql_records import RecordsSQL


class SQLScheduleView(ItemsSQL, RecordsSQL):
    """The view's SQL, written once with `?` and table names filled in per store."""


class SQLiteScheduleView(SQLScheduleView, SQLiteTrackingRecorder):
    """The schedule view in the SQLite file beside the events."""

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Any]:
        """A write starts with BEGIN IMMEDIATE: it waits (busy timeout) for
        another process's write to end, where a deferred BEGIN that has read
        would fail at once with "database is locked" (a stale WAL snapshot)."""
        if not commit:
            with super()._transaction(commit=False) as cursor:
                yield cursor
            return
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")
                yield cursor
                connection.commit()
            except BaseException as error:
                connection.rollback()
                # as eventsourcing's own transactions raise them
                if isinstance(error, sqlite3.IntegrityError):
                    raise IntegrityError(error) from error
                if isinstance(error, sqlite3.OperationalError):
                    raise OperationalError(error) from error
                raise


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
