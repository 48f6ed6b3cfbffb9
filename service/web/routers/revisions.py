"""`/revisions`: record a revision, list them, read one, enact or withdraw it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Response

from service.application import Recorded
from service.contract.fields import number
from service.contract.revisions import CorrectionIn, EnactIn, RecordedOut, RevisionIn
from service.web.dependencies import ScheduleDep, WriterDep

router = APIRouter(prefix="/revisions", tags=["revisions"])


def _answer(recorded: Recorded, response: Response) -> RecordedOut:
    response.status_code = 201 if recorded.created else 200
    return RecordedOut.of(recorded)


@router.post(
    "",
    status_code=201,
    responses={
        200: {"description": "already recorded"},
        409: {"description": "other body"},
    },
)
def record_revision(
    body: RevisionIn, schedule: ScheduleDep, writer: WriterDep, response: Response
) -> RecordedOut:
    """Record a revision atomically; the same body again records nothing (200)."""
    return _answer(schedule.record_revision(body.to_draft(), writer), response)


@router.get("")
def list_revisions(schedule: ScheduleDep) -> dict[str, list[dict[str, Any]]]:
    """Every revision as recorded, oldest record first."""
    return {"revisions": [_out(r) for r in schedule.revisions()]}


@router.get("/{revision_id}")
def read_revision(revision_id: str, schedule: ScheduleDep) -> dict[str, Any]:
    schedule.revision(revision_id)  # 404 naming the id when unknown
    return next(_out(r) for r in schedule.revisions([revision_id]))


@router.post("/{revision_id}/enact")
def enact_revision(
    revision_id: str,
    schedule: ScheduleDep,
    writer: WriterDep,
    response: Response,
    body: EnactIn | None = None,
) -> RecordedOut:
    """A proposal (改定案) becomes enacted, optionally from another date."""
    effective_from = body.effective_from if body else None
    return _answer(schedule.enact(revision_id, effective_from, writer), response)


@router.post("/{revision_id}/withdraw")
def withdraw_revision(
    revision_id: str, schedule: ScheduleDep, writer: WriterDep, response: Response
) -> RecordedOut:
    return _answer(schedule.withdraw(revision_id, writer), response)


@router.post(
    "/{revision_id}/corrections",
    status_code=201,
    responses={
        404: {"description": "unknown revision"},
        409: {"description": "withdrawn"},
    },
)
def correct_revision(
    revision_id: str,
    body: CorrectionIn,
    schedule: ScheduleDep,
    writer: WriterDep,
    response: Response,
) -> RecordedOut:
    """Replace what a recorded revision says, from now on in record time; answers
    at an earlier `known_at` are unchanged and history keeps both."""
    changes = tuple(c.to_domain() for c in body.changes)
    return _answer(
        schedule.correct(revision_id, body.reason, body.source, changes, writer),
        response,
    )


def _out(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in ("revision_id", "position")}
    recorded_at = str(out["recorded_at"]).replace("Z", "+00:00")
    changes = [
        {**c, "value": number(Decimal(c["value"]))} if "value" in c else c
        for c in out["changes"]
    ]
    return {
        "id": row["revision_id"],
        **out,
        "changes": changes,
        "recorded_at": recorded_at,
        "corrections": [
            {**c, "recorded_at": c["recorded_at"].replace("Z", "+00:00")}
            for c in json.loads(row.get("corrections") or "[]")
        ],
        "position": row["position"],
    }
