"""The FastAPI app, built in a factory; long-lived objects made in `lifespan`."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from domain.errors import DomainError
from service.application import FeeSchedule
from service.importers.bundle import load_bundle_into
from service.settings import Settings
from service.store import eventsourcing_env
from service.web import ui
from service.web.body_limit import BodyLimit
from service.web.errors import domain_error_response, validation_error_response
from service.web.routers import (
    audit,
    changes,
    claims,
    health,
    imports,
    items,
    lookup,
    revisions,
    schedule,
    uke,
)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def create_app(
    fee_schedule: FeeSchedule | None = None,
    tokens: dict[str, str] | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """The service; tests pass their own FeeSchedule (and tokens or settings)."""
    settings = settings or Settings.from_env()
    if tokens is not None:
        settings = replace(settings, tokens=tokens)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = fee_schedule is None
        app.state.schedule = fee_schedule or FeeSchedule(
            eventsourcing_env(settings.database_url)
        )
        if owned and settings.load_bundled:
            load_bundle_into(settings.database_url, app.state.schedule, _to_stderr)
        yield
        if owned:
            app.state.schedule.close()

    app = FastAPI(
        title="kaitei",
        summary="Revision history of Japan's medical fee schedule (診療報酬点数表).",
        lifespan=lifespan,
    )
    routers = (revisions, items, lookup, schedule, changes, claims, uke, imports, audit)
    for module in (*routers, health, ui):
        app.include_router(module.router)
    app.mount("/ui/static", ui.static, name="static")
    app.state.settings = settings
    if fee_schedule is not None:  # usable before lifespan runs (in-process tests)
        app.state.schedule = fee_schedule
    app.add_exception_handler(DomainError, domain_error_response)
    app.add_exception_handler(RequestValidationError, validation_error_response)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, exempt=("/imports/",))
    return app
