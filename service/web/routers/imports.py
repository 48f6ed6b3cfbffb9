"""`/imports/mhlw`: a 医科診療行為マスター file in, one revision recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from domain.wareki import parse_date
from service.importers.masters import import_master
from service.importers.mhlw import FILE_NAME, MasterFileError, read_master
from service.web.dependencies import ScheduleDep, SettingsDep, WriterDep

router = APIRouter(prefix="/imports", tags=["imports"])


class ImportOut(BaseModel):
    id: str
    created: bool
    rows: int
    changes: int
    position: int


def _refused(
    field: Sequence[str | int], message: str, status: int = 422
) -> HTTPException:
    return HTTPException(
        status, [{"loc": list(field), "msg": message, "type": "import_refused"}]
    )


@router.post(
    "/mhlw",
    status_code=201,
    responses={
        200: {"description": "already imported, or every row already recorded"},
        409: {"description": "older than a master file already imported"},
        413: {"description": "file too large"},
    },
    openapi_extra={
        "requestBody": {
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            "required": True,
        }
    },
)
async def import_mhlw(
    request: Request,
    filename: Annotated[
        str,
        Query(
            max_length=64,
            pattern=FILE_NAME.pattern,
            description="As MHLW names it: s_20220304.csv, s_ALL20220218.zip",
        ),
    ],
    schedule: ScheduleDep,
    settings: SettingsDep,
    writer: WriterDep,
    response: Response,
    effective_from: Annotated[
        str | None,
        Query(
            max_length=20,
            description="Date for rows without 変更年月日, or `published`.",
        ),
    ] = None,
) -> ImportOut:
    """The file as sent (CP932 CSV, or the zip MHLW ships): one revision per file."""
    limit = settings.max_import_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    content = bytearray()
    async for chunk in request.stream():
        content += chunk
        if len(content) > limit:
            raise _too_large(limit)
    try:
        master = read_master(filename, bytes(content))
    except MasterFileError as error:
        where = ["query", "filename"] if error.field == "filename" else ["body"]
        raise _refused(where, str(error)) from None
    day = _effective(effective_from, master.published)
    recorded = await run_in_threadpool(import_master, schedule, master, day, writer)
    if recorded is None or not recorded.created:
        response.status_code = 200
        return ImportOut(
            id=master.name,
            created=False,
            rows=len(master.rows),
            changes=0,
            position=schedule.position(),
        )
    return ImportOut(
        id=master.name,
        created=True,
        rows=len(master.rows),
        changes=len(recorded.events) - 1,
        position=recorded.position,
    )


def _too_large(limit: int) -> HTTPException:
    return _refused(["body"], f"over {limit} bytes (KAITEI_MAX_IMPORT_BYTES)", 413)


def _effective(text: str | None, published: date) -> date | None:
    if text is None:
        return None
    if text == "published":
        return published
    try:
        return parse_date(text)
    except ValueError as error:
        raise _refused(["query", "effective_from"], str(error)) from None
