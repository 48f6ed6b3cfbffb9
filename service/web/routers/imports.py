"""`/imports/mhlw` and `/imports/tensuhyo`: a 医科診療行為マスター file or a
医科電子点数表 table in, one revision recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from domain.errors import TableRowError
from domain.wareki import parse_date
from service.importers.masters import import_master
from service.importers.mhlw import FILE_NAME, MasterFileError, read_master
from service.importers.tensuhyo import TABLE_NAME, import_table, read_table
from service.web.dependencies import ScheduleDep, SettingsDep, WriterDep

router = APIRouter(prefix="/imports", tags=["imports"])
THE_FILE_IS_THE_BODY = {  # as sent, not JSON
    "requestBody": {
        "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        "required": True,
    }
}


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
    openapi_extra=THE_FILE_IS_THE_BODY,
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
    content = await _body(request, limit)
    try:
        master = read_master(filename, content)
    except MasterFileError as error:
        where = ["query", "filename"] if error.field == "filename" else ["body"]
        raise _refused(where, str(error)) from None
    day = _effective(effective_from, master.published)
    recorded = await run_in_threadpool(import_master, schedule, master, day, writer)
    if not recorded.created:
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


@router.post(
    "/tensuhyo",
    status_code=201,
    responses={
        200: {"description": "this edition is already imported"},
        413: {"description": "file too large"},
    },
    openapi_extra=THE_FILE_IS_THE_BODY,
)
async def import_tensuhyo(
    request: Request,
    filename: Annotated[
        str,
        Query(
            max_length=64,
            pattern=TABLE_NAME.pattern,
            description="As 支払基金 names it: 03-2背反テーブル2.csv, "
            "05算定回数テーブル.csv",
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
            description="For a later edition: the day the rules it drops or "
            "changes end.",
        ),
    ] = None,
) -> ImportOut:
    """A 背反 (03-x) or 算定回数 (05) table as sent (CP932 CSV): its rows become
    rules on their items, from their 新設年月日; one revision per edition."""
    content = await _body(request, settings.max_import_bytes)
    try:
        table = read_table(filename, content)
    except TableRowError as error:
        raise _refused(["body"], str(error)) from None
    ended = (
        None if effective_from is None else _effective(effective_from, table.edition)
    )
    recorded, _ = await run_in_threadpool(import_table, schedule, table, ended, writer)
    if not recorded.created:
        response.status_code = 200
    return ImportOut(
        id=table.revision_id,
        created=recorded.created,
        rows=len(table.rows),
        changes=len(recorded.events) - 1 if recorded.created else 0,
        position=recorded.position,
    )


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    content = bytearray()
    async for chunk in request.stream():
        content += chunk
        if len(content) > limit:
            raise _too_large(limit)
    return bytes(content)


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
