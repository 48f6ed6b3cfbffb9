"""What handlers reach through `Depends`: the schedule and the writer's name."""

from __future__ import annotations

import getpass
import hmac
import os
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from service.application import FeeSchedule


def get_schedule(request: Request) -> FeeSchedule:
    schedule: FeeSchedule = request.app.state.schedule
    return schedule


def recorded_by(request: Request) -> str:
    """Who is writing: the token's name when KAITEI_TOKENS is set, else the OS user."""
    tokens: dict[str, str] = request.app.state.tokens
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
    for name, known in tokens.items():
        if hmac.compare_digest(known.encode(), token.strip().encode()):
            return name
    raise HTTPException(403, "this token may not write")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"


def parse_tokens(text: str | None) -> dict[str, str]:
    """`name:token,name2:token2` as {name: token}; ValueError naming the entry."""
    tokens: dict[str, str] = {}
    for entry in filter(None, (e.strip() for e in (text or "").split(","))):
        name, sep, token = entry.partition(":")
        if not sep or not name.strip() or not token.strip():
            raise ValueError("KAITEI_TOKENS: each entry must be name:token")
        tokens[name.strip()] = token.strip()
    return tokens


def tokens_from_env() -> dict[str, str]:
    return parse_tokens(os.environ.get("KAITEI_TOKENS"))


ScheduleDep = Annotated[FeeSchedule, Depends(get_schedule)]
WriterDep = Annotated[str, Depends(recorded_by)]
