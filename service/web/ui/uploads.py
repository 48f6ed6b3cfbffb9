"""A master file brought in on the sources page (`POST /ui/sources`): the file
a clerk downloaded (s_ALL20261001.zip, a change file, CP932 or UTF-8) imported
on top of the history, and what it did said in words."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData, UploadFile

from domain.errors import DomainError
from service.application.context import os_user
from service.importers.masters import MasterImported, import_master
from service.importers.mhlw import FILE_NAME, MasterFileError, read_master
from service.web.dependencies import ScheduleDep, SettingsDep, token_owner
from service.web.ui.pages import sources
from service.web.ui.render import PageError

router = APIRouter(include_in_schema=False)
SHOWN_KEPT = 50


@router.post("/ui/sources", response_class=HTMLResponse)
async def upload_page(
    request: Request, schedule: ScheduleDep, settings: SettingsDep
) -> HTMLResponse:
    """Import the uploaded master file; the sources page with what it did."""
    try:
        name, content, token = await _upload(request, settings.max_import_bytes)
        writer = _writer(settings.tokens, token) if settings.tokens else os_user()
        master = read_master(name, content)
        done = await run_in_threadpool(import_master, schedule, master, None, writer)
    except PageError as error:
        return sources(request, schedule, settings, error.status, error=str(error))
    except (MasterFileError, DomainError) as error:
        message = f"取り込めませんでした（何も記録していません）: {error}"
        return sources(request, schedule, settings, 422, error=message)
    return sources(request, schedule, settings, done=said(done, name))


async def uploaded(
    request: Request, limit: int, missing: str
) -> tuple[str, bytes, FormData]:
    """A page's file upload (field `file`): its name, its bytes and the form;
    refused in words (`missing` when no file was chosen)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PageError(f"ファイルが大きすぎます（上限 {limit:,} バイト）。", 413)
    try:
        form = await request.form(max_files=1, max_fields=4)
    except Exception:  # not a form at all (multipart's own parse errors)
        raise PageError("ファイルを選んでからボタンを押してください。") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise PageError(missing)
    content = await upload.read()
    if len(content) > limit:
        raise PageError(f"ファイルが大きすぎます（上限 {limit:,} バイト）。", 413)
    return Path(upload.filename).name, content, form


async def _upload(request: Request, limit: int) -> tuple[str, bytes, str]:
    missing = "取り込むマスターファイルを選んでください。"
    name, content, form = await uploaded(request, limit, missing)
    if not FILE_NAME.match(name):
        raise PageError(
            f"「{name}」は基本マスター（医科診療行為・医薬品・特定器材）のファイル名では"
            "ありません。支払基金の名前のまま（s_ALL20261001.zip、s_20250901.csv、"
            "y_20250813.csv、t_20250829.csv）で選んでください。",
            422,
        )
    token = form.get("token")
    return name, content, token if isinstance(token, str) else ""


def _writer(tokens: Mapping[str, str], token: str) -> str:
    if not token.strip():
        raise PageError("記録するにはトークンを入れてください。", 401)
    owner = token_owner(tokens, token)
    if owner is None:
        raise PageError("このトークンでは記録できません。", 403)
    return owner


def said(done: MasterImported, name: str) -> dict[str, object]:
    """What an import did, as the page says it."""
    counts = done.counts
    if not done.created:
        summary = (
            f"{name} は {done.recorded.id} として取り込み済みです。何も変えていません。"
        )
    else:
        summary = (
            f"{name} を取り込みました: {counts.introduced:,} 新設、"
            f"{counts.changed:,} 変更、{counts.abolished:,} 廃止。"
        )
    return {
        "summary": summary,
        "kept": len(done.kept),
        "kept_shown": done.kept[:SHOWN_KEPT],
    }
