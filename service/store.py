"""The store kaitei runs on: eventsourcing's variables for the URL, the PostgreSQL
schema, the startup lock, and the read-model class for the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.postgres import PostgresFactory
from psycopg import sql

from projections.stores import PostgresScheduleView, SQLiteScheduleView
from projections.views import ScheduleView
from service.settings import SettingsError


def eventsourcing_env(database_url: str) -> dict[str, str]:
    """eventsourcing's variables for the store `KAITEI_DATABASE_URL` names."""
    url = urlsplit(database_url)
    if url.scheme == "sqlite":
        path = unquote(database_url[len("sqlite:///") :])
        if not database_url.startswith("sqlite:///") or not path:
            raise SettingsError(
                f"KAITEI_DATABASE_URL={database_url!r}: use sqlite:///path/to/file"
            )
        if path != ":memory:":  # the user's data directory may not exist yet
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    if url.scheme in ("postgresql", "postgres"):
        return _postgres_env(database_url)
    raise SettingsError(
        f"KAITEI_DATABASE_URL={database_url!r}: use sqlite:///path or "
        "postgresql://user@host/db"
    )


def bulk_loading_env(database_url: str) -> dict[str, str]:
    """The store's variables for one process loading much at once (the bundle):
    every item kept in memory after its save, not read back per change (on
    PostgreSQL a round trip each). Only safe while no other process writes the
    same items; a conflict fails the load, which the caller resumes uncached."""
    return eventsourcing_env(database_url) | {
        "AGGREGATE_CACHE_MAXSIZE": "100000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
        # no copy of an item per change (a deepcopy took ~1/8 of the load): a
        # failed save then leaves the cache ahead of the store, so such a
        # loader never retries (`Recording._retried`) and is dropped on failure
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
    }


def _postgres_env(database_url: str) -> dict[str, str]:
    url = urlsplit(database_url)
    dbname = url.path.lstrip("/")
    if not dbname:
        raise SettingsError(f"KAITEI_DATABASE_URL={database_url!r}: name a database")
    schema = parse_qs(url.query).get("schema", ["public"])[0]
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_POOL_SIZE": "4",
        "POSTGRES_MAX_OVERFLOW": "8",
        # One function call per save: the pipelined insert deadlocks on large
        # revisions (psycopg issue 685; a full master file is 8,736 events).
        "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
    }
    ensure_schema(env)
    return env


def _connect(env: dict[str, str]) -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection to the PostgreSQL that `env` names."""
    return psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        autocommit=True,
        connect_timeout=5,
    )


def ensure_schema(env: dict[str, str]) -> None:
    """Create the PostgreSQL schema named in the URL (`?schema=`) if missing."""
    if env["POSTGRES_SCHEMA"] == "public":
        return
    with _connect(env) as conn:
        conn.execute(
            sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                sql.Identifier(env["POSTGRES_SCHEMA"])
            )
        )


STARTUP_LOCK = 7_283_116  # pg_advisory_lock key: kaitei processes creating tables


@contextmanager
def startup_lock(env: dict[str, str]) -> Iterator[None]:
    """Serialise table creation across processes starting on one PostgreSQL
    (concurrent CREATE OR REPLACE FUNCTION fails with "tuple concurrently
    updated"); no-op for SQLite, whose file lock already serialises."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        yield
        return
    with _connect(env) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (STARTUP_LOCK,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (STARTUP_LOCK,))


def view_class(factory: InfrastructureFactory[Any]) -> type[ScheduleView]:
    """The read model's class for the store the factory opens."""
    if isinstance(factory, PostgresFactory):
        return PostgresScheduleView
    return SQLiteScheduleView
