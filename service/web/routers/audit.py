"""`/audit/verify`: recompute the hash chain over every stored event."""

from __future__ import annotations

from fastapi import APIRouter

from service.contract.audit import verification_json
from service.web.dependencies import ScheduleDep

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/verify")
def verify(schedule: ScheduleDep) -> dict[str, object]:
    """`{"ok": true, "events": N}`, or `{"ok": false, "first_bad": ...}` naming the
    first event whose content or place does not match its link in the chain."""
    return verification_json(schedule.verify())
