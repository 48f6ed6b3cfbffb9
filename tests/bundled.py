"""The bundled store (every master file to 2025-09 plus the seed rules), built once
per test session and store, then copied for each test that needs it: SQLite by
copying the file, PostgreSQL by `CREATE DATABASE … TEMPLATE`."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
from psycopg import sql

from service.application import FeeSchedule
from service.importers.bundle import load_bundle_into
from service.store import eventsourcing_env

POSTGRES = os.environ.get(
    "KAITEI_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
SERVER = POSTGRES.rsplit("/", 1)[0]  # the same server, another database


@functools.cache
def sqlite_template() -> Path:
    path = Path(tempfile.mkdtemp(prefix="kaitei-bundle-")) / "bundle.sqlite3"
    _load(f"sqlite:///{path}")
    return path


def sqlite_copy(folder: Path) -> str:
    """A fresh SQLite store in `folder` holding the bundle."""
    target = folder / "bundled.sqlite3"
    template = sqlite_template()
    shutil.copyfile(template, target)
    for suffix in ("-wal", "-shm"):  # left only if the close did not checkpoint
        if Path(f"{template}{suffix}").exists():
            shutil.copyfile(f"{template}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}"


@functools.cache
def postgres_template() -> str:
    name = f"kaitei_bundle_{os.getpid()}"
    with _server() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    _load(f"{SERVER}/{name}")
    return name


def postgres_copy() -> Iterator[str]:
    """A fresh PostgreSQL database holding the bundle, dropped afterwards."""
    name = f"t_{uuid4().hex[:12]}"
    with _server() as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(postgres_template())
            )
        )
        yield f"{SERVER}/{name}"
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def drop_postgres_template() -> None:
    if postgres_template.cache_info().currsize:
        with _server() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(postgres_template())
                )
            )


def _server() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5)


def _load(url: str) -> None:
    schedule = FeeSchedule(eventsourcing_env(url))
    try:
        load_bundle_into(url, schedule)
    finally:
        schedule.close()
