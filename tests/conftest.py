"""Fixtures: every store-backed test runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from domain.rulebook import RuleBook
from service.application import FeeSchedule
from service.store import eventsourcing_env
from service.web.app import create_app
from tests.bundled import POSTGRES, drop_postgres_template, postgres_copy, sqlite_copy

STORES = [
    s.strip()
    for s in os.environ.get("KAITEI_TEST_STORES", "sqlite,postgres").split(",")
]

if os.environ.get("CI") and "postgres" not in STORES:
    raise pytest.UsageError("CI must run the PostgreSQL tests (KAITEI_TEST_STORES)")


def reach_postgres() -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the test server; the test fails (never skips) without."""
    try:
        return psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL at {POSTGRES} is unreachable ({error}); start it, "
            "or run with KAITEI_TEST_STORES=sqlite outside CI"
        )


def postgres_schema() -> Iterator[str]:
    """A fresh schema for one test, dropped afterwards; fails if the server is down."""
    schema = f"t_{uuid4().hex[:12]}"
    with reach_postgres() as conn:
        yield f"{POSTGRES}?schema={schema}"
        conn.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


@pytest.fixture(params=STORES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kaitei.sqlite3'}"
    else:
        yield from postgres_schema()


@pytest.fixture
def schedule(database_url: str) -> Iterator[FeeSchedule]:
    app = FeeSchedule(eventsourcing_env(database_url))
    yield app
    app.close()


@pytest.fixture
def client(schedule: FeeSchedule) -> Iterator[TestClient]:
    with TestClient(create_app(schedule, tokens={})) as test_client:
        yield test_client


@pytest.fixture(params=STORES)
def bundled_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store holding the bundle: every master file to 2025-09 and the seed rules."""
    if request.param == "sqlite":
        yield sqlite_copy(tmp_path)
    else:
        reach_postgres().close()
        yield from postgres_copy()


@pytest.fixture
def bundled_schedule(bundled_url: str) -> Iterator[FeeSchedule]:
    app = FeeSchedule(eventsourcing_env(bundled_url))
    yield app
    app.close()


@pytest.fixture
def bundled_book(bundled_url: str) -> RuleBook:
    """The bundle's rule book, as a replay prices with it."""
    app = FeeSchedule(eventsourcing_env(bundled_url))
    try:
        return app.rules(None)
    finally:
        app.close()


@pytest.fixture
def bundled_client(bundled_schedule: FeeSchedule) -> Iterator[TestClient]:
    with TestClient(create_app(bundled_schedule, tokens={})) as test_client:
        yield test_client


@pytest.fixture(scope="session", autouse=True)
def _drop_bundle_template() -> Iterator[None]:
    yield
    drop_postgres_template()
