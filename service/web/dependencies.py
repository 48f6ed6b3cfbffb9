"""What handlers reach through `Depends`: the schedule, the settings and the
writer's name."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from service.application import FeeSchedule
from service.application.context import os_user
from service.settings import Settings


# async: a dependency that only reads app state needs no worker thread
async def get_schedule(request: Request) -> FeeSchedule:
    schedule: FeeSchedule = request.app.state.schedule
    return schedule


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def recorded_by(request: Request) -> str:
    """Who is writing: the token's name when KAITEI_TOKENS is set, else the OS user."""
    settings: Settings = request.app.state.settings
    tokens = settings.tokens
    if not tokens:
        return os_user()
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(
            401,
            "writes need Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    name = token_owner(tokens, token)
    if name is None:
        raise HTTPException(403, "this token may not write")
    return name


def token_owner(tokens: Mapping[str, str], token: str) -> str | None:
    """The name of the writer whose token this is, or None."""
    for name, known in tokens.items():
        if hmac.compare_digest(known.encode(), token.strip().encode()):
            return name
    return None


ScheduleDep = Annotated[FeeSchedule, Depends(get_schedule)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
WriterDep = Annotated[str, Depends(recorded_by)]
