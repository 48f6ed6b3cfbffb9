"""`/health`: the service is up and its store answers."""

from __future__ import annotations

from fastapi import APIRouter

from service.web.dependencies import ScheduleDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(schedule: ScheduleDep) -> dict[str, object]:
    return {"status": "ok", "position": schedule.position()}
