"""The FastAPI app, built in a factory; long-lived objects made in `lifespan`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from domain.errors import DomainError
from service.application import FeeSchedule
from service.dependencies import tokens_from_env
from service.errors import domain_error_response
from service.limits import BodyLimit, max_body_bytes
from service.routers import (
    audit,
    changes,
    claims,
    health,
    imports,
    items,
    revisions,
    schedule,
)
from service.settings import Settings


def create_app(
    fee_schedule: FeeSchedule | None = None, tokens: dict[str, str] | None = None
) -> FastAPI:
    """The service; tests pass their own FeeSchedule (and tokens)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = fee_schedule is None
        app.state.schedule = fee_schedule or FeeSchedule(
            Settings.from_env().eventsourcing_env()
        )
        app.state.tokens = tokens if tokens is not None else tokens_from_env()
        yield
        if owned:
            app.state.schedule.close()

    app = FastAPI(
        title="kaitei",
        summary="Revision history of Japan's medical fee schedule (診療報酬点数表).",
        lifespan=lifespan,
    )
    for module in (
        revisions,
        items,
        schedule,
        changes,
        claims,
        imports,
        audit,
        health,
    ):
        app.include_router(module.router)
    if fee_schedule is not None:  # usable before lifespan runs (in-process tests)
        app.state.schedule = fee_schedule
        app.state.tokens = tokens if tokens is not None else tokens_from_env()
    app.add_exception_handler(DomainError, domain_error_response)
    app.add_middleware(BodyLimit, limit=max_body_bytes(), exempt=("/imports/",))
    return app
