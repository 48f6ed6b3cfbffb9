"""The schedule view for each store: SQLite beside the events file, PostgreSQL
in the events' schema."""

from __future__ import annotations

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from projections.sql_items import ItemsSQL
from projections.sql_records import RecordsSQL


class SQLScheduleView(ItemsSQL, RecordsSQL):
    """The view's SQL, written once with `?` and table names filled in per store."""


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
