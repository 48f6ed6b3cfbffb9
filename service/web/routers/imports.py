"""`/imports/mhlw` and `/imports/tensuhyo`: a 医科診療行為マスター file or a
医科電子点数表 table in, one revision recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

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


class MasterImportOut(ImportOut):
    full: bool = Field(description="A full file (s_ALL…), compared with the history")
    layout: str = Field(description="The layout the file was read by (令和8年度版)")
    introduced: int = Field(0, description="Codes introduced (新設)")
    changed: int = Field(0, description="Codes whose value, name or fields changed")
    abolished: int = Field(0, description="Codes abolished (廃止)")
    kept_count: int = Field(
        0, description="A full file's codes held in force that it lacks: kept"
    )
    kept: list[str] = Field(
        [], description="Those codes: never abolished by guess, left as they were"
    )


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
    schedule: ScheduleDep,
    settings: SettingsDep,
    writer: WriterDep,
    response: Response,
    filename: Annotated[
        str | None,
        Query(
            max_length=64,
            pattern=FILE_NAME.pattern,
            description="As MHLW names it: s_20220304.csv, s_ALL20220218.zip "
            "(a file upload names itself)",
        ),
    ] = None,
    effective_from: Annotated[
        str | None,
        Query(
            max_length=20,
            description="Date for rows without 変更年月日, or `published`.",
        ),
    ] = None,
) -> MasterImportOut:
    """The file as sent (the zip MHLW ships, or its CSV in CP932 or UTF-8), or
    as a file upload (multipart, field `file`): one revision per file."""
    name, content = await _sent(request, filename, settings.max_import_bytes)
    try:
        master = read_master(name, content)
    except MasterFileError as error:
        where = ["query", "filename"] if error.field == "filename" else ["body"]
        raise _refused(where, str(error)) from None
    day = _effective(effective_from, master.published)
    done = await run_in_threadpool(import_master, schedule, master, day, writer)
    recorded, counts = done.recorded, done.counts
    if not done.created:
        response.status_code = 200
    return MasterImportOut(
        id=recorded.id,
        created=done.created,
        rows=len(master.rows),
        changes=len(recorded.events) - 1 if done.created else 0,
        position=recorded.position if done.created else schedule.position(),
        full=master.full,
        layout=master.layout,
        introduced=counts.introduced,
        changed=counts.changed,
        abolished=counts.abolished,
        kept_count=len(done.kept),
        kept=list(done.kept),
    )


async def _sent(
    request: Request, filename: str | None, limit: int
) -> tuple[str, bytes]:
    """The file's name and bytes: the body named by `filename`, or a file
    upload (multipart/form-data, field `file`) that names itself."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        if filename is None:
            raise _refused(
                ["query", "filename"],
                "give the file's name (s_ALL20261001.zip) or send it as a file upload",
            )
        return filename, await _body(request, limit)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    form = await request.form(max_files=1, max_fields=4)
    upload = form.get("file")
    if isinstance(upload, str) or upload is None:
        raise _refused(["body", "file"], "send the master file in the field `file`")
    name = filename or Path(upload.filename or "").name
    if not FILE_NAME.match(name):
        raise _refused(
            ["body", "file"],
            f"{name or '(no name)'}: not a 医科診療行為マスター file name "
            "(s_ALLYYYYMMDD.zip|csv, s_YYYYMMDD.csv)",
        )
    content = await upload.read()
    if len(content) > limit:
        raise _too_large(limit)
    return name, content


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
